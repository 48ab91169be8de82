"""The vocabulary of the formula parser: size limits, accepted characters, functions, constants.

Shared by the text-to-tree builder (:mod:`core.formula.builder`) and the expression
(:mod:`core.formula.expression`). SymPy is used only inside :mod:`core.formula`.
"""

from __future__ import annotations

import math
import re

import sympy

MAX_CHARS = 200
MAX_NODES = 120
MAX_DEPTH = 24
MAX_CONST = 1e100
MAX_CONST_EXPONENT = 1000.0

ALLOWED_CHARS = re.compile(r"[A-Za-z0-9_ +\-*/^().,]")
NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,19}")


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

RESERVED = set(FUNCTIONS) | set(CONSTANTS)

NODE_WORDS = {
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
