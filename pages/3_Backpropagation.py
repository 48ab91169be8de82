"""Backpropagation: the chain rule computes every partial in one backward sweep."""

from lessons.backprop import page
from ui.page import setup_page

presenter = setup_page("Backpropagation", icon="🔁")
page.render(presenter)
