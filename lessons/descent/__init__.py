"""The gradient-descent lesson: surfaces, optimizers side by side, clipping, the cost of gradients."""

from lessons.descent import controls, momentum, page, sections, text

__all__ = ["controls", "momentum", "page", "sections", "text"]
