"""Safe parsing of learner-typed formulas into differentiable expressions (the one SymPy user).

- :mod:`~core.formula.vocabulary`: limits, accepted characters, functions and constants.
- :mod:`~core.formula.builder`: text to SymPy tree through a whitelist walk; never executes text.
- :mod:`~core.formula.expression`: :class:`Expression` (values, derivatives, printing) and
  :func:`parse`.
"""

from core.formula.expression import Expression, parse
from core.formula.vocabulary import (
    CONSTANTS,
    FUNCTIONS,
    MAX_CHARS,
    MAX_CONST,
    MAX_DEPTH,
    MAX_NODES,
    Abs,
    ExpressionError,
)

__all__ = [
    "CONSTANTS", "FUNCTIONS", "MAX_CHARS", "MAX_CONST", "MAX_DEPTH", "MAX_NODES", "Abs",
    "Expression", "ExpressionError", "parse",
]
