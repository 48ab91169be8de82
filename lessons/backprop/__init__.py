"""The backpropagation lesson: the chain rule on a graph, gradient checks, a training playground."""

from lessons.backprop import controls, page, text

__all__ = ["controls", "page", "text"]
