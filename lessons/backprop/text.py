"""The words of the backpropagation lesson: idea, what to notice, formulas, quiz."""

from ui.quiz import Question

IDEA = (
    "A neural network's loss depends on every weight, and training needs the partial "
    "derivative of the loss with respect to **each** of them. Backpropagation gets them all in "
    "one backward sweep: every node multiplies the gradient arriving from above by its own "
    "*local* derivative (the chain rule) and passes the product down, reusing the values the "
    "forward pass already computed. So one full gradient costs about as much as two or three "
    "forward passes, however many weights there are."
)


NOTICE = [
    "Every gradient in the graph is a product of local derivatives along the paths to the "
    "loss: a weight's gradient is its input times the upstream gradient.",
    "A node used twice (x₁ feeds both neurons) adds the gradients of both paths.",
    "Backprop and finite differences agree to about 1e-9; the finite-difference error is a V "
    "in h: too large truncates, too small drowns in rounding.",
    "Deep sigmoid nets: the first layers' gradients are 1 000× smaller than the last "
    "layer's, so SGD barely moves them (Adam's per-weight scaling rescues them).",
    "Large initial weights blow the gradients up until training diverges; clipping the "
    "gradient norm keeps every step bounded.",
    "A spiral from x₁ and x₂ alone needs depth; give a one-layer network x₁², x₂², x₁x₂ and "
    "the sines, and four neurons are enough: good inputs replace layers.",
    "L1 sets weights to exactly zero (dotted lines), L2 only shrinks them.",
    "With noisy xor, nobody can beat the noise: the test accuracy stops near the best "
    "possible one the page quotes.",
    "One gradient costs a few forward passes at any size; finite differences cost two per "
    "parameter, so the gap grows about linearly with the number of weights (the fitted "
    "exponent is close to 1).",
]


FORMULAS = (
    r"For a node $v$ used by parents $p$: $\dfrac{\partial L}{\partial v} = \sum_{p} "
    r"\dfrac{\partial p}{\partial v}\,\dfrac{\partial L}{\partial p}$"
    r" (local derivative × upstream gradient, summed over every use).",
    r"Local rules: $\partial(a+b)/\partial a = 1$, $\partial(ab)/\partial a = b$, "
    r"$\tanh'(u) = 1-\tanh^2 u$; for the loss $L = \log(1+e^z) - yz$, "
    r"$\partial L/\partial z = \sigma(z) - y$.",
)


QUESTIONS = [
    Question(
        "In z = w·x, what is ∂L/∂w if ∂L/∂z = −0.5 and x = 2?",
        ("−0.5", "−1", "2", "−0.25"),
        answer=1,
        explanations=(
            "That is the upstream gradient alone; the local derivative is missing.",
            "Local derivative ∂z/∂w = x = 2, times upstream −0.5.",
            "That is only the local derivative.",
            "Dividing by x is not the chain rule: multiply.",
        ),
    ),
    Question(
        "Why does backprop visit nodes from the loss backwards?",
        (
            "It is a convention",
            "Each node needs its parents' gradients first",
            "The forward values are deleted",
        ),
        answer=1,
        explanations=(
            "The order is forced, not chosen.",
            "∂L/∂v sums over v's uses, so every user must be finished first.",
            "The opposite: backprop reuses the forward values.",
        ),
    ),
    Question(
        "A network has 1 000 000 weights. Roughly how many forward passes does a "
        "central-difference gradient need?",
        ("About 3", "About 1 000", "About 2 000 000"),
        answer=2,
        explanations=(
            "That is backprop's cost.",
            "Two per weight, not one per thousand.",
            "Two evaluations (±h) for each of the million weights.",
        ),
    ),
    Question(
        "In a 6-layer sigmoid network the first layer's gradient is tiny. Why?",
        (
            "σ′ is at most 0.25, and the chain rule multiplies one factor per layer",
            "The learning rate is too small",
            "The data has too much noise",
        ),
        answer=0,
        explanations=(
            "Six factors of at most 0.25 shrink the signal by over 4 000×.",
            "The learning rate scales steps, not gradients.",
            "Noise does not shrink gradients layer by layer.",
        ),
    ),
]


PLAYGROUND_PLAIN = (
    "The coloured background is the network's opinion: orange means “class 1”, blue "
    "“class 0” (green a third class; for a number, orange is high and blue low). Dots are the "
    "examples it learns from, hollow diamonds the ones it never saw. The network on the left "
    "shows what each neuron has learned to look for, and how strongly each connection counts. "
    "The lower right chart is how loud the learning signal is in each layer: when it fades "
    "before reaching the first layers (vanishing) they stop learning; when it grows without "
    "bound (exploding) training blows up."
)
