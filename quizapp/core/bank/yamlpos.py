"""Reading a bank's YAML into plain data, safely, and finding where each value was written.

The text is read event by event from libyaml's parser, which never recurses, so
no nesting can overflow the C stack (PyYAML's composer can), and the values are
built here rather than by PyYAML's constructor:

- only plain data comes out: text, numbers, booleans, null, dates, lists and
  mappings, resolved as `yaml.safe_load` resolves them; other tags are refused;
- anchors and aliases are refused, never expanded, so a "billion laughs" file
  costs nothing;
- duplicate keys and keys that are not text are reported, with their lines.

Positions are not kept while reading, since a valid bank never needs them.
When there is something to report, `Positions` reads the events once more and
indexes every key and value by its path (the keys and list indices leading to
it, as in a pydantic error's `loc`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from quizapp.core.bank.problems import DataPath, Problem, line_col, shown

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 32
"""A bank is about five levels deep; anything far deeper is not a bank."""

ANCHORS_NOT_ALLOWED = "anchors and aliases (&, *) are not allowed in a bank"

_TAG = "tag:yaml.org,2002:"
_constructor = SafeConstructor()
_NO_KEY = object()
_SKIP = object()
_NO_DOCUMENT = object()


_DECIMAL = re.compile(r"[-+]?[0-9][0-9_]*")


def _int(value: str) -> int:
    if _DECIMAL.fullmatch(value):
        return int(value.replace("_", ""))
    return _constructor.construct_yaml_int(ScalarNode(_TAG + "int", value))


def _float(value: str) -> float:
    return _constructor.construct_yaml_float(ScalarNode(_TAG + "float", value))


def _bool(value: str) -> bool:
    return _constructor.bool_values[value.lower()]


def _null(value: str) -> None:
    return None


def _timestamp(value: str) -> Any:
    return _constructor.construct_yaml_timestamp(ScalarNode(_TAG + "timestamp", value))


def _str(value: str) -> str:
    return value


_BUILDERS = {
    _TAG + "str": _str,
    _TAG + "int": _int,
    _TAG + "float": _float,
    _TAG + "bool": _bool,
    _TAG + "null": _null,
    _TAG + "timestamp": _timestamp,
}
_KINDS = {
    _int: "a number",
    _float: "a number",
    _bool: "true/false",
    _null: "null",
    _timestamp: "a date",
}

# Plain scalars resolve as in yaml.safe_load: by their first character, then a regular
# expression. Tags the safe constructor would not build ('merge', 'value') stay text.
_RESOLVERS: dict[str, list[tuple[re.Pattern[str], Any]]] = {
    first: [(regexp, _BUILDERS.get(tag, _str)) for tag, regexp in resolvers]
    for first, resolvers in Loader.yaml_implicit_resolvers.items()
    if first is not None
}


def _plain(value: str) -> Any:
    """A plain scalar's value; raises ValueError for one that looks typed but is not valid."""
    if _DECIMAL.fullmatch(value):
        # Leading zeros are decimal, as in YAML 1.2 and as a teacher means them: 010 is 10,
        # not YAML 1.1's octal 8, and 08 is 8, not text.
        return int(value.replace("_", ""))
    for regexp, build in _RESOLVERS.get(value[:1], ()):
        if regexp.match(value):
            if ":" in value and build in (_int, _float):
                # A time such as 10:30 stays text, as in YAML 1.2: YAML 1.1 reads it in
                # base 60, as the number 630.
                return value
            try:
                return build(value)
            except Exception:
                if build is _timestamp:
                    raise ValueError(
                        f"{shown(value)} is not a real date: correct it, or put it in quotes"
                        " if it is meant as text"
                    ) from None
                kind = _KINDS.get(build, "value")
                raise ValueError(
                    f"{shown(value)} is not a valid {kind.removeprefix('a ')};"
                    " put it in quotes if it is meant as text"
                ) from None
    return value


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _tag_not_allowed(tag: str) -> str:
    return f"the YAML tag {_tag_name(tag)!r} is not allowed in a bank"


def _scalar(event: ScalarEvent) -> Any:
    """The value of a scalar; raises ValueError for one that cannot be built."""
    value = event.value
    if event.implicit[0]:
        return _plain(value)
    tag = event.tag
    if tag is None or tag == "!":
        return value
    build = _BUILDERS.get(tag)
    if build is None:
        raise ValueError(_tag_not_allowed(tag))
    try:
        return build(value)
    except Exception:
        raise ValueError(f"{shown(value)} is not a valid {_tag_name(tag)}") from None


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _key_problem(key: Any, written: str | None) -> str:
    if key == "<<" and written == "<<":
        return "merge keys (<<) are not allowed in a bank"
    if written is None:
        return f"a key must be text, not {shown(key)}"
    if isinstance(key, bool):
        kind = "true/false"
    elif isinstance(key, int | float):
        kind = "a number"
    elif key is None:
        kind = "null (no key)"
    else:
        kind = "a date"
    return f"the key {written!r} is read as {kind}; keys must be text, so put it in quotes"


