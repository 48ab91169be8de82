#!/usr/bin/env bash
# Make sure the browser tests have a Chromium.
# Debian/Ubuntu as root: Debian's package at /usr/bin/chromium. Elsewhere: Playwright's own build.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "No Chromium at /usr/bin/chromium and CI=true: browser tests cannot run." >&2
  exit 1
fi
.venv/bin/python -m playwright install chromium
