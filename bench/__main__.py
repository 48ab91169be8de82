"""``python -m bench [--quick] [--only NAME] [--no-browser]``: one table, JSON in bench/results/."""

import sys

from bench.runner import main

sys.exit(main())
