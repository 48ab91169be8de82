"""“Check your understanding”: multiple-choice questions with immediate feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from ui.page import is_presenter


@dataclass(frozen=True)
class Question:
    """One question: its options, the index of the right one, and a sentence per option."""

    prompt: str
    options: tuple[str, ...]
    answer: int
    explanations: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.options) != len(self.explanations):
            raise ValueError("Each option needs exactly one explanation.")
        if not 0 <= self.answer < len(self.options):
            raise ValueError("The answer index must point at one of the options.")


def quiz(key: str, questions: Sequence[Question]) -> int:
    """Render the quiz; return how many questions are answered correctly so far.

    Hidden in presenter mode: a client meeting is no place for a test.
    """
    if is_presenter():
        return 0
    st.subheader("Check your understanding")
    correct = 0
    for number, question in enumerate(questions, start=1):
        choice = st.radio(
            f"**{number}.** {question.prompt}",
            options=range(len(question.options)),
            format_func=lambda i, q=question: q.options[i],
            index=None,
            key=f"quiz_{key}_{number}",
        )
        if choice is None:
            continue
        if choice == question.answer:
            correct += 1
            st.success(_feedback("Right.", question.explanations[choice]), icon="✅")
        else:
            st.error(_feedback("Not quite.", question.explanations[choice]), icon="❌")
    answered = sum(
        st.session_state.get(f"quiz_{key}_{n}") is not None for n in range(1, len(questions) + 1)
    )
    if answered == len(questions):
        st.info(f"Score: {correct} of {len(questions)}.")
    return correct


def _feedback(verdict: str, explanation: str) -> str:
    """The verdict, unless the explanation already starts with it ("Right: …")."""
    if explanation.lower().startswith(verdict.rstrip(".").lower()):
        return explanation
    return f"{verdict} {explanation}"
