"""Safe parsing of learner-typed formulas into symbolic, differentiable expressions.

The text is never executed. It is read with :func:`ast.parse` in ``eval`` mode, every node is
checked against a small whitelist, and the SymPy tree is assembled from SymPy constructors. Work
is bounded: at most :data:`MAX_CHARS` characters, :data:`MAX_NODES` syntax nodes, nesting depth
:data:`MAX_DEPTH`, and constant sub-expressions whose size is checked *before* SymPy is asked
to build them (``9**9**9`` is refused, never computed).

Accepted syntax: ``+ - * /``, ``^`` or ``**`` for powers, parentheses, unary minus, decimal
numbers (``2``, ``0.5``, ``1e-3``), the declared variables, ``pi``, ``e`` and the functions in
:data:`FUNCTIONS`.
"""


from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import sympy
from sympy.printing.str import StrPrinter

from core.formula.builder import build
from core.formula.vocabulary import Abs, ExpressionError

__all__ = ["Expression", "parse"]

class _TextPrinter(StrPrinter):
    """Print SymPy trees back in the syntax that :func:`parse` accepts."""

    def _print_Abs(self, expr):  # noqa: D102
        return f"abs({self._print(expr.args[0])})"

    def _print_atan(self, expr):  # noqa: D102
        return f"arctan({self._print(expr.args[0])})"

    def _print_Exp1(self, expr):  # noqa: D102
        return "e"


def _lambdify_modules(kind: str) -> list:
    def delta(v):
        return np.where(v == 0, np.nan, 0.0)

    def heaviside(v, *_):
        return np.where(v == 0, 0.5, np.where(np.real(v) > 0, 1.0, 0.0))

    if kind == "complex":
        # Complex-step friendly versions of the non-analytic functions (|z| -> +/- z).
        extra = {
            "Abs": lambda v: np.where(np.real(v) < 0, -v, v),
            "sign": lambda v: np.sign(np.real(v)),
        }
    else:
        extra = {}
    return [{"DiracDelta": delta, "Heaviside": heaviside, **extra}, "numpy"]


class _ExpShown(sympy.Function):
    """exp(u) for display only: prints as e^{u} without SymPy's costly sign checks."""

    def _latex(self, printer, exp=None) -> str:
        shown = rf"e^{{{printer._print(self.args[0])}}}"
        return shown if exp is None else rf"\left({shown}\right)^{{{exp}}}"


class _PowShown(sympy.Function):
    """base^u with a symbolic exponent, for display only (same reason as :class:`_ExpShown`)."""

    def _latex(self, printer, exp=None) -> str:
        base, power = self.args
        shown_base = printer._print(base)
        if not base.is_Atom or (base.is_Number and base < 0):
            shown_base = rf"\left({shown_base}\right)"
        shown = rf"{shown_base}^{{{printer._print(power)}}}"
        return shown if exp is None else rf"\left({shown}\right)^{{{exp}}}"


# d/du of the one-argument functions a parsed tree can hold (abs is the real one, sign is flat
# almost everywhere).
_CHAIN = {
    sympy.exp: lambda u: sympy.exp(u),
    sympy.log: lambda u: 1 / u,
    sympy.sin: lambda u: sympy.cos(u),
    sympy.cos: lambda u: -sympy.sin(u),
    sympy.tan: lambda u: 1 + sympy.tan(u) ** 2,
    sympy.sinh: lambda u: sympy.cosh(u),
    sympy.cosh: lambda u: sympy.sinh(u),
    sympy.tanh: lambda u: 1 - sympy.tanh(u) ** 2,
    sympy.atan: lambda u: 1 / (1 + u**2),
    Abs: lambda u: sympy.sign(u),
    sympy.sign: lambda u: sympy.S.Zero,
}


