# The two set-up commands of the README. Both work on a fresh machine.
# Small matrix products dominate here: one BLAS thread avoids oversubscribing 2-core machines.
export OPENBLAS_NUM_THREADS ?= 1
.PHONY: run test bench lint

run:
	bash scripts/setup.sh requirements.txt
	.venv/bin/python -m streamlit run app.py

test:
	bash scripts/setup.sh requirements-dev.txt
	bash scripts/ensure_chromium.sh
	.venv/bin/python -m ruff check .
	.venv/bin/python -m pytest

bench:
	bash scripts/setup.sh requirements-dev.txt
	.venv/bin/python -m bench
