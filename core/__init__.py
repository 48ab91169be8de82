"""Pure mathematics for Marginal Lab: NumPy and the standard library only.

Nothing in this package imports streamlit or plotly; ``tests/test_architecture.py``
enforces it.
"""