def _derivative(expr: sympy.Expr, x: sympy.Symbol, memo: dict) -> sympy.Expr:
    """Differentiate with the textbook rules (sum, product, power, chain).

    SymPy's general ``diff`` goes through ``Derivative`` objects, substitutions and
    assumption queries that can take seconds on some 150-character formulas; for the node
    types the parser builds these rules give the same result directly. Unknown node types
    fall back to ``sympy.diff``.
    """
    if expr in memo:
        return memo[expr]
    if not expr.has(x):
        result = sympy.S.Zero
    elif expr == x:
        result = sympy.S.One
    elif expr.is_Add:
        result = sympy.Add(*(_derivative(a, x, memo) for a in expr.args))
    elif expr.is_Mul:
        args = expr.args
        result = sympy.Add(*(
            sympy.Mul(*args[:i], _derivative(a, x, memo), *args[i + 1:])
            for i, a in enumerate(args) if a.has(x)
        ))  # fmt: skip
    elif expr.is_Pow:
        b, e = expr.args
        db, de = _derivative(b, x, memo), _derivative(e, x, memo)
        result = e * b ** (e - 1) * db if de == 0 else expr * (de * sympy.log(b) + e * db / b)
    elif expr.func in _CHAIN and len(expr.args) == 1:
        u = expr.args[0]
        result = _CHAIN[expr.func](u) * _derivative(u, x, memo)
    else:
        result = sympy.diff(expr, x)
    memo[expr] = result
    return result


_BIG_INT = 2**53


