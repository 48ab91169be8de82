#!/usr/bin/env bash
# Make sure the browser tests have a Chromium (and an emoji font, so screenshots show the icons).
# Debian/Ubuntu as root: Debian's packages. Elsewhere: Playwright's own build.
set -euo pipefail
have_font() { fc-list 2>/dev/null | grep -qi "color emoji"; }
if [ -x /usr/bin/chromium ] && have_font; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium fonts-noto-color-emoji >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
fi
if [ -x /usr/bin/chromium ]; then exit 0; fi  # the font is a nicety, the browser is not
if [ "${CI:-}" = "true" ]; then
  echo "No Chromium at /usr/bin/chromium and CI=true: browser tests cannot run." >&2
  exit 1
fi
.venv/bin/python -m playwright install chromium
