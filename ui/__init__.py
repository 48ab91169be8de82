"""Streamlit pieces shared by every lesson: set-up, presenter mode, skeleton, quiz, URL state."""
