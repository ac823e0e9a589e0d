"""How the platform prints money, quantities, dates, moments, countries and time zones for a reader.

One module for every surface that people read — pages, the PDF report, the XLSX display formats, the
bilingual brief — so a figure reads the same everywhere. Korean readers expect Korean forms: "1,363만
8,000달러", "15억 원", "2025. 3. 10. 오후 2:30", "미국", "서울(한국 표준시)"; English readers get
"US$13,638,000", "₩1,500,000,000", "10 Mar 2025, 14:30", "United States", "Los Angeles (Pacific time)".

The English money convention is one form for every size: the currency's symbol (disambiguated where two
currencies share one: "US$", "CN¥") followed by every digit with thousands separators — never "₩1.5
billion", which rounds, and never a trailing ISO code. A currency without a symbol here keeps its ISO code
as a prefix ("CHF 1,200").

Machine formats stay machine formats: the API and CSV files keep ISO 8601 dates and plain decimals; the
XLSX keeps numbers and dates as real cell values and only sets their display format (``xlsx_*`` below).

Each function takes ``language`` (``"ko"`` or ``"en"``); left out, the active translation decides.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation

from django.utils import timezone, translation

#: The Korean name a Korean text gives a currency ("15억 원", "1,000만 달러").
KOREAN_CURRENCY = {
    "USD": "달러",
    "KRW": "원",
    "CNY": "위안",
    "EUR": "유로",
    "JPY": "엔",
    "GBP": "파운드",
    "CAD": "캐나다 달러",
    "AUD": "호주 달러",
    "SGD": "싱가포르 달러",
    "HKD": "홍콩 달러",
    "CHF": "스위스 프랑",
}

#: The symbol an English text puts before an amount; "US$" and "CN¥" because "$" and "¥" are shared.
ENGLISH_PREFIX = {
    "USD": "US$",
    "KRW": "₩",
    "EUR": "€",
    "CNY": "CN¥",
    "JPY": "¥",
    "GBP": "£",
    "CAD": "CA$",
    "AUD": "A$",
    "SGD": "S$",
    "HKD": "HK$",
}

#: Currencies without a minor unit in practice: a fraction of a won or a yen is never printed as cents.
NO_MINOR_UNIT = frozenset({"KRW", "JPY"})

#: Korean number words, largest first: 조 (10¹²), 억 (10⁸), 만 (10⁴).
KOREAN_GROUPS = ((10**12, "조"), (10**8, "억"), (10**4, "만"))

#: Country names for the countries the platform's records hold (ISO 3166 alpha-2). A code not listed is
#: printed as the code itself: a reader still sees what the record says, never a guess.
COUNTRY_NAMES = {
    "KR": ("대한민국", "South Korea"),
    "US": ("미국", "United States"),
    "JP": ("일본", "Japan"),
    "CN": ("중국", "China"),
    "TW": ("대만", "Taiwan"),
    "SG": ("싱가포르", "Singapore"),
    "VN": ("베트남", "Vietnam"),
    "IN": ("인도", "India"),
    "DE": ("독일", "Germany"),
    "GB": ("영국", "United Kingdom"),
    "FR": ("프랑스", "France"),
    "NL": ("네덜란드", "Netherlands"),
    "CH": ("스위스", "Switzerland"),
    "SE": ("스웨덴", "Sweden"),
    "IL": ("이스라엘", "Israel"),
    "CA": ("캐나다", "Canada"),
    "MX": ("멕시코", "Mexico"),
    "AU": ("호주", "Australia"),
}

#: Time zones people choose here: the city and the zone's everyday name, in Korean and in English.
ZONE_NAMES = {
    "Asia/Seoul": (("서울", "한국 표준시"), ("Seoul", "Korea time")),
    "America/Los_Angeles": (("로스앤젤레스", "미 태평양 시간"), ("Los Angeles", "Pacific time")),
    "America/New_York": (("뉴욕", "미 동부 시간"), ("New York", "Eastern time")),
    "America/Chicago": (("시카고", "미 중부 시간"), ("Chicago", "Central time")),
    "America/Denver": (("덴버", "미 산악 시간"), ("Denver", "Mountain time")),
    "Asia/Shanghai": (("상하이", "중국 표준시"), ("Shanghai", "China time")),
    "Asia/Tokyo": (("도쿄", "일본 표준시"), ("Tokyo", "Japan time")),
    "Asia/Singapore": (("싱가포르", "싱가포르 시간"), ("Singapore", "Singapore time")),
    "Europe/London": (("런던", "영국 시간"), ("London", "UK time")),
    "Europe/Berlin": (("베를린", "중부 유럽 시간"), ("Berlin", "Central European time")),
    "UTC": (("UTC", "협정 세계시"), ("UTC", "Coordinated Universal Time")),
}

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_korean(language: str | None = None) -> bool:
    """Whether ``language`` (or, left out, the active translation) is Korean."""
    return (language or translation.get_language() or "en").startswith("ko")


def as_decimal(value: Decimal | int | float | str | None) -> Decimal | None:
    """A number as a Decimal (floats through their shortest text, so 0.1 stays 0.1); None and "" stay None.

    Raises ValueError for text that is not a number — a template showing "abc 원" would hide a bug."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"not a number: {value!r}") from error


