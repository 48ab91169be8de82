"""The words of the gradient-descent lesson: plain explanation, notices, formulas, quiz."""

from __future__ import annotations

from ui.quiz import Question

IDEA = (
    "The gradient collects every partial derivative of the loss into one arrow that points "
    "uphill. Gradient descent takes a step against it, so **every parameter moves at once**, "
    "each in proportion to how much it affects the loss. The learning rate sets the step: "
    "too small and the descent crawls, too large and it overshoots and diverges. Momentum and "
    "Adam change how the steps are built from the gradients. Clipping caps a gradient that "
    "suddenly explodes."
)


PLAIN_WORDS = (
    "Imagine standing on a foggy hillside and wanting to reach the valley. You can only feel "
    "the slope under your feet. Gradient descent takes a step downhill, feels again, and "
    "repeats. The **learning rate** is the length of the stride: short strides are safe but "
    "slow; strides that are too long jump over the valley to the other side, higher each time. "
    "A model has millions of dials instead of two, and the gradient tells every dial at once "
    "which way to turn. **Momentum** is like a rolling ball that keeps some of its speed; "
    "**Adam** gives every dial its own stride length. **Clipping** is a speed limit for the "
    "rare step where the ground suddenly drops away."
)

MOMENTUM_INTRO = (
    "Momentum keeps part of the last step: each new step is the slope's push plus β times the "
    "previous step. On a bowl the speed of every setting can be worked out exactly, so here "
    "is the whole map (after Gabriel Goh's *Why Momentum Really Works*, Distill 2017). Each "
    "point is a step size α and a momentum β; its colour says how many steps it takes to cut "
    "the error tenfold. **Click anywhere on the map** (or on the star) to run that setting on "
    "the bowl at the right."
)

MOMENTUM_READING = (
    "Reading the map: right of the red line every run blows up. Above a dashed curve that "
    "direction overshoots and ripples around the minimum; below it, it creeps in without "
    "overshooting. The star sits where the two dashed curves cross, the fastest setting: "
    "both directions shrink at the same pace √β. Raise κ and watch the best speed without "
    "momentum (◆) fall behind: it needs about κ steps, momentum about √κ."
)

NOTICE = [
    "On the quadratic bowl the stability limit is exact: one notch past lr = 2/λmax and the "
    "run diverges; the message names the step. Raise the condition number κ and the limit "
    "falls while the flat direction stays slow: that is why badly scaled features hurt.",
    "Plain descent zig-zags across a narrow valley (Rosenbrock); momentum builds speed along "
    "the floor, and Adam's per-parameter step sizes cope with very different slopes (Beale).",
    "On Himmelblau or the camel, different start points or methods end in different minima: "
    "descent is local.",
    "Near the saddle the gradient almost vanishes, so every method slows down before escaping. "
    "Start exactly at y = 0 and plain descent never escapes.",
    "On the momentum map, the fastest setting is where both critical-damping curves cross; "
    "its pace is (√κ − 1)/(√κ + 1) per step against (κ − 1)/(κ + 1) without momentum. The "
    "error split shows why: the flat direction's part of the loss lingers long after the "
    "steep one has gone.",
    "Norm clipping only shortens the step (cosine exactly 1); value clipping clamps components "
    "one by one and can turn the step (cosine below 1).",
    "One backward pass gives the whole gradient; finite differences would need n + 1 loss "
    "evaluations, hopeless for millions of parameters.",
]

