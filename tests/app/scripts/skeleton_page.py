"""A minimal lesson built only from the shared ui pieces, for testing them in isolation."""

import streamlit as st

from figures.theme import new_figure
from ui import lesson, state
from ui.page import setup_page
from ui.quiz import Question, quiz

PARAMS = (
    state.Slider("x0", "x₀", -2.0, 2.0, 0.5, 0.1),
    state.Slider("n", "Steps", 1, 50, 10, 1),
    state.Choice("shape", "Shape", ("bowl", "saddle"), "bowl", labels={"saddle": "Saddle point"}),
    state.Toggle("plane", "Tangent plane", False),
)

presenter = setup_page("Skeleton", icon="🧪")
lesson.idea("A test lesson.")
values = state.widgets(PARAMS)
text = st.text_input("Number", "2", key="number")
doubled = state.last_good("doubled", lambda: 2 * float(text))
st.write(f"doubled={doubled}")
fig = new_figure(title="line")
fig.add_scatter(x=[0, 1], y=[0, values["x0"]])
lesson.chart(fig, key="line")
st.write(f"values={values}")
lesson.formulas(r"$$f(x) = x^2$$")
lesson.client_explanation("Plain words.")
lesson.what_to_notice(["One.", "Two."])
quiz("skeleton", [Question("2+2?", ("3", "4"), 1, ("Too small.", "Yes."))])
