"""One way to print a date on every page: ``{% load bridgehead_format %}`` then ``{{ value|day }}`` or
``{{ value|day_time }}``.

Pages mixed three formats ("2025-3-10", "March 10, 2025", "10/03/2025"); a reader in Korea and one in
California read the numeric ones differently. These filters print one unambiguous form per language —
Korean "2025. 3. 10." (the form Korean offices write) and English "10 Mar 2025" — and a datetime in the
viewer's time zone (the active zone the preferences middleware sets). Exports and the API keep ISO 8601.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

register = template.Library()

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _korean() -> bool:
    return (translation.get_language() or "en").startswith("ko")


def format_day(value: dt.date) -> str:
    """2025-03-10 → "2025. 3. 10." in Korean, "10 Mar 2025" in English."""
    if _korean():
        return f"{value.year}. {value.month}. {value.day}."
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """A date (a datetime is first moved into the viewer's time zone); empty for None."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_day(value)


@register.filter
def day_time(value: dt.datetime | None) -> str:
    """A moment in the viewer's time zone: "2025. 3. 10. 14:30" / "10 Mar 2025, 14:30"."""
    if value in (None, ""):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    separator = " " if _korean() else ", "
    return f"{format_day(value.date())}{separator}{value:%H:%M}"


@register.filter
def days(values) -> str:
    """Several dates in the same form, comma-separated ("rates of 2 Jan 2024, 1 Jul 2024")."""
    return ", ".join(day(value) for value in values or ())
