"""Dashboard charts: Altair specs rendered to SVG on the server by vl-convert and inlined in the page, so
they read without JavaScript, print, and go into the PDF. Labels come from the active language; the font
family names Korean-capable fonts first so Hangul never renders as boxes.
"""

from __future__ import annotations

import altair as alt
import vl_convert
from django.utils.translation import gettext as _

FONT = "NanumGothic, Noto Sans CJK KR, Noto Sans KR, sans-serif"
BRAND = "#0b5cab"
UNCONFIRMED = "#9fb7d3"


def _render(chart: alt.Chart) -> str:
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _empty(title: str) -> str:
    chart = alt.Chart(alt.Data(values=[{"x": 0}])).mark_text(text=_("No data yet"), color="#5b6675").properties(
        width=320, height=40, title=title)
    return _render(chart)


def bars(rows: list[tuple[str, int, int]], *, title: str, width: int = 360) -> str:
    """Horizontal bars of (label, confirmed, unconfirmed), stacked, labels in the given order."""
    if not rows:
        return _empty(title)
    confirmed, unconfirmed = _("Confirmed"), _("Unconfirmed")
    values = []
    for label, done, pending in rows:
        values.append({"label": label, "count": done, "state": confirmed, "order": 0})
        values.append({"label": label, "count": pending, "state": unconfirmed, "order": 1})
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("label:N", sort=[label for label, _d, _p in rows], title=None),
        x=alt.X("count:Q", title=_("Number"), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("state:N", scale=alt.Scale(domain=[confirmed, unconfirmed], range=[BRAND, UNCONFIRMED]),
                        legend=alt.Legend(title=None, orient="bottom")),
        order=alt.Order("order:Q"),
        tooltip=["label:N", "state:N", "count:Q"],
    ).properties(width=width, height=max(40, 24 * len(rows)), title=title)
    return _render(chart)


def funnel(rows: list[tuple[str, int]], *, title: str) -> str:
    """The partnering funnel: one bar per stage, in order, with the count written at the bar's end."""
    if not any(count for _label, count in rows):
        return _empty(title)
    data = alt.Data(values=[{"stage": label, "count": count, "i": i} for i, (label, count) in enumerate(rows)])
    base = alt.Chart(data).encode(
        y=alt.Y("stage:N", sort=[label for label, _c in rows], title=None),
        x=alt.X("count:Q", title=_("Number"), axis=alt.Axis(tickMinStep=1, format="d")),
    )
    chart = (base.mark_bar(color=BRAND) + base.mark_text(align="left", dx=4).encode(text="count:Q")).properties(
        width=360, height=28 * len(rows), title=title)
    return _render(chart)


def over_time(rows: list[tuple[str, int, int]], *, title: str) -> str:
    """Outcomes per quarter (columns), confirmed and unconfirmed stacked."""
    if not rows:
        return _empty(title)
    confirmed, unconfirmed = _("Confirmed"), _("Unconfirmed")
    values = []
    for label, done, pending in rows:
        values.append({"period": label, "count": done, "state": confirmed, "order": 0})
        values.append({"period": label, "count": pending, "state": unconfirmed, "order": 1})
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("period:N", sort=[label for label, _d, _p in rows], title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("count:Q", title=_("Outcomes"), axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("state:N", scale=alt.Scale(domain=[confirmed, unconfirmed], range=[BRAND, UNCONFIRMED]),
                        legend=alt.Legend(title=None, orient="bottom")),
        order=alt.Order("order:Q"),
    ).properties(width=max(240, 84 * len(rows)), height=180, title=title)
    return _render(chart)
