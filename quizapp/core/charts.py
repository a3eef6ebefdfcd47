"""Small server-side SVG charts for the statistics pages.

Each chart is one `<svg>` string with a fixed viewBox and `width="100%"`, so it
shrinks to fit a phone. It is announced as one image (`role="img"`) named by its
`<title>`, and its `<desc>` lists every value so a screen reader hears the data the
picture shows. Every piece of text is escaped, so the result can be marked safe in a
template. There is no script and no external style.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from html import escape

WIDTH = 400
BACKGROUND = "#ffffff"
BAR_COLOR = "#1f5f99"  # contrast 6.7:1 on white
TEXT_COLOR = "#1a1a1a"  # contrast 17.4:1 on white
AXIS_COLOR = "#595959"  # contrast 7.0:1 on white
FONT_SIZE = 16
"""Of every text, in viewBox units: a chart shrinks to about 290 px on a 360 px phone, where
this is 11.5 px; at 12 or 13 units labels were under 10 px there."""
LABEL_CHARS = 40  # a longer bar label is cut short on the picture, and given whole in <desc>
FONT = 'font-family="system-ui, sans-serif"'


def _number(value: float) -> str:
    return format(round(value, 1), "g")


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _open_svg(title: str, desc: str, height: float) -> list[str]:
    key = hashlib.blake2s(f"{title}\x00{desc}".encode(), digest_size=4).hexdigest()
    title_id, desc_id = f"chart-{key}-title", f"chart-{key}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_number(height)}" '
        f'width="100%" role="img" aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
        f"{FONT}>",
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{_number(height)}" fill="{BACKGROUND}"/>',
    ]


def bar_chart_svg(
    rows: Sequence[tuple[str, float | None]],
    max_value: float,
    title: str,
    value_format: str = "{:g}",
) -> str:
    """Horizontal bars, one row per label, such as the facility of each question.

    Each row shows its label above a bar whose length is `value / max_value`, and the
    value, written with `value_format` (for example "{:.0%}"), after the bar. Values are
    drawn between 0 and `max_value`; the written value is the real one. A row whose value
    is None shows "no data" and no bar.
    """
    if max_value <= 0:
        raise ValueError(f"max_value must be positive, not {max_value}")
    row_height, top, left, value_room = 44, 8, 8, 56
    bar_room = WIDTH - left - value_room
    height = top * 2 + row_height * max(len(rows), 1)

    written = [value_format.format(value) if value is not None else "no data" for _, value in rows]
    desc = "; ".join(f"{label}: {text}" for (label, _), text in zip(rows, written, strict=True))
    parts = _open_svg(title, desc or "No data.", height)
    for index, ((label, value), text) in enumerate(zip(rows, written, strict=True)):
        y = top + index * row_height
        parts.append(
            f'<text x="{left}" y="{y + 15}" font-size="{FONT_SIZE}" fill="{TEXT_COLOR}">'
            f"{escape(_shorten(label))}</text>"
        )
        length = 0.0
        if value is not None:
            length = bar_room * min(max(value, 0.0), max_value) / max_value
            parts.append(
                f'<rect x="{left}" y="{y + 22}" width="{_number(length)}" height="16" '
                f'fill="{BAR_COLOR}"/>'
            )
        parts.append(
            f'<text x="{_number(left + length + 6)}" y="{y + 36}" font-size="{FONT_SIZE}" '
            f'fill="{TEXT_COLOR}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _label_lines(label: str) -> list[str]:
    first, dash, second = label.partition("–")
    if dash and second:
        return [first + dash, second]
    first, space, second = label.partition(" ")
    return [first, second] if space and second else [label]


def _fitted(line: str, room: float) -> str:
    """The attributes that squeeze a line of text into `room` units, if it looks wider: about
    0.56 of the font size per character in a sans-serif font."""
    if len(line) * FONT_SIZE * 0.56 <= room:
        return ""
    return f' textLength="{_number(room)}" lengthAdjust="spacingAndGlyphs"'


def histogram_svg(bins: Sequence[tuple[str, int]], title: str) -> str:
    """Vertical bars, one per band, such as how many learners scored 0–10%, 10–20%, ...

    Each bar has its count above it and its band's label below it. A label with a dash
    is written on two lines ("90–" above "100%"), and one with a space at it ("Sat" above
    "28"), so that ten bands stay readable on a phone; a line still wider than its column
    ("Tomorrow" among seven days) is squeezed into it rather than overlap the next.
    """
    height, top, bottom, side = 228, 24, 44, 8
    plot_height = height - top - bottom
    baseline = height - bottom
    column = (WIDTH - 2 * side) / max(len(bins), 1)
    highest = max((count for _, count in bins), default=0)

    desc = "; ".join(f"{label}: {count}" for label, count in bins)
    parts = _open_svg(title, desc or "No data.", height)
    for index, (label, count) in enumerate(bins):
        x = side + index * column
        middle = x + column / 2
        bar_height = plot_height * count / highest if highest else 0.0
        parts.append(
            f'<rect x="{_number(x + column * 0.1)}" y="{_number(baseline - bar_height)}" '
            f'width="{_number(column * 0.8)}" height="{_number(bar_height)}" fill="{BAR_COLOR}"/>'
        )
        parts.append(
            f'<text x="{_number(middle)}" y="{_number(baseline - bar_height - 5)}" '
            f'font-size="{FONT_SIZE}" text-anchor="middle" fill="{TEXT_COLOR}">{count}</text>'
        )
        tspans = "".join(
            f'<tspan x="{_number(middle)}" dy="{0 if n == 0 else 17}"'
            f"{_fitted(line, column * 0.92)}>{escape(line)}</tspan>"
            for n, line in enumerate(_label_lines(label))
        )
        parts.append(
            f'<text y="{baseline + 17}" font-size="{FONT_SIZE}" text-anchor="middle" '
            f'fill="{TEXT_COLOR}">{tspans}</text>'
        )
    parts.append(
        f'<line x1="{side}" y1="{baseline}" x2="{WIDTH - side}" y2="{baseline}" '
        f'stroke="{AXIS_COLOR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