FORMULAS = (
    r"""**Gradient descent** with learning rate $\eta$:
$$x_{t} = x_{t-1} - \eta\, \nabla f(x_{t-1}), \qquad
\nabla f = \left(\frac{\partial f}{\partial x}, \frac{\partial f}{\partial y}\right)$$""",
    r"""**Why there is a limit.** On a quadratic $f(x) = \tfrac12 x^\top A x - b^\top x$ the
error $e_t = x_t - x^\star$ obeys $e_t = (I - \eta A)\, e_{t-1}$. Along an eigenvector with
eigenvalue $\lambda$ it is multiplied by $1 - \eta\lambda$ each step, so descent converges iff
$$\eta < \frac{2}{\lambda_{\max}}, \qquad \text{best fixed } \eta^\star =
\frac{2}{\lambda_{\min} + \lambda_{\max}}, \qquad
\text{error factor } \frac{\kappa - 1}{\kappa + 1},\; \kappa = \frac{\lambda_{\max}}{\lambda_{\min}}.$$
With momentum $m$ the limit becomes $2(1+m)/\lambda_{\max}$ (heavy ball) and
$\frac{2(1+m)}{(1+2m)\lambda_{\max}}$ (Nesterov).""",
    r"""**Momentum on a quadratic, exactly** (Goh, Distill 2017). With
$z_t = \beta z_{t-1} + \nabla f(x_{t-1})$ and $x_t = x_{t-1} - \alpha z_t$, along an
eigenvector with eigenvalue $\lambda$ the pair (velocity, error) is multiplied each step by
$$R = \begin{pmatrix} \beta & \lambda \\ -\alpha\beta & 1 - \alpha\lambda \end{pmatrix},
\qquad \operatorname{tr} R = 1 + \beta - \alpha\lambda, \quad \det R = \beta,$$
so that direction's error shrinks like $\rho(R)^t$: $\sqrt{\beta}$ when
$(\operatorname{tr} R)^2 < 4\beta$ (complex roots: ripples), else
$\tfrac12(|\operatorname{tr} R| + \sqrt{(\operatorname{tr} R)^2 - 4\beta})$. The map
colours $\max_i \rho$. Critical damping is $(\operatorname{tr} R)^2 = 4\beta$, i.e.
$\beta = (1 - \sqrt{\alpha\lambda})^2$; stability needs $\alpha\lambda_{\max} < 2(1 + \beta)$.
The best pair puts both extreme eigenvalues on their critical curves:
$$\alpha^\star = \left(\frac{2}{\sqrt{\lambda_1} + \sqrt{\lambda_n}}\right)^2, \qquad
\beta^\star = \left(\frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}\right)^2, \qquad
\rho^\star = \frac{\sqrt{\kappa} - 1}{\sqrt{\kappa} + 1}.$$
The error split writes $x_t - x^\star = \sum_i c_{t,i} q_i$ along the eigenvectors $q_i$;
the loss is $\sum_i \tfrac12 \lambda_i c_{t,i}^2$, each part shrinking by $\rho_i^2$ per step.""",
    r"""**The update rules, exactly as PyTorch's `torch.optim`** (buffers start at 0, $g_t$ is
the gradient at step $t$):

| method | update |
|---|---|
| `SGD(lr)` | $x_t = x_{t-1} - \eta g_t$ |
| `SGD(momentum=m)` | $b_t = m b_{t-1} + g_t$, $x_t = x_{t-1} - \eta b_t$ |
| `SGD(momentum=m, nesterov=True)` | $b_t = m b_{t-1} + g_t$, $x_t = x_{t-1} - \eta (g_t + m b_t)$ |
| `Adagrad` (eps $10^{-10}$) | $s_t = s_{t-1} + g_t^2$, $x_t = x_{t-1} - \eta\, g_t / (\sqrt{s_t} + \epsilon)$ |
| `RMSprop(alpha=α)` (eps $10^{-8}$) | $v_t = \alpha v_{t-1} + (1-\alpha) g_t^2$, $x_t = x_{t-1} - \eta\, g_t / (\sqrt{v_t} + \epsilon)$ |
| `Adam(betas=(β₁, β₂))` (eps $10^{-8}$) | $m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t$, $v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2$, $x_t = x_{t-1} - \frac{\eta}{1-\beta_1^t} \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}$ |
""",
    r"""**Clipping** happens before the update. `clip_grad_norm_(max_norm)`:
$g \leftarrow \min\!\left(1, \frac{\text{max\_norm}}{\lVert g\rVert + 10^{-6}}\right) g$,
a positive multiple of $g$, so the direction is unchanged.
`clip_grad_value_(c)`: $g_i \leftarrow \max(-c, \min(c, g_i))$ per component, which can turn
the step.""",
    r"""**Cost of one gradient** of $n$ parameters: forward differences
$\frac{f(\theta + h e_i) - f(\theta)}{h}$ need $n + 1$ evaluations, central differences $2n$;
reverse mode (backpropagation) needs one forward and one backward pass, about 3 forward passes,
independent of $n$.""",
)

QUESTIONS = [
    Question(
        "On a quadratic bowl whose Hessian has eigenvalues 1 and 20, which fixed learning "
        "rates make plain gradient descent converge?",
        ("Any lr below 2", "Any lr below 0.1", "Any lr below 1/20 only"),
        answer=1,
        explanations=(
            "2/λmin is the limit of the flat direction only; the steep direction, λ = 20, "
            "blows up first.",
            "The steep direction multiplies the error by 1 − 20·lr each step, which stays "
            "inside (−1, 1) exactly when lr < 2/20 = 0.1.",
            "lr = 0.07 (above 1/20) still converges: the factor 1 − 1.4 = −0.4 shrinks the "
            "error while flipping its sign.",
        ),
    ),
    Question(
        "A gradient (30, 40) is clipped with clip_grad_norm_(max_norm=5). What comes out?",
        ("(3, 4) up to the 1e-6 guard", "(5, 5)", "(30, 40) unchanged"),
        answer=0,
        explanations=(
            "The norm is 50, so it is scaled by 5/50: same direction, length 5.",
            "That is value clipping at 5: it clamps each component and turns the vector.",
            "The norm 50 exceeds 5, so it is rescaled.",
        ),
    ),
    Question(
        "What is the size of Adam's very first step with learning rate 0.01 (default betas)?",
        ("0.01 × the gradient", "About 0.01 in every coordinate whose gradient is not zero",
         "0.001, because of β₁ = 0.9"),
        answer=1,
        explanations=(
            "That is plain SGD. Adam divides by the running gradient size.",
            "After bias correction, m̂ = g and √v̂ = |g|, so the step is lr·g/|g| = ±lr.",
            "Bias correction divides by 1 − β₁ = 0.1 and cancels that factor.",
        ),
    ),
    Question(
        "Why do neural networks train with backpropagation rather than finite differences?",
        ("Finite differences are always inaccurate",
         "Backprop gives every partial derivative for the cost of about 3 forward passes; "
         "finite differences need one extra pass per parameter",
         "Backprop needs no loss function"),
        answer=1,
        explanations=(
            "Central differences are accurate to about 1e-8 with a good step; the problem is "
            "cost.",
            "With a million parameters, finite differences need a million forward passes per "
            "gradient.",
            "Backprop differentiates the loss; it certainly needs one.",
        ),
    ),
]
