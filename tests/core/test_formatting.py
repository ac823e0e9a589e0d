"""``core.formatting``: money, quantities, dates, moments, countries and zones as a Korean or English reader
expects them — the issue's own examples exactly, and the edges (zero, negative, decimals, None)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from bridgehead.core import formatting

SIGNED = dt.datetime(2024, 1, 17, 10, 30, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))


@pytest.mark.parametrize(
    "amount, currency, korean, english",
    [
        (Decimal("13638000.00"), "USD", "1,363만 8,000달러", "US$13,638,000"),
        (Decimal("1500000000"), "KRW", "15억 원", "₩1,500,000,000"),
        (Decimal("10000000"), "USD", "1,000만 달러", "US$10,000,000"),
        (Decimal("1234567890123"), "KRW", "1조 2,345억 6,789만 123원", "₩1,234,567,890,123"),
        (Decimal("0"), "USD", "0달러", "US$0"),
        (Decimal("0.00"), "KRW", "0원", "₩0"),
        (Decimal("-1500000000"), "KRW", "-15억 원", "-₩1,500,000,000"),
        (Decimal("1234.5"), "USD", "1,234.50달러", "US$1,234.50"),
        (Decimal("13638000.25"), "USD", "1,363만 8,000.25달러", "US$13,638,000.25"),
        (Decimal("10000000.50"), "USD", "10,000,000.50달러", "US$10,000,000.50"),  # never "1,000만 0.50"
        (Decimal("1500.4"), "KRW", "1,500원", "₩1,500"),  # no fraction of a won
        (Decimal("5000"), "CNY", "5,000위안", "CN¥5,000"),
        (Decimal("1200"), "CHF", "1,200스위스 프랑", "CHF 1,200"),
        (Decimal("70"), "XYZ", "70 XYZ", "XYZ 70"),  # an unknown code is printed as it is
        (12500000, "USD", "1,250만 달러", "US$12,500,000"),
        ("1500000000.00", "KRW", "15억 원", "₩1,500,000,000"),
    ],
)
def test_money_in_korean_and_english(amount, currency, korean, english):
    assert formatting.money(amount, currency, "ko") == korean
    assert formatting.money(amount, currency, "en") == english


def test_money_follows_the_active_language_and_none_is_empty():
    with translation.override("ko"):
        assert formatting.money(Decimal("1500000000"), "KRW") == "15억 원"
        assert formatting.money(None, "KRW") == ""
    with translation.override("en"):
        assert formatting.money(Decimal("13638000.00"), "usd") == "US$13,638,000"


def test_text_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="not a number"):
        formatting.money("abc", "USD", "ko")


@pytest.mark.parametrize(
    "value, unit, korean, english",
    [
        (Decimal("200000"), "kits", "20만 키트", "200,000 kits"),
        (Decimal("4"), "명", "4명", "4 people"),
        (Decimal("2.50"), "kg", "2.5 kg", "2.5 kg"),
        (Decimal("35000"), "", "3만 5,000", "35,000"),
        (Decimal("0"), "대", "0대", "0 units"),
        (Decimal("-3"), "", "-3", "-3"),
        (None, "kits", "", ""),
    ],
)
def test_quantities(value, unit, korean, english):
    assert formatting.quantity(value, unit, "ko") == korean
    assert formatting.quantity(value, unit, "en") == english


def test_dates_and_moments():
    assert formatting.day(dt.date(2025, 3, 10), "ko") == "2025. 3. 10."
    assert formatting.day(dt.date(2025, 3, 10), "en") == "10 Mar 2025"
    assert formatting.day(None, "ko") == ""
    moment = dt.datetime(2025, 3, 10, 5, 30, tzinfo=dt.UTC)  # 14:30 in Seoul
    with timezone.override("Asia/Seoul"):
        assert formatting.day_time(moment, language="ko") == "2025. 3. 10. 오후 2:30"
        assert formatting.day_time(moment, language="en") == "10 Mar 2025, 14:30"
    assert formatting.day_time(moment, "America/Los_Angeles", "ko") == "2025. 3. 9. 오후 10:30"
    assert formatting.day_time(dt.datetime(2025, 3, 10, 0, 5, tzinfo=dt.UTC), "UTC", "ko") == "2025. 3. 10. 오전 12:05"
    assert formatting.day_time(dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC), "UTC", "ko") == "2025. 3. 10. 오후 12:00"
    assert formatting.day_time(None) == ""


def test_slots_carry_their_weekday_and_say_the_half_of_the_day_once():
    start = dt.datetime(2026, 3, 7, 17, 0, tzinfo=dt.UTC)  # 09:00 in San Diego, Saturday
    end = start + dt.timedelta(minutes=30)
    assert formatting.slot(start, end, "America/Los_Angeles", "ko") == "2026. 3. 7.(토) 오전 9:00–9:30"
    assert formatting.slot(start, end, "America/Los_Angeles", "en") == "Sat 7 Mar 2026, 09:00–09:30"
    assert formatting.slot(start, None, "Asia/Seoul", "ko") == "2026. 3. 8.(일) 오전 2:00"
    late = dt.datetime(2026, 3, 7, 19, 30, tzinfo=dt.UTC)  # 11:30 → 12:30 in San Diego
    assert formatting.slot(late, late + dt.timedelta(hours=1), "America/Los_Angeles", "ko") == (
        "2026. 3. 7.(토) 오전 11:30–오후 12:30"
    )


def test_a_slot_on_a_page_may_wrap_between_its_day_and_its_time_and_nowhere_else():
    """ "2026. 12. 1.(화) 오전 11:30–오후 12:00" in the agenda's large type is wider than a 390 px phone (the demo
    walkthrough overflowed on the days the demo's next meeting fell at 11:30); kept whole, it pushed the page."""
    late = dt.datetime(2026, 12, 1, 2, 30, tzinfo=dt.UTC)  # 11:30 in Seoul
    template = Template("{% load bridgehead_format %}<time>{% slot_time start end 'Asia/Seoul' %}</time>")
    with translation.override("ko"):
        html = template.render(Context({"start": late, "end": late + dt.timedelta(minutes=30)}))
    assert html == (
        '<time><span class="slot-time"><span class="nowrap">2026. 12. 1.(화)</span> '
        '<span class="nowrap">오전 11:30–오후 12:00</span></span></time>'
    )
    assert " ".join(formatting.slot_parts(late, late + dt.timedelta(minutes=30), "Asia/Seoul", "ko")) == (
        formatting.slot(late, late + dt.timedelta(minutes=30), "Asia/Seoul", "ko")
    )


