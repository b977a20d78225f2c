"""Server-rendered SVG charts for the console: pure functions, no I/O, no scripts.

Each chart is one inline ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` it is labelled
by, followed by an HTML legend; the page shows the same numbers as a table beside it. Every piece
of text is escaped here (labels are data: an account's capability, a translated string), and the
caller passes text already translated and a ``number`` formatter for the locale, so this module
knows no locale and no gettext. Colours come from the stylesheet (``.chart .s0`` ... ``.s4``);
each series also has its own pattern, so colour is never the only cue. A ``viewBox`` lets the
chart scale to a phone's width.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from babel import Locale
from markupsafe import Markup, escape

__all__ = [
    "SERIES_MAX",
    "Series",
    "bar_chart",
    "day_label",
    "histogram",
    "nice_ticks",
    "week_label",
]

SERIES_MAX = 5
"""Series classes ``s0`` .. ``s4``: a caller with more series folds the rest into an "other"."""

WIDTH, HEIGHT = 480, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 8, 12, 30
_PLOT_W = WIDTH - _LEFT - _RIGHT
_PLOT_H = HEIGHT - _TOP - _BOTTOM

# one pattern per series, drawn in white over the series colour: solid, stripes, dots, grid, lines
_PATTERNS = (
    "",
    '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#fff" stroke-width="1.4" stroke-opacity=".7"/>',
    '<circle cx="3" cy="3" r="1.2" fill="#fff" fill-opacity=".75"/>',
    '<path d="M0 3H6M3 0V6" stroke="#fff" stroke-width="1" stroke-opacity=".7"/>',
    '<path d="M0 1.5H6M0 4.5H6" stroke="#fff" stroke-width="1" stroke-opacity=".7"/>',
)

Number = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    style: int | None = None
    """Which of ``s0`` .. ``s4`` (colour and pattern) to draw in; by default its position."""


def week_label(start_ms: int, babel_locale: Locale | str) -> str:
    """``Mar 4`` / ``4 mars`` / ``3月4日``: a week by its first day, as the locale writes it."""
    from babel.dates import format_skeleton

    return str(format_skeleton("MMMd", _date(start_ms), locale=babel_locale))


def day_label(start_ms: int, babel_locale: Locale | str) -> str:
    return week_label(start_ms, babel_locale)


def _date(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def nice_ticks(top: float, *, count: int = 4) -> list[float]:
    """0 and evenly spaced round values (1, 2 or 5 times a power of ten) up to at least ``top``;
    whole numbers only, since every chart counts things."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1.0, float(step))
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def _f(value: float) -> str:
    """A coordinate: short, and always with a dot (never the locale's comma)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    number: Number,
    no_data: str,
    stacked: bool = False,
    label_every: int = 1,
) -> Markup:
    """Bars per category: side by side (grouped) or one on top of another (``stacked``).

    ``categories`` are the x-axis labels (weeks, days, buckets), ``series[i].values[j]`` the
    value of series ``i`` in category ``j``; ``label_every`` labels every n-th category only (a
    30-day axis). Bar heights are proportional to the values, from a zero baseline."""
    chart_id = _safe_id(chart_id)
    series = list(series)
    if len(series) > SERIES_MAX:
        raise ValueError(f"at most {SERIES_MAX} series; fold the rest into one")
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    styles = [i if s.style is None else s.style for i, s in enumerate(series)]
    if any(not 0 <= style < SERIES_MAX for style in styles):
        raise ValueError(f"a series style is one of 0 .. {SERIES_MAX - 1}")
    total = [sum(s.values[j] for s in series) for j in range(len(categories))]
    peak = max(total if stacked else [v for s in series for v in s.values], default=0)
    parts = [_open(chart_id, title, desc, styles)]
    if not categories or not series or peak <= 0:
        parts.append(_empty(no_data))
        parts.append("</svg>")
        return _figure(parts)
    ticks = nice_ticks(peak)
    top = ticks[-1]
    parts.append(_axis(ticks, number))
    slot = _PLOT_W / len(categories)
    gap = min(slot * 0.2, 10)
    lanes = 1 if stacked else len(series)
    bar_w = (slot - gap) / lanes
    for j, category in enumerate(categories):
        x0 = _LEFT + j * slot + gap / 2
        base = 0.0
        for i, one in enumerate(series):
            value = one.values[j]
            if value <= 0:
                continue
            height = value / top * _PLOT_H
            x = x0 if stacked else x0 + i * bar_w
            y = _TOP + _PLOT_H - base - height
            tip = f"{category} · {one.label}: {number(value)}"
            parts.append(_bar(chart_id, styles[i], x, y, bar_w, height, tip, value))
            if stacked:
                base += height
        every = max(1, label_every)
        if every == 1 and _crowded(categories, slot):
            every = 2  # long labels (Japanese dates, say): every other one only
        # a sparse axis leaves out a label with no room for it before the right edge
        if j % every == 0 and (every == 1 or j + every / 2 <= len(categories)):
            parts.append(
                f'<text class="x{" odd" if every == 1 and j % 2 else ""}" '
                f'x="{_f(_LEFT + j * slot + slot / 2)}" y="{_f(HEIGHT - 10)}" '
                f'text-anchor="middle">{escape(category)}</text>'
            )
    parts.append("</svg>")
    parts.append(
        _legend(chart_id, [(s.label, style) for s, style in zip(series, styles, strict=True)])
    )
    return _figure(parts)


def histogram(
    *,
    chart_id: str,
    title: str,
    desc: str,
    buckets: Sequence[str],
    counts: Sequence[int],
    label: str,
    number: Number,
    no_data: str,
) -> Markup:
    """One bar per bucket, touching (a distribution): ``counts[j]`` things fell in
    ``buckets[j]``."""
    chart_id = _safe_id(chart_id)
    peak = max(counts, default=0)
    parts = [_open(chart_id, title, desc, [0])]
    if not buckets or peak <= 0:
        parts.append(_empty(no_data))
        parts.append("</svg>")
        return _figure(parts)
    ticks = nice_ticks(peak)
    top = ticks[-1]
    parts.append(_axis(ticks, number))
    slot = _PLOT_W / len(buckets)
    for j, bucket in enumerate(buckets):
        value = counts[j]
        x = _LEFT + j * slot
        if value > 0:
            height = value / top * _PLOT_H
            tip = f"{bucket}: {number(value)}"
            parts.append(
                _bar(chart_id, 0, x + 0.5, _TOP + _PLOT_H - height, slot - 1, height, tip, value)
            )
        parts.append(
            f'<text class="x{" odd" if j % 2 else ""}" x="{_f(x + slot / 2)}" '
            f'y="{_f(HEIGHT - 10)}" text-anchor="middle">{escape(bucket)}</text>'
        )
    parts.append("</svg>")
    parts.append(_legend(chart_id, [(label, 0)]))
    return _figure(parts)


# pieces ------------------------------------------------------------------------------------


_FONT = 12
"""The labels' size in the chart's units (``overview.css`` sets the same on a desktop)."""


def _crowded(labels: Sequence[str], slot: float) -> bool:
    """Whether the widest label, estimated (wide characters a full em, others 0.6), would touch
    its neighbours."""
    widest = max(
        (sum(1.0 if ord(c) >= 0x2E80 else 0.6 for c in label) for label in labels), default=0
    )
    return widest * _FONT > slot * 0.9


def _figure(parts: list[str]) -> Markup:
    """The SVG and its legend in one element (well-formed XML as a whole)."""
    return Markup('<div class="figure">' + "".join(parts) + "</div>")


def _safe_id(value: str) -> str:
    cleaned = "".join(c for c in value if c.isascii() and (c.isalnum() or c in "-_"))
    return cleaned or "chart"


def _open(chart_id: str, title: str, desc: str, styles: Sequence[int]) -> str:
    defs = "".join(
        f'<pattern id="{chart_id}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f"{_PATTERNS[i]}</pattern>"
        for i in sorted(set(styles))
        if i
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="plot">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + (f"<defs>{defs}</defs>" if defs else "")
    )


def _empty(no_data: str) -> str:
    return (
        f'<rect class="empty" x="{_LEFT}" y="{_TOP}" width="{_PLOT_W}" height="{_PLOT_H}" '
        f'fill="none"/><text class="none" x="{_f(WIDTH / 2)}" y="{_f(HEIGHT / 2)}" '
        f'text-anchor="middle">{escape(no_data)}</text>'
    )


def _axis(ticks: Sequence[float], number: Number) -> str:
    top = ticks[-1]
    out = []
    for tick in ticks:
        y = _TOP + _PLOT_H - tick / top * _PLOT_H
        out.append(
            f'<line class="axis" x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{_f(y)}" y2="{_f(y)}"/>'
            f'<text class="y" x="{_LEFT - 6}" y="{_f(y + 4)}" text-anchor="end">'
            f"{escape(number(tick))}</text>"
        )
    return "".join(out)


def _bar(
    chart_id: str, series: int, x: float, y: float, w: float, h: float, tip: str, value: float
) -> str:
    box = f'x="{_f(x)}" y="{_f(y)}" width="{_f(w)}" height="{_f(h)}"'
    overlay = f'<rect {box} fill="url(#{chart_id}-p{series})"/>' if series else ""
    return (
        f'<g class="bar" data-value="{_f(value)}"><rect class="s{series}" {box}/>{overlay}'
        f"<title>{escape(tip)}</title></g>"
    )


def _legend(chart_id: str, labels: Sequence[tuple[str, int]]) -> str:
    items = []
    for label, i in labels:
        overlay = f'<rect width="12" height="12" fill="url(#{chart_id}-p{i})"/>' if i else ""
        items.append(
            f'<li><svg class="swatch" viewBox="0 0 12 12" aria-hidden="true" '
            f'xmlns="http://www.w3.org/2000/svg"><rect class="s{i}" width="12" height="12"/>'
            f"{overlay}</svg>{escape(label)}</li>"
        )
    return f'<ul class="legend">{"".join(items)}</ul>'
