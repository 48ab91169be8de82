"""The backpropagation lesson, section by section."""

from __future__ import annotations

import streamlit as st

from lessons.backprop import cached
from lessons.backprop import controls as bp
from lessons.backprop.playground import playground
from lessons.backprop.text import IDEA, NOTICE, QUESTIONS
from ui import lesson, state
from ui.quiz import quiz

TIMED = "bp_timed"  # session state: this session asked for the timing (not a URL parameter)


#: URL keys of the folded sections (``=true`` opens one).
MORE_CHECK, MORE_PLAYGROUND = "bp_more_check", "bp_more_playground"


def render(presenter: bool) -> None:
    """The whole lesson: chain rule, gradient check, playground, efficiency, quiz.

    The gradient check and the playground are folded (they run only when opened), so the
    computation graph at the top paints first.
    """
    lesson.idea(IDEA)
    chain_rule_and_check()
    lesson.later("C. Playground: train a network, watch its gradients", MORE_PLAYGROUND,
                 playground, "Play, pause and step a network learning to separate the data",
                 [p.key for p in bp.PLAYGROUND])
    efficiency()
    lesson.what_to_notice(NOTICE)
    quiz("backprop", QUESTIONS)


@st.fragment
def chain_rule_and_check() -> None:
    """Sections A and B: the chain rule stepped through a live graph, then checked."""
    lesson.section("A. The chain rule on a live computation graph")
    st.caption("A tiny network on one example: 2 inputs → 2 tanh neurons → 1 output z → "
               "cross-entropy loss L. Squares are inputs and weights; circles are operations. "
               "Each node shows its name and value; ∂ is ∂L/∂(node). Press ▶ or drag the "
               "slider under the graph to run the backward pass one node at a time.")
    with st.expander("Edit the inputs and weights", expanded=False):
        cols = st.columns(4)
        inputs = [state.widget(p, cols[i]) for i, p in enumerate(bp.TINY_INPUTS)]
        weights = tuple((p.key.removeprefix(bp.K), state.widget(p, cols[(i + 3) % 4]))
                        for i, p in enumerate(bp.TINY_WEIGHTS))
    step = state.widget(bp.STEP, st.columns([1, 2])[0])
    x, y = (inputs[0], inputs[1]), float(inputs[2])
    lesson.chart(cached.tiny_part(x, y, weights, step), key="chart_graph")
    lesson.client_explanation(
        "Think of the loss as the cost of a bad prediction. Backpropagation asks, node by node: "
        "*if this number went up a little, how much would the cost go up?* It starts at the "
        "cost (the answer there is 1) and walks back, each step multiplying by one small, "
        "local sensitivity. Orange means “raising this raises the cost”, blue the opposite."
    )
    lesson.formulas(
        r"For a node $v$ used by parents $p$: $\dfrac{\partial L}{\partial v} = \sum_{p} "
        r"\dfrac{\partial p}{\partial v}\,\dfrac{\partial L}{\partial p}$"
        r" (local derivative × upstream gradient, summed over every use).",
        r"Local rules: $\partial(a+b)/\partial a = 1$, $\partial(ab)/\partial a = b$, "
        r"$\tanh'(u) = 1-\tanh^2 u$; for the loss $L = \log(1+e^z) - yz$, "
        r"$\partial L/\partial z = \sigma(z) - y$.",
    )
    lesson.later("B. Check backprop against finite differences", MORE_CHECK,
                 lambda: gradient_check(x, y, weights),
                 "every partial against the slow, obvious way", (bp.FD_STEP.key, bp.FD_METHOD.key))


def gradient_check(x: tuple[float, float], y: float, weights: tuple) -> None:
    """Section B: backprop against finite differences, with the error against h."""
    st.caption("Nudge one weight by ±h, re-run the forward pass, and divide: the slow, obvious "
               "way to get a partial derivative. It must agree with backprop.")
    c1, c2 = st.columns([2, 1])
    log_h = state.widget(bp.FD_STEP, c2)
    method = state.widget(bp.FD_METHOD, c2)
    table, fig = cached.check_part(x, y, weights, log_h, method)
    c2.metric("Worst relative error", f"{float(table['relative error'].max()):.1e}",
              help="Below 1e-6 means backprop and the finite differences agree.")
    c1.dataframe(table, hide_index=True, width="stretch", column_config={
        c: st.column_config.NumberColumn(format="%.3e") for c in table.columns[1:]})
    lesson.chart(fig, key="chart_fd_error")
    lesson.formulas(
        r"Central difference $\dfrac{L(\theta + h e_i) - L(\theta - h e_i)}{2h}$: truncation "
        r"error $O(h^2)$, plus rounding error about $\varepsilon_{\text{mach}}/h$ "
        r"($\varepsilon_{\text{mach}} \approx 2.2\times10^{-16}$), hence the V. Forward "
        r"difference: $O(h)$. Relative error: $|a-b| / \max(|a|, |b|)$.",
    )


def efficiency() -> None:
    """Section D: backprop against finite differences as the network grows."""
    lesson.section("D. Why it is cheap: one backward sweep instead of one pass per weight")
    if not st.session_state.get(TIMED):
        st.caption("How long does one full gradient take, by backpropagation and by finite "
                   "differences, as the network grows? This server can time both now (a few "
                   "seconds, once: the result is kept for everyone).")
        st.button("⏱ Time it on this server", key="bp_time", on_click=st.session_state.update,
                  kwargs={TIMED: True}, type="primary")
        explain_cost()
        return
    cost, fig = cached.cost_part()
    lesson.chart(fig, key="chart_cost")
    big = -1
    c = st.columns(3)
    c[0].metric(f"Backprop, {cost['n_params'][big]:,} parameters",
                f"{cost['backprop_s'][big] * 1e3:.2f} ms")
    c[1].metric("Finite differences, same network", f"{cost['fd_s'][big] * 1e3:.0f} ms")
    c[2].metric("Backprop is faster by", f"×{cost['fd_over_backprop'][big]:,.0f}")
    k_fd, k_gap = cost["fd_fit"][1], cost["ratio_fit"][1]
    trend = " (about linearly)" if 0.8 <= k_gap <= 1.2 else ""
    st.caption(f"Measured live on this server: 2 → w → w → 1 tanh networks, 100 examples; each "
               f"time is the median of 5 runs taken in turn, in CPU time. One backprop gradient "
               f"costs {cost['backprop_s'][big] / cost['forward_s'][big]:.1f} loss evaluations; "
               f"finite differences need two per parameter, so their time grows like "
               f"P^{k_fd:.2f} and the gap like P^{k_gap:.2f}{trend}.")
    explain_cost()


def explain_cost() -> None:
    """Section D's words: in plain language, and the mathematics."""
    lesson.client_explanation(
        "Asking “what if?” one weight at a time means re-running the whole model once per "
        "weight: a thousand weights, a thousand runs. Backpropagation answers all the "
        "what-ifs together in a single backward run, which is why networks with billions "
        "of weights can be trained at all."
    )
    lesson.formulas(
        r"Forward cost $F$. Backprop: about $2F$ to $3F$ for all $P$ partials (the cheap "
        r"gradient principle of reverse-mode differentiation). Central differences: $2P \cdot F$.",
    )
