"""The media-mix reallocation lesson: the channel table, the plan, the optimum, the report."""

from lessons.media_mix import analysis, page, text

__all__ = ["analysis", "page", "text"]