def read_yaml(text: str, filename: str) -> tuple[Any, list[Problem], Positions]:
    """Plain data from YAML text, the problems found, and the positions for reporting more.

    The data is None when the text is not YAML (the syntax error is the problem),
    is empty, uses anchors, or nests too deeply. Duplicate keys keep their first value.
    """
    positions = Positions(text)
    problems: list[Problem] = []

    def report(mark: Any, message: str) -> None:
        line, col = _pos(mark)
        problems.append(Problem(filename, line, col, message))

    parser = Loader(text)
    try:
        data, duplicates, anchors = _construct(parser, report)
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, filename, text)], positions
    except yaml.YAMLError as error:
        return None, [_reader_problem(error, text, filename)], positions
    finally:
        parser.dispose()

    for path, key, mark in duplicates:
        first_line, _ = positions.find((*path, key), at_key=True)
        report(mark, f"duplicate key {key!r} (first on line {first_line})")
    if anchors:
        more = f" ({len(anchors) - 1} more)" if len(anchors) > 1 else ""
        report(anchors[0], ANCHORS_NOT_ALLOWED + more)
        data = None
    if data is _NO_DOCUMENT:
        report(None, "the file is empty")
        data = None
    problems.sort(key=lambda p: (p.line, p.col))
    return data, problems, positions


def _construct(parser: Any, report: Any) -> tuple[Any, list, list]:
    """Build the data from the parser's events; this loop is the hot path of validation."""
    get_event = parser.get_event
    resolvers = _RESOLVERS
    duplicates: list[tuple[DataPath, str, Any]] = []
    anchors: list[Any] = []
    stack: list[tuple[Any, bool, Any, Any]] = []
    documents: list[Any] = []
    container: Any = documents
    is_map = False
    key: Any = _NO_KEY
    while True:
        event = get_event()
        cls = event.__class__
        if cls is ScalarEvent:
            value = event.value
            if event.implicit[0]:
                if value[:1] in resolvers:
                    try:
                        value = _plain(value)
                    except ValueError as error:
                        report(event.start_mark, str(error))
            elif event.tag is not None and event.tag != "!":
                try:
                    value = _scalar(event)
                except ValueError as error:
                    report(event.start_mark, str(error))
            elif "\x00" in value:  # written "\0" in double quotes: no text stores it
                report(event.start_mark, "a text holds the NUL character (\\0): delete it")
            if event.anchor is not None:
                anchors.append(event.start_mark)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            if event.anchor is not None:
                anchors.append(event.start_mark)
            if not event.implicit and event.tag not in (None, "!", _TAG + "map", _TAG + "seq"):
                report(event.start_mark, _tag_not_allowed(event.tag))
            stack.append((container, is_map, key, event.start_mark))
            if len(stack) > MAX_DEPTH:
                report(event.start_mark, f"the YAML is nested more than {MAX_DEPTH} levels deep")
                return None, duplicates, anchors
            if cls is MappingStartEvent:
                container, is_map = {}, True
            else:
                container, is_map = [], False
            key = _NO_KEY
            continue
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            value = container
            container, is_map, key, start_mark = stack.pop()
        elif cls is AliasEvent:
            anchors.append(event.start_mark)
            value = None
        elif cls is StreamEndEvent:
            break
        elif cls is DocumentStartEvent:
            if documents:
                report(
                    event.start_mark, "a bank file holds one YAML document; a second starts here"
                )
                break
            continue
        else:
            continue

        if is_map:
            if key is _NO_KEY:
                if (
                    value.__class__ is str
                    and value not in container
                    and (value != "<<" or not event.implicit[0])
                ):
                    key = value
                else:
                    mark = start_mark if isinstance(value, list | dict) else event.start_mark
                    if value.__class__ is str and value in container:
                        duplicates.append((_path_of(stack), value, mark))
                    else:
                        written = event.value if cls is ScalarEvent else None
                        report(mark, _key_problem(value, written))
                    key = _SKIP
            else:
                if key is not _SKIP:
                    container[key] = value
                key = _NO_KEY
        else:
            container.append(value)
    return (documents[0] if documents else _NO_DOCUMENT), duplicates, anchors


