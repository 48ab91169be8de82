"""Media-mix reallocation: move budget until marginal returns are equal."""

from lessons.media_mix import page
from ui.page import setup_page

presenter = setup_page("Media-mix reallocation", icon="💰")
page.render(presenter)
