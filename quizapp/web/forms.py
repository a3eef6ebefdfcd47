"""Forms shared by several pages, and the range of the integers they send."""

from typing import Any

from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter, Map
from wtforms import SelectMultipleField
from wtforms.validators import NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

MAX_INTEGER = 2**31 - 1
"""The largest value an integer column holds (a 32-bit INTEGER on PostgreSQL): a larger id
or count sent is not one."""

STORABLE = NumberRange(min=0, max=MAX_INTEGER)
"""For an IntegerField that carries an id or a revision."""

MAX_MOMENT_MS = 2**63 - 1
"""A moment in milliseconds since 1970 (when a card was shown) is past 2**31, and is
never stored as such: only the time between two of them is."""

MOMENT_MS = NumberRange(min=0, max=MAX_MOMENT_MS)
"""For an IntegerField that carries a moment in milliseconds."""


def stripped(value: str | None) -> str | None:
    """A field filter: a name of spaces is no name, and the spaces around one are no part
    of it. Pair it with DataRequired, which then refuses what was only spaces."""
    return value.strip() if isinstance(value, str) else value


def _within(text: str, highest: int) -> int:
    value = int(text)
    if not 0 <= value <= highest:
        raise ValueError(text)
    return value


def storable_integer(text: str) -> int:
    """For `request.args.get(name, type=storable_integer)`: one that is out of range is
    ignored, as one that is not a number is."""
    return _within(text, MAX_INTEGER)


def moment_ms(text: str) -> int:
    """As `storable_integer`, for a moment in milliseconds."""
    return _within(text, MAX_MOMENT_MS)


class CheckboxesField(SelectMultipleField):
    """A choice of any number of options, drawn as a list of checkboxes (`form_field`)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StorableIntegerConverter(IntegerConverter):
    """`<int:…>` in routes: a number too large for an id is a page not found."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


class ActionForm(FlaskForm):
    """A form that carries nothing but its CSRF token: a button that changes something."""
