import xml.etree.ElementTree as ET

import pytest

from quizapp.core.charts import bar_chart_svg, histogram_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>'


def parse(svg):
    """Parse as XML: this fails if any text was left unescaped."""
    return ET.fromstring(svg)


def texts(root):
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def bars(root):
    # The first rect is the white background.
    return root.findall(f"{SVG}rect")[1:]


# Bar chart


def test_bar_chart_is_an_accessible_image():
    svg = bar_chart_svg([("q1", 0.75), ("q2", 0.5)], 1.0, "Facility by question", "{:.0%}")
    root = parse(svg)

    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 400 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Facility by question"
    assert desc.text == "q1: 75%; q2: 50%"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert texts(root) == ["q1", "75%", "q2", "50%"]


def test_bar_length_is_proportional_to_the_value():
    # The bars have 336 units of room: 0.5 of a maximum of 1 draws 168.
    root = parse(bar_chart_svg([("half", 0.5), ("all", 1.0), ("over", 3.0)], 1.0, "t"))
    assert [rect.get("width") for rect in bars(root)] == ["168", "336", "336"]
    # The written value is the real one even when the bar is capped.
    assert texts(root)[-1] == "3"


def test_bar_chart_row_without_data():
    root = parse(bar_chart_svg([("new", None)], 1.0, "t", "{:.0%}"))
    assert bars(root) == []
    assert texts(root) == ["new", "no data"]
    assert root.find(f"{SVG}desc").text == "new: no data"


def test_bar_chart_escapes_hostile_text():
    svg = bar_chart_svg([(HOSTILE, 0.4)], 1.0, f"Q & A {HOSTILE}", "{:.0%}")

    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == f"Q & A {HOSTILE}"
    assert texts(root)[0] == HOSTILE
    assert HOSTILE in root.find(f"{SVG}desc").text


def test_bar_chart_shortens_long_labels_on_the_picture_only():
    label = "a-very-long-question-identifier-" * 3
    root = parse(bar_chart_svg([(label, 1.0)], 1.0, "t"))
    shown = texts(root)[0]
    assert len(shown) == 40 and shown.endswith("…")
    assert label in root.find(f"{SVG}desc").text


def test_bar_chart_height_grows_with_rows_but_width_is_fixed():
    one = parse(bar_chart_svg([("a", 1.0)], 1.0, "t")).get("viewBox").split()
    three = parse(bar_chart_svg([("a", 1.0)] * 3, 1.0, "t")).get("viewBox").split()
    assert one[2] == three[2] == "400"
    assert float(three[3]) > float(one[3])


def test_every_text_is_large_enough_to_read_on_a_phone():
    """A chart shrinks to about 290 px of its 400 units on a 360 px phone: 16 units are
    11.5 px there. The labels were 12 and 13 units, under 10 px."""
    for svg in (
        bar_chart_svg([("a question", 0.5)], 1.0, "t", "{:.0%}"),
        histogram_svg(DISTRIBUTION, "t"),
    ):
        sizes = {float(node.get("font-size")) for node in parse(svg).iter(f"{SVG}text")}
        assert min(sizes) * 290 / 400 >= 11, sizes


def test_bar_chart_needs_a_positive_maximum():
    with pytest.raises(ValueError):
        bar_chart_svg([("a", 1.0)], 0, "t")


# Histogram


DISTRIBUTION = [
    ("0–10%", 0),
    ("10–20%", 1),
    ("20–30%", 0),
    ("30–40%", 2),
    ("40–50%", 4),
    ("50–60%", 3),
    ("60–70%", 0),
    ("70–80%", 2),
    ("80–90%", 1),
    ("90–100%", 1),
]


def test_histogram_is_an_accessible_image():
    root = parse(histogram_svg(DISTRIBUTION, "Score distribution"))
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox") == "0 0 400 228"
    assert root.find(f"{SVG}title").text == "Score distribution"
    assert root.find(f"{SVG}desc").text.startswith("0–10%: 0; 10–20%: 1; 20–30%: 0")


def test_histogram_bars_scale_to_the_tallest():
    root = parse(histogram_svg(DISTRIBUTION, "t"))
    heights = [float(rect.get("height")) for rect in bars(root)]
    # The plot is 160 units tall and the tallest band has 4.
    assert heights == [0, 40, 0, 80, 160, 120, 0, 80, 40, 40]


def test_histogram_labels_counts_and_bands():
    root = parse(histogram_svg(DISTRIBUTION, "t"))
    shown = texts(root)
    assert shown[:2] == ["0", "0–10%"]
    assert shown[-2:] == ["1", "90–100%"]
    # Band labels break after the dash, onto two lines.
    last_label = root.findall(f"{SVG}text")[-1]
    assert [span.text for span in last_label] == ["90–", "100%"]


def test_histogram_day_labels_fit_their_columns():
    """Seven days' labels ran into one another on a phone ("TodayTomorrowSat 28")."""
    days = [("Today", 3), ("Tomorrow", 1), ("Sat 28", 0), ("Sun 29", 2)] + [("Mon 30", 0)] * 3
    root = parse(histogram_svg(days, "Reviews due"))
    labels = root.findall(f"{SVG}text")[1::2]
    assert [span.text for span in labels[2]] == ["Sat", "28"]
    column = (400 - 16) / 7
    tomorrow = labels[1][0]
    assert tomorrow.text == "Tomorrow" and float(tomorrow.get("textLength")) < column
    assert labels[0][0].get("textLength") is None  # "Today" fits as it is


def test_histogram_with_no_scores():
    root = parse(histogram_svg([("0–50%", 0), ("50–100%", 0)], "Nobody yet"))
    assert [float(rect.get("height")) for rect in bars(root)] == [0, 0]


def test_histogram_escapes_hostile_text():
    svg = histogram_svg([(HOSTILE, 3)], HOSTILE)
    assert "<script" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert HOSTILE in texts(root)


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart_svg([("a", 0.5)], 1.0, "t"),
        histogram_svg([("0–100%", 1)], "t"),
    ],
)
def test_charts_carry_no_script(svg):
    assert "<script" not in svg
    assert " on" not in svg.lower().replace(" one", "")
    assert "javascript:" not in svg.lower()
