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


def bilingual(field: str) -> property:
    """A read-only property for ``<field>_ko``/``<field>_en`` in the active language (see :func:`pick`).

    Declared on a model as ``title = bilingual("title")``, so every bilingual pair reads the same way.
    """
    return property(lambda self: pick(self, field), doc=f"{field} in the viewer's language, else the other one")


class BilingualMixin:
    """Adds ``name`` and ``description`` that follow the active language."""

    name = bilingual("name")
    description = bilingual("description")
