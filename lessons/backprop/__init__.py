"""The backpropagation lesson: the chain rule on a graph, gradient checks, a live playground."""

from lessons.backprop import cached, controls, live, page, playground, text

__all__ = ["cached", "controls", "live", "page", "playground", "text"]
