"""Gradient descent: the gradient collects the partials, one step moves every parameter."""

from lessons import descent
from ui.page import setup_page

presenter = setup_page("Gradient descent", icon="⛰️")
descent.page.render(presenter)
