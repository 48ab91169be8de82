"""The "Media mix: your data" lesson: read a weekly file, fit, diagnose, hand curves over."""

from lessons.media_data import data, page, report, text

__all__ = ["data", "page", "report", "text"]
