# The two set-up commands of the README. Both work on a fresh machine.
# Small matrix products dominate here: one BLAS thread avoids oversubscribing 2-core machines.
export OPENBLAS_NUM_THREADS ?= 1
# Where the app listens: this machine only. HOST=0.0.0.0 opens it to the local network.
HOST ?= 127.0.0.1
REPLICAS ?= 3
.PHONY: run serve test bench lint

run:
	bash scripts/setup.sh requirements.txt
	.venv/bin/python -m deploy.launch app.py --server.address $(HOST) --server.port $(or $(PORT),8501)

# REPLICAS copies of the app behind nginx on HOST:PORT, until Ctrl-C (deploy/serve.py).
serve:
	bash scripts/setup.sh requirements.txt
	bash scripts/ensure_nginx.sh
	.venv/bin/python -m deploy.serve --replicas $(REPLICAS) --port $(or $(PORT),8600) --host $(HOST)

test:
	bash scripts/setup.sh requirements-dev.txt
	bash scripts/ensure_chromium.sh
	bash scripts/ensure_nginx.sh
	.venv/bin/python -m ruff check .
	.venv/bin/python -m pytest

bench:
	bash scripts/setup.sh requirements-dev.txt
	.venv/bin/python -m bench
