"""The words of the partial-derivatives lesson: idea, what to notice, formulas, quiz."""

from ui.quiz import Question

IDEA = (
    "A **partial derivative** is the rate of change of a function with respect to **one** input "
    "while every other input is **held fixed**. Geometrically: cut the surface f(x, y) with the "
    "plane y = y₀, and ∂f/∂x is the slope of the curve you get. The **gradient** ∇f collects all "
    "the partials; it points uphill, and the rate of change in any direction u is ∇f·u. In "
    "marketing the same object is the **marginal effect**: extra sales per extra dollar of TV, "
    "with digital spend and the season held where they are."
)


NOTICE = [
    "Walk the point along the slice y = y₀: the tangent's slope, ∂f/∂x, changes from stop to "
    "stop. Move y₀ and the whole slice changes: the slope along x depends on the held-fixed y. "
    "The sales forecast does the same with digital spend.",
    "In the 3-D view each tangent line lies in its slice plane: a partial derivative only ever "
    "looks along one axis.",
    "Turn u around the point: the gradient arrow crosses the contour lines at right angles; "
    "∇f·u is largest along ∇f, zero along the contour line and negative when walking downhill.",
    "Shrinking h makes the secant approach the tangent, the gap roughly halving with h — until "
    "rounding takes over below h ≈ 1e-8 for forward differences. The complex step has no such "
    "floor.",
]


FORMULAS = (
    r"$$\frac{\partial f}{\partial x}(x_0, y_0) = \lim_{h \to 0}"
    r"\frac{f(x_0 + h, y_0) - f(x_0, y_0)}{h}$$",
    r"Gradient $\nabla f = (\partial f/\partial x, \partial f/\partial y)$; directional "
    r"derivative $D_u f = \nabla f \cdot u = |\nabla f| \cos\varphi$ for a unit vector $u$ at "
    r"angle $\varphi$ from $\nabla f$.",
    r"Errors: forward $\approx \tfrac{|f''|}{2}h + \tfrac{\varepsilon |f|}{h}$ (best "
    r"$h \approx \sqrt{\varepsilon}$), central $\approx \tfrac{|f'''|}{6}h^2 + "
    r"\tfrac{\varepsilon |f|}{h}$ (best $h \approx \sqrt[3]{\varepsilon}$), complex step "
    r"$f'(x) \approx \operatorname{Im} f(x + ih)/h$ with error $\tfrac{|f'''|}{6}h^2$ only.",
    r"Sales: $\mathrm{sales} = s\,(B + a_T\ell_T + a_D\ell_D + c\,\ell_T\ell_D)$ with "
    r"$\ell_T = \ln(1 + T/k_T)$, $\ell_D = \ln(1 + D/k_D)$, so "
    r"$\partial\,\mathrm{sales}/\partial T = s\,(a_T + c\,\ell_D)/(k_T + T)$ grows with $D$.",
)


QUESTIONS = [
    Question(
        "∂sales/∂TV = 1.35 means…",
        (
            "sales rise by $1.35 for each extra $1 of TV, if digital and season stay put",
            "TV is responsible for 1.35 times more sales than digital",
            "every dollar ever spent on TV returned $1.35",
        ),
        answer=0,
        explanations=(
            "A partial derivative is a local rate of change with the other inputs fixed.",
            "It says nothing about digital's share; it compares nothing across channels.",
            "That is an average return; the marginal (next-dollar) return is different "
            "under diminishing returns.",
        ),
    ),
    Question(
        "In which direction u is the directional derivative ∇f·u zero?",
        ("Along ∇f", "Along the contour line through the point", "Opposite to ∇f"),
        answer=1,
        explanations=(
            "Along ∇f it is largest, equal to |∇f|.",
            "Along a contour line f does not change, so the rate of change is zero.",
            "Opposite to ∇f it is most negative, −|∇f|.",
        ),
    ),
    Question(
        "You shrink h in a forward difference from 1e-4 to 1e-12. The error…",
        (
            "keeps shrinking, proportional to h",
            "shrinks, then grows again as rounding dominates",
            "stays the same",
        ),
        answer=1,
        explanations=(
            "Only the truncation part shrinks with h; the rounding part grows like ε/h.",
            "Right: best h is near √ε ≈ 1e-8 for forward differences.",
            "The log-log error plot shows it moves a lot.",
        ),
    ),
]
