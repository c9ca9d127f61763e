"""Conditions on a request's data (``amount > 50000``), parsed and evaluated safely.

The expression is parsed with Python's ``ast`` into a tree and only a small whitelist of
node kinds is accepted: ``and``/``or``/``not``, comparisons (``< <= > >= == != in not in``),
``+ - * /``, unary minus, names (looked up in the request's data), numbers, strings,
booleans, ``null``/``None`` and lists of those. Nothing is ever handed to ``eval``; no
attribute access, call, subscript or lambda can be written.
"""

import ast
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

MAX_LENGTH = 500
_CONSTANT_NAMES = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
}
_Operator = Callable[[Any, Any], Any]
_COMPARE: dict[type[ast.cmpop], _Operator] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITHMETIC: dict[type[ast.operator], _Operator] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


class InvalidCondition(ValueError):
    """The expression is not one the evaluator accepts; the message says why."""


class ConditionError(ValueError):
    """The expression could not be evaluated on this data (a missing field, a type clash)."""


def _check(node: ast.AST) -> None:
    if isinstance(node, ast.Expression):
        _check(node.body)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.Not | ast.USub):
            raise InvalidCondition(f"the operator {type(node.op).__name__} is not allowed")
        _check(node.operand)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise InvalidCondition(f"the comparison {type(op).__name__} is not allowed")
        _check(node.left)
        for comparator in node.comparators:
            _check(comparator)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _ARITHMETIC:
            raise InvalidCondition(f"the operator {type(node.op).__name__} is not allowed")
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise InvalidCondition(f"the name {node.id!r} is not allowed")
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, int | float | str | bool | type(None)):
            raise InvalidCondition(f"the constant {node.value!r} is not allowed")
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            _check(element)
    else:
        raise InvalidCondition(f"{type(node).__name__} is not allowed in a condition")


@lru_cache(maxsize=1024)
def parse(expression: str) -> ast.Expression:
    """Parse and check an expression; InvalidCondition names the problem."""
    if not expression or not expression.strip():
        raise InvalidCondition("the condition is empty")
    if len(expression) > MAX_LENGTH:
        raise InvalidCondition(f"the condition is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise InvalidCondition(
            f"the condition is not valid: {exc.msg} at column {exc.offset}"
        ) from exc
    _check(tree)
    return tree


def names(expression: str) -> set[str]:
    """The data fields an expression reads."""
    return {
        node.id
        for node in ast.walk(parse(expression))
        if isinstance(node, ast.Name) and node.id not in _CONSTANT_NAMES
    }


def _number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def _evaluate(node: ast.AST, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, data)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(bool(_evaluate(value, data)) for value in node.values)
        return any(bool(_evaluate(value, data)) for value in node.values)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, data)
        return (not operand) if isinstance(node.op, ast.Not) else -operand
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, data)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, data)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError as exc:
                raise ConditionError(f"cannot compare {left!r} with {right!r}") from exc
            left = right
        return True
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, data), _evaluate(node.right, data)
        try:
            return _ARITHMETIC[type(node.op)](left, right)
        except (TypeError, ArithmeticError) as exc:
            raise ConditionError(f"cannot compute {left!r} and {right!r}") from exc
    if isinstance(node, ast.Name):
        if node.id in _CONSTANT_NAMES:
            return _CONSTANT_NAMES[node.id]
        if node.id not in data:
            raise ConditionError(f"the request has no field {node.id!r}")
        return _number(data[node.id])
    if isinstance(node, ast.Constant):
        return _number(node.value) if not isinstance(node.value, str) else node.value
    if isinstance(node, ast.List | ast.Tuple):
        return [_evaluate(element, data) for element in node.elts]
    raise InvalidCondition(f"{type(node).__name__} is not allowed in a condition")


def evaluate(expression: str, data: Mapping[str, Any]) -> bool:
    """True when the condition holds for ``data``; numbers compare exactly (as decimals)."""
    return bool(_evaluate(parse(expression), data))
