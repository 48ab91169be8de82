"""The lesson registry: one table that drives the home page's links and lesson map."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    """A lesson page: its script, title, icon, the idea in one line, and its key prefix.

    Widget keys are URL parameters shared by the whole browser session, so every control of a
    lesson has a key that starts with the lesson's ``prefix``.
    """

    page: str
    title: str
    icon: str
    summary: str
    prefix: str
    audience: str = "everyone"

    @property
    def url_path(self) -> str:
        """The page's URL path as Streamlit derives it from the file name."""
        stem = Path(self.page).stem
        return stem.split("_", 1)[1] if stem[0].isdigit() else stem

    def exists(self, root: Path = ROOT) -> bool:
        return (root / self.page).is_file()


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "pages/1_Partial_derivatives.py",
        "Partial derivatives",
        "📐",
        "Change one input, hold the rest fixed: the slope of a slice, and the marginal effect "
        "of TV spend in a sales forecast.",
        "pd_",
    ),
    Lesson(
        "pages/2_Gradient_descent.py",
        "Gradient descent",
        "⛰️",
        "The gradient collects every partial; one step against it moves every parameter at once.",
        "gd_",
    ),
    Lesson(
        "pages/3_Backpropagation.py",
        "Backpropagation",
        "🔁",
        "The chain rule computes all the partials of a network in one backward sweep.",
        "bp_",
    ),
    Lesson(
        "pages/4_Media_mix.py",
        "Media-mix reallocation",
        "💰",
        "A channel's marginal return is the partial derivative of its response curve; move "
        "budget until marginal returns are equal.",
        "mm_",
        audience="clients",
    ),
    Lesson(
        "pages/5_Your_media_data.py",
        "Media mix: your data",
        "📊",
        "Fit response curves with carry-over to a client's weekly history, then optimise.",
        "md_",
        audience="clients",
    ),
    Lesson(
        "pages/6_Attribution.py",
        "Gradient attribution",
        "🖼️",
        "Which pixels of an ad drive its predicted click-through rate: Integrated Gradients "
        "and SmoothGrad.",
        "at_",
    ),
)


def available(root: Path = ROOT) -> tuple[Lesson, ...]:
    """The lessons whose page script exists, in course order."""
    return tuple(lesson for lesson in LESSONS if lesson.exists(root))
