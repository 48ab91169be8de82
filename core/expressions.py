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

import ast
import keyword
import math
import re
from dataclasses import dataclass, field
from functools import cached_property

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


def _check_variables(variables: tuple[str, ...]) -> tuple[str, ...]:
    variables = tuple(variables)
    for name in variables:
        if (
            not isinstance(name, str)
            or not _IDENT.fullmatch(name)
            or name in _RESERVED
            or keyword.iskeyword(name)
        ):
            raise ExpressionError(f"'{name}' cannot be used as a variable name.")
    if len(set(variables)) != len(variables):
        raise ExpressionError("Variable names must be different from each other.")
    return variables


def _precheck(text: object) -> str:
    if not isinstance(text, str):
        raise ExpressionError("The formula must be text.")
    if len(text) > MAX_CHARS:
        raise ExpressionError(
            f"The formula is too long ({len(text)} characters; at most {MAX_CHARS})."
        )
    if not text.strip():
        raise ExpressionError("Type a formula, for example x^2 + y^2.")
    for i, ch in enumerate(text, start=1):
        if _ALLOWED_CHARS.fullmatch(ch):
            continue
        if ch in "\n\r":
            raise ExpressionError("The formula must be on a single line.", i)
        if ch == ";":
            raise ExpressionError("Only one formula is allowed: remove the ';'.", i)
        if ord(ch) > 127:
            raise ExpressionError(
                f"Character '{ch}' (U+{ord(ch):04X}) at position {i} is not plain ASCII; "
                "retype it with a normal keyboard letter or symbol.",
                i,
            )
        raise ExpressionError(f"Character '{ch}' at position {i} is not allowed.", i)
    return text


def _check_parentheses(text: str) -> None:
    depth = 0
    for i, ch in enumerate(text, start=1):
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            raise ExpressionError(f"There is a ')' without a matching '(' at position {i}.", i)
        if depth > MAX_DEPTH:
            raise ExpressionError(f"Parentheses are nested too deeply (more than {MAX_DEPTH}).", i)
    if depth > 0:
        raise ExpressionError("A ')' is missing at the end: check your parentheses.")


def _syntax_error(text: str, exc: SyntaxError, offset: int) -> ExpressionError:
    pos = min(exc.offset or len(text), len(text)) + offset
    if re.search(r"\d[A-Za-z(]|\)[A-Za-z0-9(]", text):
        hint = " Write multiplication explicitly, e.g. 2*x instead of 2x, (x+1)*(y) not (x+1)(y)."
    else:
        hint = ""
    return ExpressionError(f"The formula cannot be read near position {pos}.{hint}", pos)


def _to_ast(text: str, offset: int = 0) -> ast.Expression:
    _check_parentheses(text)
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(text, exc, offset) from None
    except (MemoryError, RecursionError, ValueError):
        raise ExpressionError("The formula is too deeply nested.") from None
    nodes = 0
    stack = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise ExpressionError(f"The formula is too complex (more than {MAX_NODES} parts).")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"The formula is nested too deeply (more than {MAX_DEPTH}).")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


@dataclass(frozen=True)
class _Built:
    expr: sympy.Expr
    value: float | None  # float value when the sub-expression is constant


