#!/usr/bin/env bash
# Make sure nginx is installed, for `make serve` and the replica tests (Debian's package).
# Debian/Ubuntu as root: apt-get, without starting Debian's own nginx service on port 80 (the
# project runs its own nginx, unprivileged, from deploy/nginx.conf). Elsewhere: a hint.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  created=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d  # "do not start services"
    chmod +x /usr/sbin/policy-rc.d
    created=1
  fi
  trap 'if [ -n "$created" ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends nginx >/dev/null
  if [ -x /usr/sbin/nginx ]; then exit 0; fi
fi
if [ "${CI:-}" = "true" ]; then
  echo "No nginx and CI=true: the replica tests cannot run." >&2
  exit 1
fi
echo "nginx is not installed: make serve and the replica tests need it (apt-get install nginx)." >&2