def _fraction(value: Decimal, currency: str | None) -> str:
    """The digits after the point, "" when there are none worth printing.

    Money with a minor unit shows two places when it has cents at all ("1,234.50"), none when it is whole
    ("13,638,000.00" → "13,638,000"); won and yen show no fraction (rounded half-even); a quantity shows
    its own significant digits ("2.5")."""
    if currency is not None:
        if currency in NO_MINOR_UNIT:
            return ""
        cents = value.quantize(Decimal("0.01"))
        return "" if cents == cents.to_integral_value() else f"{cents:f}".split(".")[1]
    value = value.normalize()
    return "" if value == value.to_integral_value() else f"{value:f}".split(".")[1]


def _rounded(value: Decimal, currency: str | None) -> Decimal:
    if currency in NO_MINOR_UNIT:
        return value.quantize(Decimal("1"))
    if currency is not None:
        return value.quantize(Decimal("0.01"))
    return value


def plain_number(value: Decimal | int | float | str | None, currency: str | None = None) -> str:
    """1234567.5 → "1,234,567.5": thousands separators, the fraction only when it means something."""
    number = as_decimal(value)
    if number is None:
        return ""
    number = _rounded(number, currency)
    sign = "-" if number < 0 else ""
    number = abs(number)
    fraction = _fraction(number, currency)
    return f"{sign}{int(number):,}" + (f".{fraction}" if fraction else "")


def korean_number(value: Decimal | int | float | str | None, currency: str | None = None) -> str:
    """13638000 → "1,363만 8,000"; 1500000000 → "15억"; 5000 → "5,000"; -2.5 → "-2.5".

    The number words Korean offices and press use: groups of four digits named 조/억/만, each group with
    its own thousands separator, empty groups left out; a fraction goes after the last group, and a
    number whose last group is empty but has a fraction is written in full digits."""
    number = as_decimal(value)
    if number is None:
        return ""
    number = _rounded(number, currency)
    sign = "-" if number < 0 else ""
    number = abs(number)
    whole = int(number)
    fraction = _fraction(number, currency)
    if fraction and _bare_fraction(whole):
        return sign + plain_number(number, currency)
    parts = []
    for size, word in KOREAN_GROUPS:
        if whole >= size:
            parts.append(f"{whole // size:,}{word}")
            whole %= size
    if whole or not parts or fraction:
        parts.append(f"{whole:,}" + (f".{fraction}" if fraction else ""))
    return sign + " ".join(parts)


def _bare_fraction(whole: int) -> bool:
    """Whether 조/억/만 groups would leave the fraction alone ("1,000만 0.5"): such a number is written in
    full digits instead ("10,000,000.50")."""
    return whole >= 10**4 and whole % 10**4 == 0


def _join_korean(number: str, word: str) -> str:
    """ "15억" + "원" → "15억 원" (a number word takes a space), "8,000" + "달러" → "8,000달러" (a digit
    does not), and a word that is not Hangul ("kg", "MWh") always stands apart."""
    hangul = bool(word) and 0xAC00 <= ord(word[0]) <= 0xD7A3
    return f"{number}{word}" if hangul and number[-1:].isdigit() else f"{number} {word}"


def money(amount: Decimal | int | float | str | None, currency: str, language: str | None = None) -> str:
    """An amount in its currency for a reader: "1,363만 8,000달러", "15억 원" / "US$13,638,000",
    "₩1,500,000,000". Empty for None."""
    number = as_decimal(amount)
    if number is None:
        return ""
    currency = (currency or "").upper()
    if is_korean(language):
        return _join_korean(korean_number(number, currency), KOREAN_CURRENCY.get(currency, currency))
    text = plain_number(number, currency)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    prefix = ENGLISH_PREFIX.get(currency)
    return f"{sign}{prefix}{digits}" if prefix else f"{sign}{currency} {digits}"


