"""The gradient-attribution lesson: heat maps, completeness, methods against the truth."""

from lessons.attribution import controls, page, text

__all__ = ["controls", "page", "text"]
