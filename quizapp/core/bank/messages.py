"""Pydantic's validation errors in a teacher's words, each tied to the place it was written."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, get_args

from pydantic import BaseModel

from quizapp.core.bank import schema
from quizapp.core.bank.problems import DataPath, Issue, closest, did_you_mean, shown

QUESTION_MODELS: dict[str, type[BaseModel]] = {
    get_args(model.model_fields["type"].annotation)[0]: model
    for model in get_args(get_args(schema.Question)[0])
}

_OWNERS = {"questions": "question", "quizzes": "quiz", "cards": "card"}
_SINGULAR = {
    "choices": "choice",
    "answers": "answer",
    "answer": "answer",
    "items": "item",
    "tags": "tag",
    "pairs": "pair",
    "distractors": "distractor",
    "questions": "question",
    "quizzes": "quiz",
    "cards": "card",
}
_SLUG_PATTERN = get_args(schema.Slug)[1].pattern
_WEB_ADDRESS_PATTERN = get_args(schema.WebAddress)[1].pattern
_UNION_EXPECTED = {
    ("single", "answer"): "the text of one choice",
    ("date", "answer"): "a date like 2025-03-05, or --03-05 for a date without a year",
}
_KIND_OF_ERROR = {
    "string_type": "text",
    "list_type": "a list",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping of keys",
    "model_type": "a mapping of keys",
}


def describe_errors(errors: list[dict[str, Any]], data: Any) -> list[Issue]:
    """One issue per error, except that alternatives of a union are told as one."""
    located = [_locate(error, data) for error in errors]
    # Where an alternative says something more precise than "wrong type" (an empty item
    # of the list alternative, say), the other alternatives' "wrong type" is left out.
    explained = {
        path[:end]
        for error, path, via_union in located
        if via_union and not _mismatch(error)
        for end in range(len(path) + 1)
    }
    # A misspelt key ("promt") is told once, as an unknown key with its likely spelling;
    # the key it stands for is not told again as missing.
    misspelt = {
        (*path[:-1], match)
        for error, path, _ in located
        if error["type"] == "extra_forbidden"
        and (model := _model_at(path[:-1], data)) is not None
        and (match := closest(str(path[-1]), model.model_fields)) is not None
    }
    issues: list[Issue] = []
    mismatches: dict[DataPath, list[dict[str, Any]]] = {}
    for error, path, via_union in located:
        if error["type"] == "missing" and path in misspelt:
            continue
        if via_union and _mismatch(error):
            if path not in explained:
                mismatches.setdefault(path, []).append(error)
            continue
        issues.append(_issue(error, path, data))
    for path, union_errors in mismatches.items():
        issues.append(_union_issue(path, union_errors, data))
    return issues


def _locate(error: dict[str, Any], data: Any) -> tuple[dict[str, Any], DataPath, bool]:
    """The error's path in the data, without the question type and union labels pydantic adds."""
    loc = list(error["loc"])
    if len(loc) >= 3 and loc[0] == "questions" and loc[2] in QUESTION_MODELS:
        del loc[2]
    node, path, via_union = data, [], False
    for i, part in enumerate(loc):
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif i == len(loc) - 1 and error["type"] == "missing":
            pass
        else:
            via_union = True
            continue
        path.append(part)
    return error, tuple(path), via_union


def _mismatch(error: dict[str, Any]) -> bool:
    kind = error["type"]
    return (
        kind.endswith(("_type", "_parsing"))
        or kind.startswith("date_from_datetime")
        or kind == "int_from_float"
    )


def _item(data: Any, path: DataPath) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _owner(path: DataPath, data: Any) -> tuple[str | None, DataPath]:
    """Whom the path is about, like "question 'q7'" ("question 7" without an id), and the rest."""
    if len(path) >= 2 and path[0] in _OWNERS and isinstance(path[1], int):
        item = _item(data, path[:2])
        ident = item.get("id") if isinstance(item, dict) else None
        label = repr(ident) if isinstance(ident, str) and ident else str(path[1] + 1)
        return f"{_OWNERS[path[0]]} {label}", path[2:]
    return None, path


def _subject(rel: DataPath, in_quiz: bool = False) -> str:
    last = rel[-1]
    if isinstance(last, int):
        name = rel[-2] if len(rel) >= 2 else None
        noun = "question id" if in_quiz and name == "questions" else _SINGULAR.get(str(name))
        subject = f"{noun} {last + 1}" if noun else f"item {last + 1} of {name!r}"
        parent, joint = rel[:-2], " of "
    else:
        subject, parent, joint = repr(last), rel[:-1], " in "
    if parent:
        subject += joint + _subject(parent, in_quiz)
    return subject


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _got(value: Any, expects_text: bool = False) -> str:
    got = f"got {shown(value)}"
    if expects_text and isinstance(value, bool):
        # The teacher may have written Yes or No: say how it became true or false.
        got += " (yes, no, on, off, true and false are read as true or false unless quoted)"
    if expects_text and isinstance(value, int | float | dt.date):
        got += "; put it in quotes to use it as text"
    return got


def _question_model(data: Any, path: DataPath) -> type[BaseModel] | None:
    item = _item(data, path)
    kind = item.get("type") if isinstance(item, dict) else None
    return QUESTION_MODELS.get(kind) if isinstance(kind, str) else None


def _model_at(path: DataPath, data: Any) -> type[BaseModel] | None:
    match path:
        case ():
            return schema.Bank
        case ("source",):
            return schema.Source
        case ("questions", int()):
            return _question_model(data, path)
        case ("questions", int(), "pairs", int()):
            return schema.Pair
        case ("quizzes", int()):
            return schema.Quiz
        case ("cards", int()):
            return schema.Card
    return None


