"""Media mix from the client's own weekly data: fit, diagnose, hand the curves to the optimizer."""

from lessons.media_data import page
from ui.page import setup_page

presenter = setup_page("Media mix: your data", icon="📊")
page.render(presenter)