def _path_of(stack: list[tuple[Any, bool, Any, Any]]) -> DataPath:
    """The path of the collection being built: each frame holds its parent and its key there."""
    return tuple(key if is_map else len(parent) for parent, is_map, key, _ in stack[1:])


_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SYNTAX_HINTS = {
    "cannot start any token": "indent with spaces, not tabs; quote text that starts with @ or `",
    "mapping values are not allowed": (
        "put text that contains ': ' in quotes, or check this line's indentation"
    ),
    "did not find expected key": (
        "look at the lines above too: a quote left open, or a line indented unlike its neighbours"
    ),
}


@dataclass(frozen=True)
class _Explained:
    """A syntax error the parser words for its own makers, as a teacher should read it."""

    context: str
    problem: str
    message: str
    at_start: bool
    """Whether to point at the start of what was being read (an opening quote, a key) rather
    than where the parser gave up, which may be many lines further on."""


_BACKSLASH_HINT = (
    "inside double quotes a backslash starts an escape (\\n, \\t): write \\\\ for a"
    " backslash, or use single quotes"
)
_EXPLAINED = (
    _Explained(
        "",
        "found a tab character",
        "a tab cannot indent YAML: indent with spaces",
        at_start=False,
    ),
    # libyaml 0.2.6 and later stop deep flow nesting themselves, at 1000 levels, when their
    # scanner reads ahead of the events that `_construct` counts.
    _Explained(
        "",
        "exceeded maximum nesting depth",
        f"the YAML is nested more than {MAX_DEPTH} levels deep",
        at_start=False,
    ),
    _Explained(
        "quoted scalar",
        "end of stream",
        "this quoted text is never closed: end it with the quote mark it starts with",
        at_start=True,
    ),
    _Explained(
        "simple key",
        "could not find expected ':'",
        "this line is not 'key: value': is the ':' after the key missing, or the space after it?",
        at_start=True,
    ),
    _Explained(
        "alias",
        "",
        "text that starts with * or & must be in quotes, Markdown bold too:"
        ' prompt: "**Which** day?"',
        at_start=False,
    ),
    _Explained(
        "quoted scalar",
        "escape",
        _BACKSLASH_HINT,
        at_start=False,
    ),
    _Explained(
        "quoted scalar",
        "hexdecimal",
        _BACKSLASH_HINT,
        at_start=False,
    ),
)


