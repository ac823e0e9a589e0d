"""Content in two languages: every name and description is stored in Korean and English.

``pick`` returns the viewer's language and falls back to the other one, so a record typed in only one
language still shows something (marked by the template when it is a fallback).
"""

from __future__ import annotations

from django.utils import translation


def pick(obj: object, field: str, language: str | None = None) -> str:
    lang = (language or translation.get_language() or "en")[:2]
    first, second = ("ko", "en") if lang == "ko" else ("en", "ko")
    return getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", "") or ""


class BilingualMixin:
    """Adds ``name``/``title``/``description`` properties that follow the active language."""

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def description(self) -> str:
        return pick(self, "description")
