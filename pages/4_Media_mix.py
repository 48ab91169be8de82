"""Media-mix reallocation: move budget until marginal returns are equal."""

from lessons import media_mix
from ui.page import setup_page

presenter = setup_page("Media-mix reallocation", icon="💰")
media_mix.page.render(presenter)
