"""The console's SVG charts (``console.charts``): well-formed, escaped, proportional, localised."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from babel.numbers import format_decimal

from gangway.console.charts import Series, bar_chart, histogram, nice_ticks, week_label
from gangway.hosted.i18n import babel_locale

SVG = "{http://www.w3.org/2000/svg}"


def _number(locale: str = "en-US"):  # type: ignore[no-untyped-def]
    return lambda value: format_decimal(value, locale=babel_locale(locale))


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def _bars(root: ET.Element) -> list[tuple[str, float, float]]:
    """``(series class, height, value)`` of every bar drawn."""
    found = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "bar":
            continue
        rect = group.find(f"{SVG}rect")
        assert rect is not None
        found.append(
            (
                rect.get("class", ""),
                float(rect.get("height", "0")),
                float(group.get("data-value", "0")),
            )
        )
    return found


def _chart(**changes: object) -> str:
    args: dict[str, object] = {
        "chart_id": "funnel",
        "title": "Onboarding funnel",
        "desc": "Accounts per week",
        "categories": ["Mar 2", "Mar 9", "Mar 16"],
        "series": [Series("Created", [10, 4, 0]), Series("Opened", [5, 2, 1])],
        "number": _number(),
        "no_data": "No data yet",
    }
    args.update(changes)
    return str(bar_chart(**args))  # type: ignore[arg-type]


def test_a_chart_is_well_formed_xml_labelled_by_its_title_and_description() -> None:
    root = _parse(_chart())
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    assert svg.get("role") == "img"
    assert svg.get("viewBox") == "0 0 480 260"
    assert svg.get("aria-labelledby") == "funnel-title funnel-desc"
    assert svg.findtext(f"{SVG}title") == "Onboarding funnel"
    assert svg.findtext(f"{SVG}desc") == "Accounts per week"
    assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class", "").startswith("x")] == [
        "Mar 2",
        "Mar 9",
        "Mar 16",
    ]
    legend = [li.text or "".join(li.itertext()) for li in root.iter("li")]
    assert legend == ["Created", "Opened"]


def test_labels_are_escaped_never_markup() -> None:
    text = _chart(
        title="<script>alert(1)</script>",
        categories=["A & B", "<b>", 'x"y'],
        series=[Series("<script>x</script> & co", [1, 2, 3])],
    )
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text and "A &amp; B" in text
    root = _parse(text)  # still well-formed XML
    assert root.find(f"{SVG}svg/{SVG}title").text == "<script>alert(1)</script>"  # type: ignore[union-attr]
    assert any(li.itertext() and "& co" in "".join(li.itertext()) for li in root.iter("li"))


def test_bar_heights_are_proportional_to_the_values() -> None:
    bars = _bars(_parse(_chart()))
    assert sorted(v for _, _, v in bars) == [1, 2, 4, 5, 10]
    per_unit = {round(h / v, 6) for _, h, v in bars}
    assert len(per_unit) == 1  # one scale for every bar
    assert {c for c, _, _ in bars} == {"s0", "s1"}
    # a zero draws no bar at all
    assert len(bars) == 5


def test_stacked_bars_share_the_scale_and_sit_on_top_of_each_other() -> None:
    root = _parse(
        _chart(
            stacked=True, series=[Series("a", [3, 1]), Series("b", [1, 0])], categories=["x", "y"]
        )
    )
    rects = [g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]
    first, second = rects[0], rects[1]
    assert first is not None and second is not None
    assert float(first.get("height", 0)) == 3 * float(second.get("height", 0))
    # the second segment ends where the first begins
    assert float(second.get("y", 0)) + float(second.get("height", 0)) == float(first.get("y", 0))


def test_an_empty_dataset_says_so() -> None:
    for text in (
        _chart(series=[Series("Created", [0, 0, 0])]),
        _chart(categories=[], series=[]),
        str(
            histogram(
                chart_id="h",
                title="t",
                desc="d",
                buckets=["<50"],
                counts=[0],
                label="Attempts",
                number=_number(),
                no_data="No data yet",
            )
        ),
    ):
        root = _parse(text)
        assert _bars(root) == []
        assert [t.text for t in root.iter(f"{SVG}text")] == ["No data yet"]


def test_numbers_follow_the_locale() -> None:
    series = [Series("Created", [1234, 20, 0])]
    us = _parse(_chart(series=series, number=_number("en-US")))
    fr = _parse(_chart(series=series, number=_number("fr-FR")))
    us_ticks = [t.text for t in us.iter(f"{SVG}text") if t.get("class") == "y"]
    fr_ticks = [t.text for t in fr.iter(f"{SVG}text") if t.get("class") == "y"]
    assert "1,500" in us_ticks and "1\u202f500" in fr_ticks
    tips = [t.text for t in fr.iter(f"{SVG}title")]
    assert "Mar 2 · Created: 1\u202f234" in tips
    assert "Mar 2 · Created: 1,234" in [t.text for t in us.iter(f"{SVG}title")]


def test_week_labels_in_each_locale() -> None:
    march_4 = int(datetime(2026, 3, 4, tzinfo=UTC).timestamp() * 1000)
    assert week_label(march_4, babel_locale("en-US")) == "Mar 4"
    assert week_label(march_4, babel_locale("fr-FR")) == "4 mars"
    assert week_label(march_4, babel_locale("ja-JP")) == "3月4日"


def test_a_histogram_draws_one_bar_per_non_empty_bucket() -> None:
    root = _parse(
        str(
            histogram(
                chart_id="latency",
                title="Latency",
                desc="Attempts by latency",
                buckets=["<50", "<100", "≥2500"],
                counts=[8, 0, 2],
                label="Attempts",
                number=_number(),
                no_data="No data",
            )
        )
    )
    bars = _bars(root)
    assert [v for _, _, v in bars] == [8, 2]
    assert bars[0][1] == 4 * bars[1][1]


def test_ticks_are_round_and_cover_the_peak() -> None:
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(1) == [0, 1]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]
    assert nice_ticks(0) == [0, 1]


def test_long_labels_are_thinned_so_they_never_overlap() -> None:
    weeks = [f"{m}月{d}日" for m, d in ((10, 12), (10, 19), (10, 26), (11, 2), (11, 9), (11, 16))]
    weeks += ["11月23日", "11月30日"]  # eight weeks, as the overview shows
    values = [1, 2, 3, 4, 5, 6, 7, 8]
    root = _parse(_chart(categories=weeks, series=[Series("Created", values)]))
    shown = [t.text for t in root.iter(f"{SVG}text") if t.get("class", "").startswith("x")]
    assert shown == weeks[::2]
    short = [f"Oct {d}" for d in (5, 12, 19, 26, 2, 9, 16, 23)]
    root = _parse(_chart(categories=short, series=[Series("Created", values)]))
    assert len([t for t in root.iter(f"{SVG}text") if t.get("class", "").startswith("x")]) == 8


def test_the_overview_folds_capabilities_beyond_five_into_other() -> None:
    from gangway.console import web
    from gangway.console.pages.overview import _charts
    from gangway.services.insights import Deadlines, Headline, Overview
    from gangway.store.repos.stats import FunnelWeek, Latency

    keys = [f"merchant.cap_{i}" for i in range(7)]
    deadlines = Deadlines(
        days=[i * 86_400_000 for i in range(30)],
        capabilities=keys,
        counts={(i, key): 7 - i for i, key in enumerate(keys)},
        accounts=7,
        capped=False,
    )
    data = Overview(
        now_ms=0,
        weeks=[i * 7 * 86_400_000 for i in range(8)],
        funnel=[FunnelWeek(i, 0, 0, 0, 0) for i in range(8)],
        outcomes=[{"verified": 0, "failed": 0, "pending": 0} for _ in range(8)],
        latency=Latency([0] * 7, 0, 0),
        latency_since_ms=0,
        headline=Headline(0, 0, 0, 0, 0),
        deadlines=deadlines,
    )
    helpers = web.helpers("en-US")
    charts = _charts(data, ["w"] * 8, ["d"] * 30, helpers["_"], helpers["number"])
    root = _parse(charts["deadlines"])
    legend = ["".join(li.itertext()) for li in root.iter("li")]
    assert legend == [*keys[:4], "Other capabilities"]
    values = sorted(v for _, _, v in _bars(root))
    assert values == [1, 2, 3, 4, 5, 6, 7]  # days 4, 5 and 6 are "other", each its own bar
    assert "No accounts were created in these weeks." in str(charts["funnel"])
