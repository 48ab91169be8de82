"""Plotly figure builders: arrays or core results in, ``go.Figure`` out. No streamlit."""
