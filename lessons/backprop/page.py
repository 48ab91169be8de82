"""The backpropagation lesson, section by section."""

from __future__ import annotations

import streamlit as st

from lessons.backprop import controls as bp
from lessons.backprop.text import IDEA, NOTICE, QUESTIONS
from ui import lesson, state
from ui.quiz import quiz


def render(presenter: bool) -> None:
    """The whole lesson: chain rule, gradient check, playground, efficiency, quiz."""
    lesson.idea(IDEA)
    chain_rule_and_check()
    playground()
    efficiency()
    lesson.what_to_notice(NOTICE)
    quiz("backprop", QUESTIONS)


@st.fragment
def chain_rule_and_check() -> None:
    """Sections A and B: the chain rule stepped through a live graph, then checked."""
    lesson.section("A. The chain rule on a live computation graph")
    st.caption("A tiny network on one example: 2 inputs → 2 tanh neurons → 1 output z → "
               "cross-entropy loss L. Squares are inputs and weights; circles are operations. "
               "Each node shows its name and forward value; ∂ is ∂L/∂(node).")
    with st.expander("Edit the inputs and weights", expanded=False):
        cols = st.columns(4)
        inputs = [state.widget(p, cols[i]) for i, p in enumerate(bp.TINY_INPUTS)]
        weights = tuple((p.key.removeprefix(bp.K), state.widget(p, cols[(i + 3) % 4]))
                        for i, p in enumerate(bp.TINY_WEIGHTS))
    x, y = (inputs[0], inputs[1]), float(inputs[2])
    step = state.widget(bp.STEP)
    fig, explanation = bp.tiny_part(x, y, weights, step)
    lesson.chart(fig, key="chart_graph")
    st.markdown(explanation)
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
    gradient_check(x, y, weights)


def gradient_check(x: tuple[float, float], y: float, weights: tuple) -> None:
    """Section B: backprop against finite differences, with the error against h."""
    lesson.section("B. Check backprop against finite differences")
    st.caption("Nudge one weight by ±h, re-run the forward pass, and divide: the slow, obvious "
               "way to get a partial derivative. It must agree with backprop.")
    c1, c2 = st.columns([2, 1])
    log_h = state.widget(bp.FD_STEP, c2)
    method = state.widget(bp.FD_METHOD, c2)
    table, fig = bp.check_part(x, y, weights, log_h, method)
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


@st.fragment
def playground() -> None:
    """Section C: train a network with the chosen settings, or a one-click scenario."""
    lesson.section("C. Playground: train a network, watch its gradients")
    buttons = st.columns(len(bp.SCENARIOS))
    for col, name in zip(buttons, bp.SCENARIOS, strict=True):
        col.button(name, on_click=bp.apply_scenario, args=(name,), width="stretch")
    with st.container(border=True):
        cols = st.columns(5)
        values = {}
        for i, param in enumerate(bp.PLAYGROUND):
            if param is bp.CLIP_AT and not values[bp.K + "clip"]:
                continue
            values[param.key] = state.widget(param, cols[i % 5])
    config = tuple(sorted(bp.playground_config(values).items()))
    _, result = bp.train_cached(config)
    if result.diverged_at is not None:
        st.warning(f"Training blew up during epoch {result.diverged_at}: the loss or the "
                   "weights stopped being finite numbers (exploding gradients). Lower the "
                   "learning rate, shrink the initial weights, or turn on clipping.", icon="💥")
    replay(config, result)


def replay(config: tuple, result) -> None:
    """Replay training: boundary, network, loss curves and gradient norms at one epoch."""
    share = state.widget(bp.REPLAY)
    epoch = round(share / 100 * result.epochs_done)
    m = st.columns(4)
    m[0].metric("Epoch", f"{epoch} of {result.epochs_done}")
    m[1].metric("Train accuracy", f"{result.train_acc[epoch]:.1%}")
    m[2].metric("Test accuracy", f"{result.test_acc[epoch]:.1%}")
    m[3].metric("Test loss", f"{result.test_loss[epoch]:.3g}")
    boundary, network, losses, norms = bp.replay_figures(config, epoch)
    left, right = st.columns([1.1, 1])
    with left:
        lesson.chart(boundary, key="chart_boundary")
        lesson.chart(network, key="chart_network")
    with right:
        lesson.chart(losses, key="chart_loss")
        lesson.chart(norms, key="chart_gradnorm")
    st.caption(bp.final_check(config))
    lesson.client_explanation(
        "The coloured background is the network's opinion: orange means “class 1”, blue "
        "“class 0”; dots are the examples it learned from, hollow diamonds the ones it never "
        "saw. The lower right chart is how loud the learning signal is in each layer: when it "
        "fades before reaching the first layers (vanishing) they stop learning; when it grows "
        "without bound (exploding) training blows up."
    )


def efficiency() -> None:
    """Section D: backprop against finite differences as the network grows."""
    lesson.section("D. Why it is cheap: one backward sweep instead of one pass per weight")
    cost, fig = bp.cost_part()
    lesson.chart(fig, key="chart_cost")
    big = -1
    c = st.columns(3)
    c[0].metric(f"Backprop, {cost['n_params'][big]:,} parameters",
                f"{cost['backprop_s'][big] * 1e3:.2f} ms")
    c[1].metric("Finite differences, same network", f"{cost['fd_s'][big] * 1e3:.0f} ms")
    c[2].metric("Backprop is faster by", f"×{cost['fd_over_backprop'][big]:,.0f}")
    st.caption(f"Measured live on this server (2 → w → w → 1 tanh network, 100 examples). "
               f"One backprop gradient costs {cost['backprop_s'][big] / cost['forward_s'][big]:.1f}"
               f" loss evaluations; finite differences need two per parameter.")
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
