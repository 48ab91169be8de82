"""Backpropagation: the chain rule computes every partial in one backward sweep."""

from lessons import backprop
from ui.page import setup_page

presenter = setup_page("Backpropagation", icon="🔁")
backprop.page.render(presenter)
