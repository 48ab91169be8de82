"""Marginal Lab home page (the entry point): what the lab teaches and where to start."""

from lessons import home
from ui.page import setup_page

presenter = setup_page("Marginal Lab", icon="∂", home=True)
home.page.render(presenter)
