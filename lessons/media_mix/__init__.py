"""The media-mix reallocation lesson: the channel table, the plan, the optimum, the deliverables."""

from lessons.media_mix import analysis, page, table, takeaway, text

__all__ = ["analysis", "page", "table", "takeaway", "text"]