def _issue(error: dict[str, Any], path: DataPath, data: Any) -> Issue:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    owner, rel = _owner(path, data)
    about = f" ({owner})" if owner else ""
    in_quiz = path[:1] == ("quizzes",)
    subject = _subject(rel, in_quiz) if rel else (owner or "the bank")
    after = about if rel else ""

    if kind == "missing":
        where = f" in {_subject(rel[:-1], in_quiz)}" if len(rel) > 1 else ""
        return Issue(path[:-1], f"missing key {path[-1]!r}{where}{about}")
    if kind == "extra_forbidden":
        key = str(path[-1])
        model = _model_at(path[:-1], data)
        allowed = list(model.model_fields) if model else []
        hint = did_you_mean(key, allowed)
        where = f" in {_subject(rel[:-1], in_quiz)}" if len(rel) > 1 else ""
        message = f"unknown key {shown(key)}{where}{hint}{about}"
        if not hint and allowed:
            message += f"; expected one of: {', '.join(allowed)}"
        return Issue(path, message, at_key=True)
    if kind == "union_tag_invalid":
        types = ", ".join(schema.QUESTION_TYPES)
        tag = _item(data, (*path, "type"))
        if not isinstance(tag, str):
            message = f"'type' must be one of: {types}, {_got(tag)}{about}"
            return Issue((*path, "type"), message)
        hint = did_you_mean(tag, schema.QUESTION_TYPES)
        return Issue(
            (*path, "type"), f"unknown question type {shown(tag)}{hint} (one of: {types}){about}"
        )
    if kind == "union_tag_not_found":
        types = ", ".join(schema.QUESTION_TYPES)
        return Issue(path, f"missing key 'type'{about}; the type is one of: {types}")
    if kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error", error["msg"]))
        place, at_key = _validator_place(path, rel, message, data)
        return Issue(place, message + about, at_key)
    return Issue(path, f"{subject} {_requirement(kind, ctx, value, path)}{after}")


def _validator_place(
    path: DataPath, rel: DataPath, message: str, data: Any
) -> tuple[DataPath, bool]:
    """A check over a whole question points at the key it is about: the answer, the pairs."""
    if rel:
        return path, False
    item = _item(data, path)
    if isinstance(item, dict):
        if "answer" in message and "answer" in item:
            return (*path, "answer"), True
        if "-hand item" in message and "pairs" in item:
            return (*path, "pairs"), True
    return path, False


def _requirement(kind: str, ctx: dict[str, Any], value: Any, path: DataPath) -> str:
    """What the value must be, in words: "must be a number, got 'two'"."""
    if kind == "string_type":
        return "must not be empty" if value is None else f"must be text, {_got(value, True)}"
    if kind == "string_too_short":
        minimum = ctx.get("min_length", 1)
        if minimum == 1:
            return "must not be empty"
        return f"must have at least {minimum} characters"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "too many"
        return f"is too long ({length} characters; at most {ctx.get('max_length')})"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == _SLUG_PATTERN:
            return (
                "must be lowercase letters, digits, '-' and '_' (like 'q7' or 'key-facts'),"
                f" {_got(value)}"
            )
        if path == ("language",):
            return f"must be a language code like 'en' or 'pt-BR', {_got(value)}"
        if pattern == _WEB_ADDRESS_PATTERN:
            return f"must be a web address starting with https:// or http://, {_got(value)}"
        return f"must match the pattern {pattern}, {_got(value)}"
    if kind == "too_short":
        minimum = ctx.get("min_length")
        noun = "item" if minimum == 1 else "items"
        return f"needs at least {minimum} {noun}, got {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"can have at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(value, allowed) if isinstance(value, str) else ""
        return f"must be one of: {', '.join(allowed)}, {_got(value)}{hint}"
    if kind == "finite_number":
        return f"must be a finite number, {_got(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number, {_got(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, {_got(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, {_got(value)}"
    if kind == "list_type":
        return f"must be a list, {_got(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of keys, {_got(value)}"
    if kind.startswith("date"):
        return f"must be a date like 2025-03-05, {_got(value)}"
    if kind == "greater_than":
        return f"must be more than {_number(ctx.get('gt'))}, {_got(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {_number(ctx.get('ge'))}, {_got(value)}"
    if kind == "less_than":
        return f"must be less than {_number(ctx.get('lt'))}, {_got(value)}"
    if kind == "less_than_equal":
        return f"must be at most {_number(ctx.get('le'))}, {_got(value)}"
    return f"is not valid: {ctx.get('error') or kind.replace('_', ' ')}"


def _union_issue(path: DataPath, errors: list[dict[str, Any]], data: Any) -> Issue:
    """A value that fits none of a union's alternatives: say what it may be, once."""
    value = errors[0].get("input")
    owner, rel = _owner(path, data)
    subject = _subject(rel) if rel else (owner or "the bank")
    question = _item(data, path[:2]) if owner and path[0] == "questions" else None
    qtype = question.get("type") if isinstance(question, dict) else None
    expected = _UNION_EXPECTED.get((qtype, rel[-1] if rel else None))
    if expected is None:
        kinds = dict.fromkeys(_KIND_OF_ERROR.get(e["type"], "a date") for e in errors)
        expected = " or ".join(kinds)
    about = f" ({owner})" if owner and rel else ""
    got = _got(value, expects_text="text" in expected)
    return Issue(path, f"{subject} must be {expected}, {got}{about}")