# Units as people type them in English, and the Korean counter a Korean text uses instead. A unit that is not
# listed (or already Korean) is printed as typed.
KOREAN_UNITS = {
    "unit": "개",
    "units": "개",
    "piece": "개",
    "pieces": "개",
    "pcs": "개",
    "kit": "키트",
    "kits": "키트",
    "device": "대",
    "devices": "대",
    "machine": "대",
    "machines": "대",
    "system": "대",
    "systems": "대",
    "person": "명",
    "people": "명",
    "persons": "명",
    "employee": "명",
    "employees": "명",
    "hire": "명",
    "hires": "명",
    "job": "명",
    "jobs": "명",
    "patient": "명",
    "patients": "명",
    "user": "명",
    "users": "명",
    "licence": "건",
    "licences": "건",
    "license": "건",
    "licenses": "건",
    "contract": "건",
    "contracts": "건",
    "order": "건",
    "orders": "건",
    "test": "건",
    "tests": "건",
    "hospital": "곳",
    "hospitals": "곳",
    "site": "곳",
    "sites": "곳",
    "clinic": "곳",
    "clinics": "곳",
    "dose": "회분",
    "doses": "회분",
}


# A Korean counter typed as the unit, and the English word an English text uses instead.
ENGLISH_UNITS = {
    "개": "units",
    "대": "units",
    "명": "people",
    "건": "cases",
    "곳": "sites",
    "회분": "doses",
    "키트": "kits",
    "병상": "beds",
    "회": "times",
}


def unit_word(unit: str, language: str | None = None) -> str:
    """The unit in the reader's language: an English unit a Korean text has a counter for ("devices" → "대",
    "people" → "명"), a Korean counter in English words ("명" → "people"); anything else as typed."""
    unit = (unit or "").strip()
    if is_korean(language):
        return KOREAN_UNITS.get(unit.lower(), unit)
    return ENGLISH_UNITS.get(unit, unit)


def quantity(value: Decimal | int | float | str | None, unit: str = "", language: str | None = None) -> str:
    """A count with its unit in the reader's words: "20만 개"-style number words in Korean ("5,000대" for
    "5,000 devices", "4명" for "4 people"), "200,000 kits" in English ("4 people" for "4명"). Empty for None."""
    number = as_decimal(value)
    if number is None:
        return ""
    unit = unit_word(unit, language)
    if is_korean(language):
        text = korean_number(number)
        return _join_korean(text, unit) if unit else text
    text = plain_number(number)
    return f"{text} {unit}" if unit else text


