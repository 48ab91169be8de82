"""The partial-derivatives lesson: slices and tangents, secant to tangent, ∇f·u, sales forecast."""

from lessons.partials import page, sections, text

__all__ = ["page", "sections", "text"]