# A value that opens a quote it does not close on its line: `key: "text` or `- 'text`.
_OPEN_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[\w-]+:\s+)?(["'])""")


def _quote_left_open(text: str, first_line: int, last_line: int) -> tuple[int, int] | None:
    """The line and column of the first quote opened and not closed on its line, between two
    lines (1-based): the likely cause of an error the parser finds only further on."""
    lines = text.splitlines()
    for number in range(max(first_line, 1), min(last_line, len(lines)) + 1):
        line = lines[number - 1]
        opening = _OPEN_QUOTE.match(line)
        if opening is None:
            continue
        quote, start = opening.group(1), opening.end()
        rest = line[start:]
        closed = rest.replace("''", "") if quote == "'" else re.sub(r"\\.", "", rest)
        if quote not in closed:
            return number, start
    return None


def _syntax_problem(error: yaml.MarkedYAMLError, filename: str, text: str = "") -> Problem:
    context, problem = error.context or "", error.problem or ""
    if error.problem_mark is not None:
        odd = _odd_indent(text, error.problem_mark.line + 1)
        if odd is not None:
            return Problem(filename, *odd)
    if "expected key" in problem and error.context_mark and error.problem_mark:
        # A quote left open reads on to the next quote mark, lines further on, where the
        # parser gives up: point at the quote.
        found = _quote_left_open(text, error.context_mark.line + 1, error.problem_mark.line + 1)
        if found is not None:
            line, col = found
            return Problem(
                filename,
                line,
                col,
                "this quoted text is not closed on its line, so YAML reads on to the next"
                f" quote mark and gives up on line {error.problem_mark.line + 1}: end it with"
                " the quote mark it starts with",
            )
    for explained in _EXPLAINED:
        if explained.context in context and explained.problem in problem:
            use_start = explained.at_start and error.context_mark is not None
            line, col = _pos(error.context_mark if use_start else error.problem_mark)
            return Problem(filename, line, col, explained.message)
    mark = error.problem_mark or error.context_mark
    line, col = _pos(mark)
    message = error.problem or error.context or "this is not valid YAML"
    if error.problem and error.context:
        context_mark = error.context_mark
        where = ""
        if context_mark is not None and context_mark.line + 1 != line:
            where = f" on line {context_mark.line + 1}"
        message += f" ({error.context}{where})"
    if "cannot start any token" in message and mark is not None:
        message = _unstartable(text, mark) or message
    for phrase, hint in _SYNTAX_HINTS.items():
        if phrase in message:
            message += f"; {hint}"
            break
    return Problem(filename, line, col, message)


_ODD_SPACE = re.compile(r"^[ \t]*([^\S\t\n\r\f\v ])")
"""A line's indentation holding a space YAML does not count as one (Unicode's others)."""
_ODD_SPACE_NAMES = {"\u00a0": "a non-breaking space", "\u3000": "a wide space"}


def _odd_indent(text: str, error_line: int) -> tuple[int, int, str] | None:
    """Where a line just before the error (or on it) is indented with a space character
    other than the ordinary one, as text pasted from a word processor or a web page is, and
    what to say: YAML reads it as text, not as indentation, and gives up further on."""
    lines = text.split("\n")
    for number in range(max(error_line - 3, 1), min(error_line, len(lines)) + 1):
        found = _ODD_SPACE.match(lines[number - 1])
        if found is not None:
            char = found.group(1)
            name = _ODD_SPACE_NAMES.get(char, "an unusual space")
            return (
                number,
                found.start(1) + 1,
                f"this line is indented with {name} (U+{ord(char):04X}), which YAML does not"
                " count as indentation (it comes with text pasted from a word processor or a"
                " web page): indent with ordinary spaces",
            )
    return None


def _unstartable(text: str, mark: yaml.Mark) -> str | None:
    """The message for a character YAML keeps for itself, named."""
    lines = text.split("\n")
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return None
    char = lines[mark.line][mark.column]
    if char == "\t":
        return "a tab cannot indent YAML: indent with spaces"
    return f"YAML cannot start a value with {char}: put the text in quotes, as in '{char}…'"


def _reader_problem(error: yaml.YAMLError, text: str, filename: str) -> Problem:
    match = _NON_PRINTABLE.search(text)
    if match is None:
        return Problem(filename, 1, 1, f"this is not valid YAML: {error}")
    line, col = line_col(text, match.start())
    code = ord(match.group())
    return Problem(filename, line, col, f"special character U+{code:04X} is not allowed in YAML")


class Positions:
    """Where each key and value of a YAML text was written, by path; indexed on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._index: dict[DataPath, tuple[tuple[int, int], tuple[int, int]]] | None = None

    def find(self, path: DataPath, at_key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or key) at `path`, else of its closest ancestor."""
        if self._index is None:
            self._index = self._build()
        path = tuple(path)
        while path and path not in self._index:
            path, at_key = path[:-1], False
        entry = self._index.get(path)
        if entry is None:
            return (1, 1)
        return entry[0] if at_key else entry[1]

    def _build(self) -> dict[DataPath, tuple[tuple[int, int], tuple[int, int]]]:
        index: dict[DataPath, tuple[tuple[int, int], tuple[int, int]]] = {}
        parser = Loader(self._text)
        try:
            _index_events(parser.get_event, index)
        except yaml.YAMLError:
            pass
        finally:
            parser.dispose()
        return index


def _index_events(get_event: Any, index: dict) -> None:
    # An open collection: [path (None inside keys), is a mapping, pending key, key position, items]
    stack: list[list[Any]] = []
    documents = 0
    while True:
        event = get_event()
        cls = event.__class__
        if cls is StreamEndEvent:
            return
        if cls is DocumentStartEvent:
            documents += 1
            if documents > 1:
                return
            continue
        if cls is MappingEndEvent or cls is SequenceEndEvent:
            stack.pop()
            continue
        if cls not in (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent):
            continue
        pos = _pos(event.start_mark)
        is_collection = cls is MappingStartEvent or cls is SequenceStartEvent
        path: DataPath | None
        key_pos = pos
        if not stack:
            path = ()
        else:
            frame = stack[-1]
            parent = frame[0]
            if frame[1]:
                if frame[2] is _NO_KEY:
                    frame[2], frame[3] = _SKIP, pos
                    if cls is ScalarEvent and parent is not None:
                        try:
                            key = _scalar(event)
                        except ValueError:
                            key = None
                        if isinstance(key, str):
                            frame[2] = key
                    if is_collection:
                        stack.append([None, cls is MappingStartEvent, _NO_KEY, None, 0])
                    continue
                key, key_pos = frame[2], frame[3]
                frame[2] = _NO_KEY
                path = None if parent is None or key is _SKIP else (*parent, key)
            else:
                path = None if parent is None else (*parent, frame[4])
                frame[4] += 1
        if path is not None and path not in index:
            index[path] = (key_pos, pos)
        if is_collection:
            if len(stack) >= MAX_DEPTH:
                return
            stack.append([path, cls is MappingStartEvent, _NO_KEY, None, 0])
