"""Hostile and invalid formulas: every one must be refused with ExpressionError, fast, harmlessly.

The canary path in CANARY must never be created by any of them.
"""

CANARY = "/tmp/marginal_lab_canary_pwned"

HOSTILE = [
    # attribute access and dunder names
    "x.__class__",
    "x.__class__.__bases__[0].__subclasses__()",
    "().__class__.__base__",
    "__import__",
    "__import__('os').system('touch /tmp/marginal_lab_canary_pwned')",
    "__builtins__",
    "x.real",
    "sin.__globals__",
    "(1).__add__(2)",
    "__class__",
    "x.conjugate()",
    "getattr(x, 'real')",
    # calls of things outside the whitelist
    "eval('1')",
    "exec('import os')",
    "open('/tmp/marginal_lab_canary_pwned', 'w')",
    "compile('1', 'a', 'eval')",
    "globals()",
    "sympify('x')",
    "Symbol('x')",
    "os(x)",
    "sin(x, y)",
    "sin(x=1)",
    "sin(*x)",
    # lambdas, comprehensions, imports, other statements
    "lambda: 1",
    "(lambda x: x)(1)",
    "[i for i in (1, 2)]",
    "{i for i in (1, 2)}",
    "sum(i for i in x)",
    "import os",
    "from os import system",
    "x = 1",
    "(x := 1)",
    "x if y else 1",
    "x and y",
    "x < y",
    "[x, y]",
    "{'a': 1}",
    "x, y",
    "x[0]",
    "'text'",
    "b'bytes'",
    "f'{x}'",
    # statements after ; or a newline
    "x; import os",
    "x;__import__('os').system('touch /tmp/marginal_lab_canary_pwned')",
    "x\nimport os",
    "x\r\ny",
    "x\n",
    # huge powers and deep nesting
    "9**9**9",
    "9^9^9",
    "(9^9)^(9^9)",
    "2^100000",
    "10^1000",
    "exp(exp(exp(9)))",
    "x^99999",
    "1e999",
    "9" * 150,
    "-" * 180 + "x",
    "(" * 60 + "x" + ")" * 60,
    "sin(" * 30 + "x" + ")" * 30,
    "+".join(["x"] * 100),
    # 10 kB strings
    "x" * 10_000,
    "x+" * 5_000 + "x",
    "(" * 5_000 + ")" * 5_000,
    # unicode look-alikes of identifiers and operators
    "\u0445 + 1",  # Cyrillic x
    "\uff58 + y",  # full-width x (NFKC-normalised to x by Python!)
    "s\u0456n(x)",  # Cyrillic i
    "x \u2212 y",  # minus sign
    "x\u00b2",  # superscript two
    "\u03c0 * x",  # Greek pi
    "x\u200b+y",  # zero-width space
    "\u1d465",  # mathematical italic x
    # other junk
    "",
    "   ",
    "2x",
    "x y",
    "sin",
    "foo(x)",
    "x(2)",
    "z + 1",
    "1/0",
    "log(0)",
    "sqrt(-1)",
    "tan(pi/2)",
    "0x10",
    "1j * x",
    "True",
    "None",
    "x // 2",
    "x % 2",
    "x @ y",
    "~x",
    "x & y",
    "((x)",
    "x)",
    "$x",
    "x ** ",
]