_NOT_REAL = (sympy.zoo, sympy.oo, -sympy.oo, sympy.nan, sympy.I)


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base^exponent, without distributing a non-integer power over a product.

    SymPy rewrites (a*b)^c as a^c * b^c when it can, and for float or rational c that can
    cost seconds of gcd computations; keeping the power whole is equivalent and instant.
    """
    if exponent.is_Integer or not base.is_Mul:
        return sympy.Pow(base, exponent)
    return sympy.Pow(base, exponent, evaluate=False)


def _is_plain_constant(expr: sympy.Expr) -> bool:
    """Rationals, pi, e, and products or rational powers of them (2*pi, sqrt(2), e^2)."""
    if expr.is_Rational or expr in (sympy.pi, sympy.E):
        return True
    if isinstance(expr, sympy.exp):  # e^2 is built as exp(2)
        return expr.args[0].is_Rational
    if expr.is_Mul:
        return all(_is_plain_constant(a) for a in expr.args)
    if expr.is_Pow:
        return expr.exp.is_Rational and _is_plain_constant(expr.base)
    return False


def _folded(expr: sympy.Expr, value: float | None) -> _Built:
    """Replace a constant such as sin(2) or 99^e by its float value.

    SymPy keeps such constants symbolic and later asks questions about them (is it negative?
    can it be simplified?) while differentiating or printing, which can take seconds. A Float
    answers instantly; plain constants (2, 1/3, pi, sqrt(2)) stay exact.
    """
    if value is None or _is_plain_constant(expr):
        return _Built(expr, value)
    return _Built(sympy.Float(value, 15), value)


class _Builder:
    """Turn a checked :mod:`ast` tree into SymPy, one whitelisted node type at a time."""

    def __init__(self, text: str, variables: tuple[str, ...], offset: int = 0) -> None:
        self.text = text
        self.offset = offset
        # The AST was parsed from text with '^' -> '**': map its columns back to the typed text.
        self.origin = [i for i, ch in enumerate(text) for _ in range(2 if ch == "^" else 1)]
        self.origin.append(len(text))
        self.symbols = {name: sympy.Symbol(name, real=True) for name in variables}

    def where(self, node: ast.AST) -> tuple[str, int]:
        start = self.origin[min(node.col_offset, len(self.origin) - 1)]
        end = self.origin[min(node.end_col_offset or 0, len(self.origin) - 1) - 1] + 1
        return self.text[start:end] or "?", start + 1 + self.offset

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        segment, pos = self.where(node)
        return ExpressionError(message.format(seg=segment, pos=pos), pos)

    def build(self, node: ast.AST) -> _Built:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            word = _NODE_WORDS.get(type(node).__name__, "'{seg}'")
            raise self.fail(node, f"Not allowed in a formula: {word} (position {{pos}}).")
        return method(node)

    def _Constant(self, node: ast.Constant) -> _Built:
        segment, _ = self.where(node)
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, "'{seg}' at position {pos} is not a number.")
        if not _NUMBER.fullmatch(segment):
            raise self.fail(node, "Write numbers like 2, 0.5 or 1e-3 ('{seg}' at position {pos}).")
        number = float(value)
        if not math.isfinite(number) or abs(number) > MAX_CONST or 0 < abs(number) < 1 / MAX_CONST:
            raise self.fail(node, "The number '{seg}' at position {pos} is out of range.")
        return _Built(sympy.Rational(segment), number)

    def _Name(self, node: ast.Name) -> _Built:
        name = node.id
        if name in self.symbols:
            return _Built(self.symbols[name], None)
        if name in CONSTANTS:
            symbolic, number = CONSTANTS[name]
            return _Built(symbolic, number)
        if name in FUNCTIONS:
            raise self.fail(node, f"'{name}' is a function: write {name}(...) (position {{pos}}).")
        allowed = ", ".join([*self.symbols, "pi", "e"])
        raise self.fail(node, f"Unknown name '{{seg}}' at position {{pos}}. Use {allowed}.")

    def _UnaryOp(self, node: ast.UnaryOp) -> _Built:
        operand = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            value = None if operand.value is None else -operand.value
            return _Built(-operand.expr, value)
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(node, "The operator at position {pos} is not allowed.")

    def _BinOp(self, node: ast.BinOp) -> _Built:
        ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
        op = ops.get(type(node.op))
        if op is None:
            raise self.fail(node, "Only + - * / and ^ are allowed as operators ('{seg}').")
        left, right = self.build(node.left), self.build(node.right)
        value = None
        if left.value is not None and right.value is not None:
            value = self._constant(node, op, left.value, right.value)
        if op == "+":
            return _folded(left.expr + right.expr, value)
        if op == "-":
            return _folded(left.expr - right.expr, value)
        if op == "*":
            return _folded(left.expr * right.expr, value)
        if op == "/":
            return _folded(left.expr / right.expr, value)
        if right.value is not None and abs(right.value) > MAX_CONST_EXPONENT:
            raise self.fail(node, "The exponent in '{seg}' (position {pos}) is too large.")
        return _folded(_power(left.expr, right.expr), value)

    def _constant(self, node: ast.AST, op: str, a: float, b: float) -> float:
        """Float value of a constant operation, refused before SymPy computes it exactly."""
        try:
            if op == "^":
                if abs(b) > MAX_CONST_EXPONENT or (a != 0 and abs(b * math.log10(abs(a))) > 100):
                    raise OverflowError
                result = a**b
            elif op == "/":
                result = a / b
            else:
                result = {"+": a + b, "-": a - b, "*": a * b}[op]
        except ZeroDivisionError:
            raise self.fail(node, "Division by zero in '{seg}' (position {pos}).") from None
        except OverflowError:
            raise self.fail(node, "'{seg}' (position {pos}) is too large to compute.") from None
        return self._check_constant(node, result)

    def _check_constant(self, node: ast.AST, result: object) -> float:
        if isinstance(result, complex):
            raise self.fail(node, "'{seg}' (position {pos}) is not a real number.")
        if not math.isfinite(result) or abs(result) > MAX_CONST:
            raise self.fail(node, "'{seg}' (position {pos}) is too large to compute.")
        return float(result)

    def _Call(self, node: ast.Call) -> _Built:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "Only simple function calls like sin(x) are allowed ('{seg}').")
        name = node.func.id
        if name not in FUNCTIONS:
            known = " ".join(sorted(set(FUNCTIONS) - {"ln", "sign"}))
            if name in self.symbols:
                message = f"'{name}' is a variable, not a function: write {name}*(...) (position {{pos}})."
            else:
                message = f"Unknown function '{name}' at position {{pos}}. Known: {known}."
            raise self.fail(node, message)
        if node.keywords or len(node.args) != 1:
            raise self.fail(node, f"{name}() takes exactly one argument (position {{pos}}).")
        arg = self.build(node.args[0])
        symbolic, numeric = FUNCTIONS[name]
        value = None
        if arg.value is not None:
            try:
                value = self._check_constant(node, numeric(arg.value))
            except (ValueError, ZeroDivisionError):
                raise self.fail(node, "'{seg}' (position {pos}) has no real value.") from None
            except OverflowError:
                raise self.fail(node, "'{seg}' (position {pos}) is too large to compute.") from None
        expr = symbolic(arg.expr)
        if value is not None and any(expr.has(bad) for bad in _NOT_REAL):
            raise self.fail(node, "'{seg}' (position {pos}) is undefined.")
        return _folded(expr, value)


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
