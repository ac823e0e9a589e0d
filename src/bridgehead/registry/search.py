"""Bilingual search over the registry without a search server.

Each record keeps ``search_text``: its Korean and English names and descriptions, case-folded and
NFC-normalised. A query is split into terms; Korean terms go through kiwipiepy so particles and endings
("타이로스코프에서", "진단하는") reduce to the stem that appears in the record. Every term must match.
This works the same on SQLite and PostgreSQL, which a full-text index would not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django.db.models import Q, QuerySet

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_WORD = re.compile(r"[\w.+-]+", re.UNICODE)
# Kiwi tags kept as search terms: nouns, verb/adjective roots, foreign words, numbers, roman letters.
_KEEP_TAGS = ("NN", "NR", "NP", "VV", "VA", "XR", "SL", "SH", "SN", "MAG")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").casefold()


def index_text(*parts: str) -> str:
    return "\n".join(normalise(part) for part in parts if part)


@cache
def _kiwi():
    from kiwipiepy import Kiwi  # Korean morphology loads only when Korean text is indexed

    return Kiwi()


def query_terms(query: str) -> list[str]:
    """Split a query into the terms that must each appear in a record."""
    terms: list[str] = []
    for word in _WORD.findall(normalise(query)):
        if _HANGUL.search(word):
            stems = [tok.form for tok in _kiwi().tokenize(word) if tok.tag.startswith(_KEEP_TAGS)]
            joined = "".join(stems)
            # Keep the compound as written when kiwi splits a proper noun it does not know.
            terms.append(joined if joined and joined in word else (stems[0] if stems else word))
        else:
            terms.append(word)
    return [term for term in dict.fromkeys(terms) if term]


def search(queryset: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    for term in query_terms(query):
        queryset = queryset.filter(Q(**{f"{field}__contains": term}))
    return queryset
