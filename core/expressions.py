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

from core.expressions_build import _NOT_REAL, _Builder, _check_variables, _precheck, _to_ast
from core.expressions_vocab import (  # re-exported: the parser's public vocabulary
    CONSTANTS,
    FUNCTIONS,
    MAX_CHARS,
    MAX_CONST,
    MAX_DEPTH,
    MAX_NODES,
    Abs,
    ExpressionError,
    _derivative,
    _ExpShown,
    _lambdify_modules,
    _numeric,
    _PowShown,
    _TextPrinter,
)

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_CHARS",
    "MAX_CONST",
    "MAX_DEPTH",
    "MAX_NODES",
    "Abs",
    "Expression",
    "ExpressionError",
    "parse",
]

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
    variables = _check_variables(variables)
    text = _precheck(text)
    offset = len(text) - len(text.lstrip())
    tree = _to_ast(text.strip(), offset)
    builder = _Builder(text.strip(), variables, offset)
    built = builder.build(tree.body)
    expr = built.expr
    if any(expr.has(bad) for bad in _NOT_REAL):
        raise ExpressionError("The formula contains an undefined constant (such as 1/0 or log(0)).")
    return Expression(expr, variables, text)
