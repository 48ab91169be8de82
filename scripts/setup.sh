#!/usr/bin/env bash
# Create .venv (if missing) and install the pinned requirements file given as $1.
set -euo pipefail
req="${1:-requirements.txt}"
python3 -m venv .venv 2>/dev/null || [ -x .venv/bin/python ]
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req" 2>&1 \
  | grep -v "is ignored" || true
.venv/bin/python -c "import streamlit, plotly, numpy, sympy" # fail loudly if the install failed