def day(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """2025-03-10 → "2025. 3. 10." (the form Korean offices write) / "10 Mar 2025"; a datetime is first moved
    into the active time zone. Empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if is_korean(language):
        return f"{value.year}. {value.month}. {value.day}."
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def clock(value: dt.datetime | dt.time, language: str | None = None) -> str:
    """14:30 → "오후 2:30" in Korean (the 12-hour clock Korean screens use), "14:30" in English."""
    if is_korean(language):
        half = "오전" if value.hour < 12 else "오후"
        return f"{half} {value.hour % 12 or 12}:{value.minute:02d}"
    return f"{value:%H:%M}"


def day_time(value: dt.datetime | None, zone: str | None = None, language: str | None = None) -> str:
    """A moment in ``zone`` (left out: the viewer's active zone): "2025. 3. 10. 오후 2:30" /
    "10 Mar 2025, 14:30". Empty for None."""
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = value.astimezone(zoneinfo.ZoneInfo(zone)) if zone else timezone.localtime(value)
    separator = " " if is_korean(language) else ", "
    return f"{day(value.date(), language)}{separator}{clock(value, language)}"


WEEKDAYS_KO = ("월", "화", "수", "목", "금", "토", "일")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def slot(
    start: dt.datetime, end: dt.datetime | None = None, zone: str | None = None, language: str | None = None
) -> str:
    """A meeting slot with its weekday, in ``zone`` (left out: the viewer's): "2026. 3. 7.(토) 오전 9:00–9:30" /
    "Sat 7 Mar 2026, 09:00–09:30". The weekday matters on an event's agenda, where days are what people plan by."""
    return " ".join(slot_parts(start, end, zone, language))


def slot_parts(
    start: dt.datetime, end: dt.datetime | None = None, zone: str | None = None, language: str | None = None
) -> tuple[str, str]:
    """:func:`slot` as its day and its time: ("2026. 12. 1.(화)", "오전 11:30–오후 12:00"). Pages keep each part
    on one line and let the line break between them — on a 390 px phone the whole slot in large type is
    wider than the screen on the days whose times are long."""

    def moved(value: dt.datetime) -> dt.datetime:
        if not timezone.is_aware(value):
            return value
        return value.astimezone(zoneinfo.ZoneInfo(zone)) if zone else timezone.localtime(value)

    begins = moved(start)
    until = ""
    if end:
        finishes = moved(end)
        until = "–" + clock(finishes, language)
        if is_korean(language) and (finishes.hour < 12) == (begins.hour < 12):
            until = "–" + until[1:].split(" ", 1)[1]  # "오전 9:00–9:30": the half of the day is said once
    if is_korean(language):
        return f"{day(begins.date(), 'ko')}({WEEKDAYS_KO[begins.weekday()]})", f"{clock(begins, 'ko')}{until}"
    return f"{WEEKDAYS_EN[begins.weekday()]} {day(begins.date(), 'en')},", f"{clock(begins, 'en')}{until}"


def country(code: str | None, language: str | None = None) -> str:
    """ "US" → "미국" / "United States"; a code not in the table is printed as given; empty for None."""
    if not code:
        return ""
    names = COUNTRY_NAMES.get(code.upper())
    if names is None:
        return code
    return names[0] if is_korean(language) else names[1]


def zone_city(zone: str | None, language: str | None = None) -> str:
    """ "Asia/Seoul" → "서울" / "Seoul"; an unlisted zone gives its city as the database spells it."""
    if not zone:
        return ""
    names = ZONE_NAMES.get(zone)
    if names is None:
        return zone.rsplit("/", 1)[-1].replace("_", " ")
    return names[0][0] if is_korean(language) else names[1][0]


def zone_name(zone: str | None, language: str | None = None) -> str:
    """ "Asia/Seoul" → "서울(한국 표준시)" / "Seoul (Korea time)"; an unlisted zone gives its city and the
    IANA name, so the reader still learns which zone it is."""
    if not zone:
        return ""
    names = ZONE_NAMES.get(zone)
    if names is None:
        return f"{zone_city(zone)} ({zone})"
    city, name = names[0] if is_korean(language) else names[1]
    if city == name.split(" ")[0]:
        return city
    return f"{city}({name})" if is_korean(language) else f"{city} ({name})"


def local_moment(value: dt.datetime, zone: str, place: str = "", language: str | None = None) -> str:
    """A moment as the record states it, at the place where it happened:
    "2024. 1. 17. 오전 10:30 (UC 샌디에이고 현지 시각)" / "17 Jan 2024, 10:30 (local time in UC San Diego)"."""
    where = place or zone_city(zone, language)
    with translation.override(language or translation.get_language()):
        label = translation.gettext("%(place)s local time") % {"place": where}
    return f"{day_time(value, zone, language)} ({label})"


def viewer_moment(value: dt.datetime, language: str | None = None) -> str:
    """The same moment for the viewer, in their active zone: "서울 시각 2024. 1. 18. 오전 3:30" /
    "Seoul time: 18 Jan 2024, 03:30"."""
    city = zone_city(timezone.get_current_timezone_name(), language)
    with translation.override(language or translation.get_language()):
        label = translation.gettext("%(city)s time") % {"city": city}
    when = day_time(value, language=language)
    return f"{label} {when}" if is_korean(language) else f"{label}: {when}"


# XLSX display formats: the cell keeps its number or date; only how a spreadsheet shows it changes.


def xlsx_number_format(decimals: bool = False) -> str:
    """Thousands separators; two decimals for money with a minor unit, none for counts and won."""
    return "#,##0.00" if decimals else "#,##0"


def xlsx_date_format(language: str | None = None) -> str:
    """ "yyyy. m. d." in Korean (how Korean offices write a date), "d mmm yyyy" in English."""
    return "yyyy. m. d." if is_korean(language) else "d mmm yyyy"


def money_has_minor_unit(currency: str) -> bool:
    return (currency or "").upper() not in NO_MINOR_UNIT


def korean_amount(amount: Decimal | int | float | str | None, currency: str) -> str:
    """``money`` in Korean whatever the active language (the bilingual brief writes both texts)."""
    return money(amount, currency, "ko")


def english_amount(amount: Decimal | int | float | str | None, currency: str) -> str:
    """``money`` in English whatever the active language."""
    return money(amount, currency, "en")
