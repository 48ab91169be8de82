"""Marginal Lab benchmarks: ``python -m bench [--quick] [--only NAME] [--no-browser]``.

Each lesson's ``bench/<lesson>.py`` exposes ``run(quick: bool) -> list[dict]``; the runner
discovers them, adds the server time per rerun of every page (AppTest) and the browser time
from a slider key press to the chart update (headless Chromium, as a ratio to a one-slider
reference app), prints one table and writes JSON to ``bench/results/``.
"""
