"""From learner text to a SymPy tree: checks on the text, then a whitelist walk of its syntax tree.

:func:`build` is the one entry point; :mod:`core.formula.expression` wraps its result. The text
is never executed.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from dataclasses import dataclass

import sympy

from core.formula.vocabulary import (
    ALLOWED_CHARS,
    CONSTANTS,
    FUNCTIONS,
    IDENT,
    MAX_CHARS,
    MAX_CONST,
    MAX_CONST_EXPONENT,
    MAX_DEPTH,
    MAX_NODES,
    NODE_WORDS,
    NUMBER,
    RESERVED,
    ExpressionError,
)


def _check_variables(variables: tuple[str, ...]) -> tuple[str, ...]:
    variables = tuple(variables)
    for name in variables:
        if (
            not isinstance(name, str)
            or not IDENT.fullmatch(name)
            or name in RESERVED
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
        if ALLOWED_CHARS.fullmatch(ch):
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
            word = NODE_WORDS.get(type(node).__name__, "'{seg}'")
            raise self.fail(node, f"Not allowed in a formula: {word} (position {{pos}}).")
        return method(node)

    def _Constant(self, node: ast.Constant) -> _Built:
        segment, _ = self.where(node)
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, "'{seg}' at position {pos} is not a number.")
        if not NUMBER.fullmatch(segment):
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


def build(text: str, variables: tuple[str, ...]) -> sympy.Expr:
    """Check ``text`` and turn it into a SymPy tree over the real symbols ``variables``.

    Parameters
    ----------
    text : str
        The formula as typed (leading and trailing blanks are allowed).
    variables : tuple of str
        Names the formula may use as variables.

    Returns
    -------
    sympy.Expr
        The tree, built from SymPy constructors only; never from executed text.

    Raises
    ------
    ExpressionError
        For anything outside the accepted syntax, with the 1-based position when known.
    """
    variables = _check_variables(variables)
    text = _precheck(text)
    offset = len(text) - len(text.lstrip())
    tree = _to_ast(text.strip(), offset)
    expr = _Builder(text.strip(), variables, offset).build(tree.body).expr
    if any(expr.has(bad) for bad in _NOT_REAL):
        raise ExpressionError("The formula contains an undefined constant (such as 1/0 or log(0)).")
    return expr
