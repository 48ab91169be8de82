#!/usr/bin/env bash
# Create .venv (if missing) and install the pinned requirements file given as $1.
set -euo pipefail
req="${1:-requirements.txt}"
[ -x .venv/bin/python ] || python3 -m venv .venv
# The grep only hides a harmless warning some machines' pip configuration prints.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req" 2>&1 \
  | { grep -v "is ignored" || true; }
# Fail loudly if the install did not work.
.venv/bin/python -c "import streamlit, plotly, numpy, pandas, sympy"
