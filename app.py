"""Marginal Lab home page: what the lab teaches, how the lessons connect, where to start."""

import streamlit as st

from figures.lesson_map import lesson_map
from ui import lesson
from ui.lessons import available
from ui.page import setup_page

setup_page("Marginal Lab", icon="∂", home=True)

st.markdown(
    "**One idea runs through every lesson here: the partial derivative** — how much a result "
    "changes when you nudge *one* input and hold every other input fixed. "
    "It is the slope behind machine learning's gradients and behind marketing's "
    "*marginal return*. Marginal Lab lets you see it move: every lesson is a set of "
    "sliders and live charts with the exact mathematics one click away."
)
st.markdown(
    "Built for **agency staff** learning the mathematics behind machine learning and "
    "marketing analytics, and for **account teams** explaining a budget recommendation "
    "live to a client."
)

col_learn, col_client = st.columns(2)
col_learn.info(
    "**First time here?** Partial derivatives → Gradient descent → Backpropagation → "
    "Gradient attribution. About 15 minutes each."
)
col_client.success(
    "**Client session?** Switch on *Presenter mode* in the sidebar, then open "
    "Media-mix reallocation — or start from the client's own weekly data."
)

lesson.section("How the ideas connect")
lesson.chart(lesson_map(), key="lesson_map")

lesson.section("Lessons")
lessons = available()
if not lessons:
    st.warning("No lesson pages are installed yet.")
for item in lessons:
    with st.container(border=True):
        st.page_link(item.page, label=f"**{item.title}**", icon=item.icon)
        st.caption(item.summary)
