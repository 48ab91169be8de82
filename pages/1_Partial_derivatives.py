"""Partial derivatives: slices, tangents, the gradient, and the marginal effect of TV."""

from lessons.partials import page
from ui.page import setup_page

presenter = setup_page("Partial derivatives", icon="📐")
page.render(presenter)
