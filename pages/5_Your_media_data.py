"""Media mix from the client's own weekly data: fit, diagnose, hand the curves to the optimizer."""

from lessons import media_data
from ui.page import setup_page

presenter = setup_page("Media mix: your data", icon="📊")
media_data.page.render(presenter)
