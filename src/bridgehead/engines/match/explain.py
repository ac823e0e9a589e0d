"""Why a pair scored: structured reasons plus a Korean/English renderer.

Reasons are plain dicts with a ``code`` and parameters, always written from the viewer's side: ``a`` is the
profile that receives the recommendation, ``b`` the recommended partner. Every phrase a reason quotes is
a verbatim piece (sentence or clause) of the profile it is attributed to, and sectors, markets and stages
are only cited when they appear in the profiles, so a reason never invents anything. The web app may
re-render reasons by ``code`` with its own translations; :func:`render` is the engine's own wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .encoders import CachedEncoder, Encoder
from .model import STAGES, Profile, Recommendations
from .sectors import parent, sector_name, shared_and_neighbouring

Reason = dict[str, Any]

#: A phrase pair below this cosine is not worth citing.
PHRASE_MIN = 0.25

_EN_SPLIT = re.compile(r"(?<=[.!?;])\s+|\s*;\s*|\n+")
_MIN_PHRASE_CHARS = 4


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi()


#: Korean pieces longer than this after punctuation splitting go through kiwipiepy's sentence splitter.
KIWI_MIN_CHARS = 80


def phrases(text: str, language: str) -> list[str]:
    """Split a profile text into sentences/clauses; each one is a verbatim substring of ``text``.

    Both languages are cut at sentence punctuation and semicolons. Korean profile texts often run
    sentences together without punctuation ("…개발했습니다 미국 진출을 원합니다"), so a long Korean piece
    is further split by kiwipiepy's sentence splitter; short ones skip it because it costs ~10 ms a call.
    """
    text = text.strip()
    if not text:
        return []
    parts = _EN_SPLIT.split(text)
    if language == "ko":
        parts = [q for p in parts for q in _split_korean(p)]
    out = [p.strip() for p in parts if p and len(p.strip()) >= _MIN_PHRASE_CHARS]
    out = [p for p in out if p in text]  # guarantee verbatim citations
    return list(dict.fromkeys(out)) or [text]


def _split_korean(piece: str) -> list[str]:
    if len(piece) <= KIWI_MIN_CHARS:
        return [piece]
    return [s.text for s in _kiwi().split_into_sents(piece)]


class Explainer:
    """Builds reasons for pairs; phrase vectors are cached per text, so explaining k partners of n
    profiles encodes each profile's phrases once."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)
        self._split: dict[tuple[str, str], list[str]] = {}

    def _phrases(self, text: str, language: str) -> tuple[list[str], np.ndarray]:
        key = (text, language)
        if key not in self._split:
            self._split[key] = phrases(text, language)
        ps = self._split[key]
        return ps, self.encoder.encode(ps)

    def best_phrase(self, seeks: Profile, offers: Profile) -> tuple[str, str, float] | None:
        """The phrase of ``seeks.seeks`` and the phrase of ``offers.offers`` that match best."""
        pa, va = self._phrases(seeks.seeks, seeks.language)
        pb, vb = self._phrases(offers.offers, offers.language)
        if not pa or not pb:
            return None
        sim = va @ vb.T
        i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
        return pa[i], pb[j], float(sim[i, j])

    def explain(self, a: Profile, b: Profile) -> list[Reason]:
        """Reasons why ``b`` suits ``a`` (and ``a`` suits ``b``), strongest first."""
        reasons: list[Reason] = []
        phrase_reasons: list[Reason] = []
        best = self.best_phrase(a, b)
        if best is not None and best[2] >= PHRASE_MIN:
            phrase_reasons.append(_phrase("a_seeks", best[0], best[1], best[2]))
        back = self.best_phrase(b, a)
        if back is not None and back[2] >= PHRASE_MIN:
            phrase_reasons.append(_phrase("b_seeks", back[1], back[0], back[2]))
        phrase_reasons.sort(key=lambda r: -r["similarity"])
        reasons.extend(phrase_reasons)
        shared, neighbours = shared_and_neighbouring(a.sectors, b.sectors)
        if shared:
            reasons.append({"code": "shared_sectors", "sectors": shared})
        if neighbours:
            reasons.append({"code": "neighbouring_sectors", "pairs": [list(p) for p in neighbours]})
        common = [m for m in a.markets if m in set(b.markets)]
        if common:
            reasons.append({"code": "market_fit", "markets": common})
        stage = _stage_reason(a, b)
        if stage is not None:
            reasons.append(stage)
        return reasons


def _phrase(direction: str, a: str, b: str, similarity: float) -> Reason:
    return {"code": "phrase", "direction": direction, "a": a, "b": b, "similarity": round(similarity, 3)}


def _stage_reason(a: Profile, b: Profile) -> Reason | None:
    if a.stage in STAGES and a.stage in b.stages:
        return {"code": "stage_fit", "holder": "a", "stage": a.stage, "focus": list(b.stages)}
    if b.stage in STAGES and b.stage in a.stages:
        return {"code": "stage_fit", "holder": "b", "stage": b.stage, "focus": list(a.stages)}
    return None


