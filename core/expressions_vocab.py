"""The symbolic vocabulary of the formula parser: limits, functions, derivatives, printing.

Part of the expression parser (:mod:`core.expressions`), the one place SymPy is used.
"""

from __future__ import annotations

import math
import re

import numpy as np
import sympy
from sympy.printing.str import StrPrinter

MAX_CHARS = 200
MAX_NODES = 120
MAX_DEPTH = 24
MAX_CONST = 1e100
MAX_CONST_EXPONENT = 1000.0

_ALLOWED_CHARS = re.compile(r"[A-Za-z0-9_ +\-*/^().,]")
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,19}")


class Abs(sympy.Function):
    r"""Absolute value of a real quantity: :math:`\frac{d}{du}|u| = \operatorname{sign}(u)`.

    SymPy's own ``Abs`` differentiates through real and imaginary parts whenever it cannot
    prove its argument real (``abs(tan(x)^y)``), which can blow a 26-node formula up to
    thousands of nodes. Formulas here are real by convention (non-real values are NaN gaps),
    so the real rule always applies. The class is named ``Abs`` so that every printer
    (text, LaTeX, NumPy) treats it like SymPy's.
    """

    @classmethod
    def eval(cls, arg):  # noqa: D102
        if arg.is_Number:
            return abs(arg)
        if arg.is_extended_nonnegative:
            return arg
        if arg.is_extended_nonpositive:
            return -arg
        if arg.could_extract_minus_sign():
            return cls(-arg)
        return None

    def fdiff(self, argindex=1):  # noqa: D102
        return sympy.sign(self.args[0])

    def _eval_is_extended_nonnegative(self):
        return True

    def _eval_evalf(self, prec):
        return sympy.Abs(self.args[0])._eval_evalf(prec)


def _sigmoid(arg: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-arg))


FUNCTIONS = {
    "sin": (sympy.sin, math.sin),
    "cos": (sympy.cos, math.cos),
    "tan": (sympy.tan, math.tan),
    "exp": (sympy.exp, math.exp),
    "log": (sympy.log, math.log),
    "ln": (sympy.log, math.log),
    "sqrt": (sympy.sqrt, math.sqrt),
    "abs": (Abs, abs),
    "tanh": (sympy.tanh, math.tanh),
    "sinh": (sympy.sinh, math.sinh),
    "cosh": (sympy.cosh, math.cosh),
    "arctan": (sympy.atan, math.atan),
    "sign": (sympy.sign, lambda v: math.copysign(1.0, v) if v else 0.0),
    "sigmoid": (_sigmoid, lambda v: 1.0 / (1.0 + math.exp(-v)) if v > -700 else 0.0),
}
"""Function names a formula may call, mapped to (SymPy builder, float evaluator)."""

CONSTANTS = {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}
"""Named constants a formula may use."""

_RESERVED = set(FUNCTIONS) | set(CONSTANTS)

_NODE_WORDS = {
    "Attribute": "attribute access with '.'",
    "Subscript": "indexing with [ ]",
    "Lambda": "'lambda'",
    "ListComp": "comprehensions",
    "GeneratorExp": "comprehensions",
    "SetComp": "comprehensions",
    "DictComp": "comprehensions",
    "Compare": "comparisons",
    "BoolOp": "'and' / 'or'",
    "IfExp": "'if ... else'",
    "Tuple": "commas (a formula is one expression)",
    "List": "lists",
    "Dict": "dictionaries",
    "Set": "sets",
    "Starred": "'*' unpacking",
    "NamedExpr": "':='",
    "Await": "'await'",
    "Yield": "'yield'",
    "JoinedStr": "strings",
}


class ExpressionError(ValueError):
    """A formula that cannot be accepted, with a message written for a learner.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    position : int or None, optional
        1-based character position of the problem in the typed text, if known.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


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


