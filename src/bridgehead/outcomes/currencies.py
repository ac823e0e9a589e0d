"""ISO 4217 currency codes, so a typo ("WON", "US$") is refused instead of silently creating a currency no
rate will ever convert. The list is the active codes of ISO 4217 (funds and precious metals left out)."""

from __future__ import annotations

from decimal import Decimal

ISO_4217 = frozenset([
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD",
    "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
    "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
    "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
    "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
    "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
    "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF",
    "XPF", "YER", "ZAR", "ZMW", "ZWG",
])

# Currencies people here use most; they come first in pickers.
COMMON = ("USD", "KRW", "CNY", "EUR", "JPY")

# Minor units differ from 2 for the currencies that matter here (a won or a yen has no cents).
_ZERO_DECIMALS = frozenset({"KRW", "JPY", "VND", "CLP", "ISK", "UGX", "PYG", "XAF", "XOF", "XPF", "KMF", "RWF"})


def is_currency(code: str) -> bool:
    return code in ISO_4217


def quantum(code: str) -> Decimal:
    """The smallest unit shown for ``code``: 1 for won, 0.01 for dollars."""
    return Decimal(1) if code in _ZERO_DECIMALS else Decimal("0.01")


def choices() -> list[tuple[str, str]]:
    rest = sorted(ISO_4217 - set(COMMON))
    return [(code, code) for code in (*COMMON, *rest)]
