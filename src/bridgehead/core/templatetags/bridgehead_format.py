"""The template side of ``core.formatting``: ``{% load bridgehead_format %}`` then ``{{ value|day }}``,
``{{ value|day_time }}``, ``{{ amount|money:currency }}``, ``{{ n|quantity:unit }}``, ``{{ code|country }}``,
``{{ zone|zone_name }}``, ``{% local_moment at zone place %}`` / ``{% viewer_moment at %}``.

Pages mixed three date formats and printed "13,638,000.00 USD" to Korean readers; these filters print one
form per language in the active translation and, for moments, in the viewer's time zone (the zone the
preferences middleware activates). Exports and the API keep ISO 8601 and plain decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.html import format_html

from bridgehead.core import formatting

register = template.Library()


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """A date (a datetime is first moved into the viewer's time zone); empty for None."""
    return formatting.day(value)


@register.filter
def day_time(value: dt.datetime | None) -> str:
    """A moment in the viewer's time zone: "2025. 3. 10. 오후 2:30" / "10 Mar 2025, 14:30"."""
    return formatting.day_time(value)


@register.filter
def clock(value: dt.time | dt.datetime | None) -> str:
    """A time of day as it stands (no zone change): "오후 2:30" / "14:30"; empty for None."""
    return formatting.clock(value) if value not in (None, "") else ""


@register.filter
def program_time(value: dt.datetime | None, zone: str) -> str:
    """A moment in a named zone (a program's, an event's): "2030. 5. 31. 오후 6:00" / "31 May 2030, 18:00"."""
    return formatting.day_time(value, zone)


@register.simple_tag
def slot_time(start: dt.datetime | None, end: dt.datetime | None = None, zone: str | None = None) -> str:
    """A slot with its weekday: "2026. 3. 7.(토) 오전 9:00–9:30" / "Sat 7 Mar 2026, 09:00–09:30" — the day and
    the time each unbreakable, with a line break allowed between them (``.slot-time`` in partnering.css)."""
    if not start:
        return ""
    when, hours = formatting.slot_parts(start, end, zone or None)
    parts = '<span class="slot-time"><span class="nowrap">{}</span> <span class="nowrap">{}</span></span>'
    return format_html(parts, when, hours)


@register.filter
def days(values) -> str:
    """Several dates in the same form, comma-separated ("rates of 2 Jan 2024, 1 Jul 2024")."""
    return ", ".join(day(value) for value in values or ())


@register.filter
def money(amount: Decimal | int | float | None, currency: str) -> str:
    """ "1,363만 8,000달러" / "US$13,638,000"; empty for None."""
    return formatting.money(amount, currency)


@register.filter
def quantity(value: Decimal | int | float | None, unit: str = "") -> str:
    """ "20만 kits" / "200,000 kits"; a plain number when no unit is given; empty for None."""
    return formatting.quantity(value, unit or "")


@register.filter
def country(code: str | None) -> str:
    """ "US" → "미국" / "United States"."""
    return formatting.country(code)


@register.filter
def zone_name(zone: str | None) -> str:
    """ "Asia/Seoul" → "서울(한국 표준시)" / "Seoul (Korea time)"."""
    return formatting.zone_name(zone)


@register.filter
def zone_city(zone: str | None) -> str:
    """ "America/Los_Angeles" → "로스앤젤레스" / "Los Angeles"."""
    return formatting.zone_city(zone)


@register.simple_tag
def local_moment(value: dt.datetime | None, zone: str, place: str = "") -> str:
    """A moment as the record states it, at its place: "2024. 1. 17. 오전 10:30 (UC 샌디에이고 현지 시각)"."""
    return formatting.local_moment(value, zone, place) if value else ""


@register.simple_tag
def viewer_moment(value: dt.datetime | None) -> str:
    """The same moment in the viewer's zone: "서울 시각 2024. 1. 18. 오전 3:30"."""
    return formatting.viewer_moment(value) if value else ""