COUNTRIES: dict[str, tuple[str, str]] = {
    "US": ("미국", "the United States"),
    "KR": ("한국", "Korea"),
    "CN": ("중국", "China"),
    "JP": ("일본", "Japan"),
    "DE": ("독일", "Germany"),
    "SG": ("싱가포르", "Singapore"),
    "GB": ("영국", "the United Kingdom"),
    "FR": ("프랑스", "France"),
    "CA": ("캐나다", "Canada"),
    "VN": ("베트남", "Vietnam"),
    "IN": ("인도", "India"),
    "AU": ("호주", "Australia"),
    "CH": ("스위스", "Switzerland"),
    "TW": ("대만", "Taiwan"),
}
STAGE_NAMES: dict[str, tuple[str, str]] = {
    "pre-seed": ("프리시드", "pre-seed"),
    "seed": ("시드", "seed"),
    "series-a": ("시리즈 A", "Series A"),
    "series-b": ("시리즈 B", "Series B"),
    "growth": ("성장 단계", "growth"),
    "public": ("상장", "public"),
}


def _country(code: str, lang: str) -> str:
    names = COUNTRIES.get(code)
    return code if names is None else names[0 if lang == "ko" else 1]


def _stage(code: str, lang: str) -> str:
    names = STAGE_NAMES.get(code)
    return code if names is None else names[0 if lang == "ko" else 1]


def _join(items: list[str], lang: str) -> str:
    if lang == "ko":
        return ", ".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def render(reason: Reason, lang: str) -> str:
    """One reason as a sentence in ``lang`` ("ko" or "en"), addressed to the viewer (side ``a``).

    Unknown codes render as the code itself, so a newer engine never breaks an older web app.
    """
    ko = lang == "ko"
    code = reason.get("code")
    if code == "phrase":
        reason = {**reason, "a": reason["a"].rstrip(". "), "b": reason["b"].rstrip(". ")}
    if code == "phrase":
        if reason["direction"] == "a_seeks":
            if ko:
                return (f"귀 기관의 요청 사항(‘{reason['a']}’)이 "
                        f"상대 기관의 제공 역량(‘{reason['b']}’)과 잘 맞습니다.")
            return f"You are looking for “{reason['a']}”; they offer “{reason['b']}”."
        if ko:
            return (f"상대 기관이 찾는 내용(‘{reason['b']}’)을 "
                    f"귀 기관의 역량(‘{reason['a']}’)으로 채울 수 있습니다.")
        return f"They are looking for “{reason['b']}”, which you offer: “{reason['a']}”."
    if code == "shared_sectors":
        names = _join([sector_name(s, lang) for s in reason["sectors"]], lang)
        return f"두 기관 모두 {names} 분야에서 활동하고 있습니다." if ko else f"You both work in {names}."
    if code == "neighbouring_sectors":
        parts = []
        for x, y in reason["pairs"]:
            p = parent(x) or x
            if ko:
                parts.append(f"귀 기관은 {sector_name(x, lang)}, 상대 기관은 {sector_name(y, lang)} 분야로 "
                             f"같은 {sector_name(p, lang)} 계열입니다")
            else:
                parts.append(f"you are in {sector_name(x, lang)} and they are in {sector_name(y, lang)}, "
                             f"both part of {sector_name(p, lang)}")
        if ko:
            return "인접 분야입니다. " + "; ".join(parts) + "."
        return "Neighbouring sectors: " + "; ".join(parts) + "."
    if code == "market_fit":
        names = _join([_country(m, lang) for m in reason["markets"]], lang)
        return f"{names} 시장에 대한 관심이 서로 겹칩니다." if ko else f"You share an interest in {names}."
    if code == "stage_fit":
        stage = _stage(reason["stage"], lang)
        focus = _join([_stage(s, lang) for s in reason["focus"]], lang)
        if reason["holder"] == "a":
            if ko:
                return f"귀사의 현재 단계({stage})가 상대 기관의 투자·지원 대상 단계({focus})에 해당합니다."
            return f"Your stage ({stage}) is within their focus ({focus})."
        if ko:
            return f"상대 기업의 현재 단계({stage})가 귀 기관의 투자·지원 대상 단계({focus})에 해당합니다."
        return f"Their stage ({stage}) is within your focus ({focus})."
    return str(code)


def recommendation_rows(
    recs: Recommendations,
    profiles: Sequence[Profile],
    explainer: Explainer | None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """The CLI/JSONL shape: ``{"id", "matches": [{"id", "score", "reasons"}]}`` per profile.

    Each reason dict also carries ``text``, rendered in the language of the profile that receives the
    recommendation (the viewer). Without an explainer, ``reasons`` is empty.
    """
    for i, profile in enumerate(profiles):
        matches = []
        for j, score in recs.matches(i):
            reasons: list[Reason] = []
            if explainer is not None:
                reasons = explainer.explain(profile, profiles[j])
                reasons = [{**r, "text": render(r, profile.language)} for r in reasons]
            matches.append({"id": recs.ids[j], "score": round(score, 4), "reasons": reasons})
        if progress is not None:
            progress(i + 1)
        yield {"id": profile.id, "matches": matches}
