"""Gradient descent: the gradient collects the partials, one step moves every parameter."""

from lessons.descent import page
from ui.page import setup_page

presenter = setup_page("Gradient descent", icon="⛰️")
page.render(presenter)
