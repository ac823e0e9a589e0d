"""Dashboard charts: Altair specs rendered to SVG on the server by vl-convert and inlined in the page, so
they read without JavaScript, print, and go into the PDF. Labels come from the active language; the font
family names Korean-capable fonts first so Hangul never renders as boxes.

Rendering is the dearest part of a dashboard (tens of milliseconds of CPU per chart: Altair builds and
validates the spec, vl-convert lays it out), so every chart is cached by what it is drawn from: the chart
function, its data and title, the active language and :data:`STYLE` (see :func:`_cached`). The key is the
content, so nothing ever has to invalidate it: a changed outcome changes the data, hence the key, and the next
load draws the new chart; another agreement's chart, drawn from other data, is untouched. That holds with a
per-process cache (the ``charts`` cache in settings, a ``LocMemCache``: each server process draws a chart once) as
well as with a shared one, and it stays apart from the default cache so SVGs never push throttling counts out.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Callable

import altair as alt
import vl_convert
from django.core.cache import caches
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

FONT = "NanumGothic, Noto Sans CJK KR, Noto Sans KR, sans-serif"
BRAND = "#0b5cab"
UNCONFIRMED = "#9fb7d3"
# Part of every cache key: change it with anything that changes how a chart looks (colours, sizes, fonts), so a
# shared cache never serves a chart drawn by the previous code. The library versions are in the key too.
STYLE = "2026-11-30"
# A day: charts whose data moved on are dropped by then, so the cache holds roughly the charts still current.
CACHE_SECONDS = 24 * 3600


def _cached(draw: Callable[..., str]) -> Callable[..., str]:
    """Draw once per (chart, data, title, language): the SVG is cached under a hash of all of it."""

    @functools.wraps(draw)
    def cached(*args, **kwargs) -> str:
        content = json.dumps(
            [draw.__name__, args, kwargs, get_language(), STYLE, alt.__version__, vl_convert.__version__],
            default=str,
            sort_keys=True,
        )
        key = "outcomes:chart:" + hashlib.sha256(content.encode()).hexdigest()
        svg = caches["charts"].get(key)
        if svg is None:
            svg = draw(*args, **kwargs)
            caches["charts"].set(key, svg, CACHE_SECONDS)
        return svg

    return cached


def _render(chart: alt.Chart, title: str) -> str:
    """Inline SVG named by its title for screen readers (role="img" needs an accessible name); the width
    and height attributes stay for the PDF, the page's CSS scales it down to a phone's width."""
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)


NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def count_ticks(maximum: int, *, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 for a count axis: 0, 1, 2 — never "0, 1, 1" (Vega's default ticks for a
    maximum of 1 or 2 are halves, which an integer format prints as repeated numbers)."""
    maximum = max(int(maximum), 1)
    step = next((s for s in NICE_STEPS if maximum / s <= most - 1), 10 ** math.ceil(math.log10(maximum)))
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


def _count_scale(maximum: int, *, headroom: float = 0.0) -> tuple[alt.Axis, alt.Scale]:
    ticks = count_ticks(maximum)
    top = max(ticks[-1], maximum * (1 + headroom))
    return alt.Axis(values=ticks, format="d"), alt.Scale(domain=[0, top], nice=False)


def _empty(title: str) -> str:
    chart = (
        alt.Chart(alt.Data(values=[{"x": 0}]))
        .mark_text(text=_("No data yet"), color="#5b6675")
        .properties(width=320, height=40, title=title)
    )
    return _render(chart, title)


@_cached
def bars(rows: list[tuple[str, int, int]], *, title: str, width: int = 360) -> str:
    """Horizontal bars of (label, confirmed, unconfirmed), stacked, labels in the given order."""
    if not rows:
        return _empty(title)
    confirmed, unconfirmed = _("Record confirmed"), _("Record unconfirmed")
    values = []
    for label, done, pending in rows:
        values.append({"label": label, "count": done, "state": confirmed, "order": 0})
        values.append({"label": label, "count": pending, "state": unconfirmed, "order": 1})
    axis, scale = _count_scale(max(done + pending for _label, done, pending in rows))
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=[label for label, _d, _p in rows], title=None),
            x=alt.X("count:Q", title=_("Number"), axis=axis, scale=scale),
            color=alt.Color(
                "state:N",
                scale=alt.Scale(domain=[confirmed, unconfirmed], range=[BRAND, UNCONFIRMED]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=["label:N", "state:N", "count:Q"],
        )
        .properties(width=width, height=max(40, 24 * len(rows)), title=title)
    )
    return _render(chart, title)


@_cached
def funnel(rows: list[tuple[str, int]], *, title: str) -> str:
    """The partnering funnel: one bar per stage, in order, with the count written at the bar's end."""
    if not any(count for _label, count in rows):
        return _empty(title)
    data = alt.Data(values=[{"stage": label, "count": count, "i": i} for i, (label, count) in enumerate(rows)])
    # Headroom on the scale keeps the count written after the longest bar inside the chart (it used to spill
    # out of the card); labels longer than the chart's left column are cut with an ellipsis, the full label
    # is in the figure's caption.
    axis, scale = _count_scale(max(count for _label, count in rows), headroom=0.15)
    base = alt.Chart(data).encode(
        y=alt.Y("stage:N", sort=[label for label, _c in rows], title=None, axis=alt.Axis(labelLimit=170)),
        x=alt.X("count:Q", title=_("Number"), axis=axis, scale=scale),
    )
    chart = (base.mark_bar(color=BRAND) + base.mark_text(align="left", dx=4).encode(text="count:Q")).properties(
        width=300, height=28 * len(rows), title=title
    )
    return _render(chart, title)


@_cached
def over_time(rows: list[tuple[str, int, int]], *, title: str) -> str:
    """Outcomes per quarter (columns), confirmed and unconfirmed stacked."""
    if not rows:
        return _empty(title)
    confirmed, unconfirmed = _("Record confirmed"), _("Record unconfirmed")
    values = []
    for label, done, pending in rows:
        values.append({"period": label, "count": done, "state": confirmed, "order": 0})
        values.append({"period": label, "count": pending, "state": unconfirmed, "order": 1})
    axis, scale = _count_scale(max(done + pending for _label, done, pending in rows))
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("period:N", sort=[label for label, _d, _p in rows], title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=_("Outcomes"), axis=axis, scale=scale),
            color=alt.Color(
                "state:N",
                scale=alt.Scale(domain=[confirmed, unconfirmed], range=[BRAND, UNCONFIRMED]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            order=alt.Order("order:Q"),
        )
        .properties(width=max(240, 84 * len(rows)), height=180, title=title)
    )
    return _render(chart, title)
