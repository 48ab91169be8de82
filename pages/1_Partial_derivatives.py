"""Partial derivatives: slices, tangents, the gradient, and the marginal effect of TV."""

from lessons import partials
from ui.page import setup_page

presenter = setup_page("Partial derivatives", icon="📐")
partials.page.render(presenter)
