"""GitHub Actions expressions (``${{ }}``) for the tests' Actions runner.

No maintained Python implementation of the expression language is on PyPI, so this is a
small recursive-descent evaluator of the subset that action.yml and examples/workflows use,
with GitHub's semantics (docs.github.com "Evaluate expressions in workflows and actions"):
``||``/``&&`` return an operand (not a boolean), ``==`` compares strings ignoring case and
coerces mixed types to numbers, a missing property is ``null``. Anything outside the subset
(other functions, ``*`` filters, ``<``/``>``) raises UnsupportedExpression so that a test
fails loudly instead of a workflow being run differently from GitHub.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

STATUS_FUNCTIONS = ("success", "failure", "always", "cancelled")
_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>\|\||&&|==|!=|[!().,\[\]])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*)|(?P<bad>\S))"
)
_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


class UnsupportedExpression(Exception):
    """An expression form the runner does not implement (the test must fail, not skip)."""


def tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None:
            continue
        if kind == "bad":
            raise UnsupportedExpression(f"unsupported character {match.group(kind)!r} in {text!r}")
        out.append((kind, match.group(kind)))
    return out


def truthy(value: Any) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "")


def to_number(value: Any) -> float:
    if value is None or value is False:
        return 0.0
    if value is True:
        return 1.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else 0.0
        except ValueError:
            return math.nan
    return math.nan


def equal(left: Any, right: Any) -> bool:
    """``==``: same types compare directly (strings ignoring case), others as numbers."""
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers) and not isinstance(left, bool):
        return float(left) == float(right)
    if type(left) is type(right):
        if isinstance(left, str):
            return left.casefold() == right.casefold()
        if isinstance(left, dict | list):
            return left is right
        return bool(left == right)
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        return False
    return to_number(left) == to_number(right)


def to_string(value: Any) -> str:
    """How a value is written into a ``${{ }}`` template."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, indent=2)
    return str(value)


def _contains(search: Any, item: Any) -> bool:
    if isinstance(search, list):
        return any(equal(element, item) for element in search)
    return to_string(item).casefold() in to_string(search).casefold()


def _format(template: Any, *args: Any) -> str:
    def field(match: re.Match[str]) -> str:
        if match.group(0) in ("{{", "}}"):
            return match.group(0)[0]
        index = int(match.group(1))
        if index >= len(args):
            raise UnsupportedExpression(f"format(): no argument {{{index}}} in {template!r}")
        return to_string(args[index])

    return re.sub(r"\{\{|\}\}|\{(\d+)\}", field, to_string(template))


class Evaluator:
    """Evaluates one expression against the contexts and the job's status."""

    def __init__(self, contexts: Mapping[str, Any], status: Callable[[str], bool]) -> None:
        self.contexts = contexts
        self.status = status
        self.functions: dict[str, Callable[..., Any]] = {
            "contains": _contains,
            "startsWith": lambda a, b: to_string(a).casefold().startswith(to_string(b).casefold()),
            "endsWith": lambda a, b: to_string(a).casefold().endswith(to_string(b).casefold()),
            "format": _format,
            "toJSON": lambda v: json.dumps(v, indent=2),
            "fromJSON": lambda v: json.loads(to_string(v)),
        }

    def evaluate(self, text: str) -> Any:
        self.toks = tokens(text)
        self.pos = 0
        self.text = text
        value = self._or()
        if self.pos != len(self.toks):
            raise UnsupportedExpression(f"unexpected {self.toks[self.pos][1]!r} in {text!r}")
        return value

    def _peek(self) -> str | None:
        return self.toks[self.pos][1] if self.pos < len(self.toks) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.toks):
            raise UnsupportedExpression(f"expression ends early: {self.text!r}")
        tok = self.toks[self.pos]
        if expected is not None and tok[1] != expected:
            raise UnsupportedExpression(f"expected {expected!r}, got {tok[1]!r} in {self.text!r}")
        self.pos += 1
        return tok

    def _or(self) -> Any:
        value = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            value = value if truthy(value) else right
        return value

    def _and(self) -> Any:
        value = self._equality()
        while self._peek() == "&&":
            self._take()
            right = self._equality()
            value = right if truthy(value) else value
        return value

    def _equality(self) -> Any:
        value = self._unary()
        while self._peek() in ("==", "!="):
            op = self._take()[1]
            right = self._unary()
            value = equal(value, right) if op == "==" else not equal(value, right)
        return value

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not truthy(self._unary())
        return self._postfix(self._primary())

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if text == "(":
            value = self._or()
            self._take(")")
            return value
        if kind != "name":
            raise UnsupportedExpression(f"unexpected {text!r} in {self.text!r}")
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self._peek() == "(":
            return self._call(text)
        if text not in self.contexts:
            raise UnsupportedExpression(f"unknown context {text!r} in {self.text!r}")
        return self.contexts[text]

    def _call(self, name: str) -> Any:
        self._take("(")
        args: list[Any] = []
        while self._peek() != ")":
            args.append(self._or())
            if self._peek() == ",":
                self._take()
        self._take(")")
        if name in STATUS_FUNCTIONS:
            if args:
                raise UnsupportedExpression(f"{name}() takes no arguments")
            return self.status(name)
        if name not in self.functions:
            raise UnsupportedExpression(f"unsupported function {name}() in {self.text!r}")
        return self.functions[name](*args)

    def _postfix(self, value: Any) -> Any:
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                kind, key = self._take()
                if kind != "name":
                    raise UnsupportedExpression(f"unsupported property {key!r} in {self.text!r}")
            else:
                key = self._or()
                self._take("]")
            value = _index(value, key)
        return value


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        if isinstance(key, str):
            for name, item in value.items():
                if name.casefold() == key.casefold():
                    return item
        return None
    if isinstance(value, list) and isinstance(key, float) and key.is_integer():
        return value[int(key)] if 0 <= int(key) < len(value) else None
    return None


def uses_status_function(expression: str) -> bool:
    return any(kind == "name" and text in STATUS_FUNCTIONS for kind, text in tokens(expression))


def strip_template(expression: str) -> str:
    """``if:`` may be written with or without ``${{ }}`` around the whole expression."""
    text = expression.strip()
    match = _TEMPLATE.fullmatch(text)
    return match.group(1) if match else text


def interpolate(text: str, evaluator: Evaluator) -> str:
    """Replace each ``${{ expr }}`` in a string with its value written as a string."""
    return _TEMPLATE.sub(lambda m: to_string(evaluator.evaluate(m.group(1))), text)


def interpolate_value(value: Any, evaluator: Evaluator) -> Any:
    """Interpolate inside a YAML value (strings, lists, mappings)."""
    if isinstance(value, str):
        return interpolate(value, evaluator)
    if isinstance(value, list):
        return [interpolate_value(v, evaluator) for v in value]
    if isinstance(value, dict):
        return {k: interpolate_value(v, evaluator) for k, v in value.items()}
    if value is True or value is False:
        return "true" if value else "false"
    return value if value is None else str(value)
