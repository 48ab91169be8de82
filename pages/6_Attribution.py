"""Gradient attribution: which pixels of an ad drive its predicted click-through rate."""

from lessons import attribution
from ui.page import setup_page

presenter = setup_page("Gradient attribution", icon="🖼️")
attribution.page.render(presenter)
