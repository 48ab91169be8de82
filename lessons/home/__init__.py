"""The home page: what the lab teaches, the idea in one picture, the lesson map and links."""

from lessons.home import page

__all__ = ["page"]