def test_countries_and_zones():
    assert (formatting.country("US", "ko"), formatting.country("US", "en")) == ("미국", "United States")
    assert (formatting.country("kr", "ko"), formatting.country("KR", "en")) == ("대한민국", "South Korea")
    assert formatting.country("ZZ", "ko") == "ZZ"  # not in the table: the code, never a guess
    assert formatting.country(None) == ""
    assert formatting.zone_name("Asia/Seoul", "ko") == "서울(한국 표준시)"
    assert formatting.zone_name("America/Los_Angeles", "ko") == "로스앤젤레스(미 태평양 시간)"
    assert formatting.zone_name("America/Los_Angeles", "en") == "Los Angeles (Pacific time)"
    assert formatting.zone_name("Europe/Paris", "en") == "Paris (Europe/Paris)"
    assert formatting.zone_city("America/Argentina/Buenos_Aires", "en") == "Buenos Aires"


def test_a_signing_as_the_record_states_it_and_on_the_viewers_clock():
    with timezone.override("Asia/Seoul"), translation.override("ko"):
        assert formatting.local_moment(SIGNED, "America/Los_Angeles", "UC 샌디에이고") == (
            "2024. 1. 17. 오전 10:30 (UC 샌디에이고 현지 시각)"
        )
        assert formatting.viewer_moment(SIGNED) == "서울 시각 2024. 1. 18. 오전 3:30"
    with timezone.override("Asia/Seoul"), translation.override("en"):
        assert formatting.local_moment(SIGNED, "America/Los_Angeles") == "17 Jan 2024, 10:30 (Los Angeles local time)"
        assert formatting.viewer_moment(SIGNED) == "Seoul time: 18 Jan 2024, 03:30"


def test_template_filters_print_the_same_forms():
    template = Template(
        "{% load bridgehead_format %}{{ a|money:'USD' }}|{{ b|money:'KRW' }}|{{ q|quantity:'kits' }}|"
        "{{ d|day }}|{{ 'US'|country }}|{{ 'Asia/Seoul'|zone_name }}|{{ none|money:'USD' }}"
    )
    context = Context({"a": Decimal("13638000.00"), "b": Decimal("1500000000"), "q": 200000, "d": dt.date(2025, 3, 10)})
    with translation.override("ko"):
        assert template.render(context) == "1,363만 8,000달러|15억 원|20만 키트|2025. 3. 10.|미국|서울(한국 표준시)|"
    with translation.override("en"):
        assert template.render(context) == (
            "US$13,638,000|₩1,500,000,000|200,000 kits|10 Mar 2025|United States|Seoul (Korea time)|"
        )


def test_xlsx_display_formats():
    assert formatting.xlsx_date_format("ko") == "yyyy. m. d."
    assert formatting.xlsx_date_format("en") == "d mmm yyyy"
    assert formatting.xlsx_number_format() == "#,##0"
    assert formatting.xlsx_number_format(decimals=True) == "#,##0.00"


@pytest.mark.parametrize(
    ("value", "unit", "korean", "english"),
    [
        (5000, "devices", "5,000대", "5,000 devices"),
        (4, "people", "4명", "4 people"),
        (200000, "units", "20만 개", "200,000 units"),
        (200000, "개", "20만 개", "200,000 units"),
        (3, "kg", "3 kg", "3 kg"),
    ],
)
def test_a_quantity_carries_its_unit_in_the_readers_words(value, unit, korean, english):
    """No English unit word inside Korean text and no Korean counter inside English (issue 17), on pages too."""
    assert formatting.quantity(value, unit, "ko") == korean
    assert formatting.quantity(value, unit, "en") == english