def _numeric(expr: sympy.Expr) -> sympy.Expr:
    """The tree NumPy evaluates: every constant part as a float.

    Constant sub-trees (even ones SymPy created, such as 99**(99*E) from expanding a power) are
    evaluated with mpmath; beyond the float range they print as ``inf`` and evaluate to NaN gaps
    instead of Python ``OverflowError`` or integers too large for NumPy.
    """
    if expr.is_Atom:
        if expr.is_Rational and (not expr.is_Integer or abs(expr) > _BIG_INT):
            return sympy.Float(expr, 17)
        return expr
    if not expr.free_symbols:
        value = expr.evalf(17)
        return value if value.is_Float else sympy.nan
    return expr.func(*(_numeric(arg) for arg in expr.args))


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed formula: symbolic tree plus the variables it may depend on.

    Parameters
    ----------
    expr : sympy.Expr
        The SymPy tree, built by :func:`parse` (or by :meth:`diff`).
    variables : tuple of str
        Names of the variables, in order.
    source : str, optional
        The text the learner typed (empty for derived expressions).
    """

    expr: sympy.Expr
    variables: tuple[str, ...]
    source: str = field(default="")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return self.variables == other.variables and self.expr == other.expr

    def __hash__(self) -> int:
        return hash((self.expr, self.variables))

    @cached_property
    def _symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(sympy.Symbol(name, real=True) for name in self.variables)

    @cached_property
    def _numeric_expr(self) -> sympy.Expr:
        return _numeric(self.expr)

    @cached_property
    def _real_fn(self):
        return sympy.lambdify(self._symbols, self._numeric_expr, modules=_lambdify_modules("real"))

    @cached_property
    def _complex_fn(self):
        return sympy.lambdify(
            self._symbols, self._numeric_expr, modules=_lambdify_modules("complex")
        )

    @property
    def text(self) -> str:
        """Plain-text form that :func:`parse` accepts again (``^`` for powers)."""
        return _TextPrinter().doprint(self.expr).replace("**", "^")

    @property
    def latex(self) -> str:
        """LaTeX form of the expression (without surrounding ``$``)."""
        names = {s: rf"\mathrm{{{s.name}}}" for s in self._symbols if len(s.name) > 1}
        # exp(u) and x^u are shown through plain functions so that SymPy's printer does not try
        # to prove that u is constant (seconds for nested sigmoids); they print the same.
        shown = self.expr.replace(sympy.exp, _ExpShown).replace(
            lambda e: e.is_Pow and not e.exp.is_Number, lambda e: _PowShown(e.base, e.exp)
        )
        return sympy.latex(shown, symbol_names=names)

    @property
    def free_variables(self) -> tuple[str, ...]:
        """Variables that actually occur in the expression, in declaration order."""
        names = {s.name for s in self.expr.free_symbols}
        return tuple(v for v in self.variables if v in names)

    def diff(self, var: str) -> Expression:
        r"""Symbolic partial derivative with respect to one variable.

        Parameters
        ----------
        var : str
            One of :attr:`variables`.

        Returns
        -------
        Expression
            :math:`\partial f / \partial \mathrm{var}`, over the same variables.
        """
        if var not in self.variables:
            raise ExpressionError(
                f"'{var}' is not one of the variables {', '.join(self.variables)}."
            )
        symbol = self._symbols[self.variables.index(var)]
        return Expression(_derivative(self.expr, symbol, {}), self.variables)

    def _arguments(self, arrays: dict, dtype) -> tuple[list[np.ndarray], tuple[int, ...]]:
        unknown = set(arrays) - set(self.variables)
        if unknown:
            raise ExpressionError(f"Unknown variable(s): {', '.join(sorted(unknown))}.")
        missing = [v for v in self.free_variables if v not in arrays]
        if missing:
            raise ExpressionError(f"A value is needed for: {', '.join(missing)}.")
        values = [np.asarray(arrays.get(v, 0.0), dtype=dtype) for v in self.variables]
        shape = np.broadcast_shapes(*(a.shape for a in values)) if values else ()
        return values, shape

    def evaluate(self, **arrays) -> np.ndarray:
        """Evaluate on NumPy arrays with broadcasting; problems become NaN.

        Parameters
        ----------
        **arrays : array_like
            One value or array per variable (variables that do not occur may be omitted).

        Returns
        -------
        numpy.ndarray
            Float array of the broadcast shape. Points where the formula is undefined or
            overflows (``log(-1)``, ``1/0``, ``exp(1000)``) are NaN.
        """
        values, shape = self._arguments(arrays, float)
        with np.errstate(all="ignore"):
            try:
                out = np.asarray(self._real_fn(*values))
            except (ArithmeticError, ValueError, TypeError):  # last resort: a gap, not a crash
                return np.full(shape, np.nan)
            if np.iscomplexobj(out):
                out = np.where(np.imag(out) == 0, np.real(out), np.nan)
            out = np.broadcast_to(out.astype(float, copy=False), shape).copy()
        out[~np.isfinite(out)] = np.nan
        return out

    def evaluate_complex(self, **arrays) -> np.ndarray:
        r"""Evaluate with complex inputs, for the complex-step derivative.

        ``abs`` is evaluated as :math:`z \,\mathrm{sign}(\mathrm{Re}\, z)` so that the
        complex step still yields its real derivative.

        Parameters
        ----------
        **arrays : array_like
            One (possibly complex) value or array per variable.

        Returns
        -------
        numpy.ndarray
            Complex array of the broadcast shape (may contain NaN or inf).
        """
        values, shape = self._arguments(arrays, complex)
        with np.errstate(all="ignore"):
            try:
                out = np.asarray(self._complex_fn(*values), dtype=complex)
            except (ArithmeticError, ValueError, TypeError):
                return np.full(shape, np.nan, dtype=complex)
            return np.broadcast_to(out, shape).copy()



def parse(text: str, variables: tuple[str, ...] = ("x", "y")) -> Expression:
    """Parse a learner-typed formula safely into an :class:`Expression`.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"x^2 + 3*sin(y)"``. At most :data:`MAX_CHARS` characters.
    variables : tuple of str, optional
        Names the formula may use as variables (treated as real numbers).

    Returns
    -------
    Expression
        The parsed, differentiable expression.

    Raises
    ------
    ExpressionError
        For anything outside the accepted syntax, with a learner-readable message and, when
        possible, the 1-based position of the problem.
    """
    variables = tuple(variables)
    expr = build(text, variables)
    return Expression(expr, variables, str(text))
