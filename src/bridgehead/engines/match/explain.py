"""Why a pair scored: structured reasons plus a Korean/English renderer.

Reasons are plain dicts with a ``code`` and parameters, always written from the viewer's side: ``a`` is the
profile that receives the recommendation, ``b`` the recommended partner. Every phrase a reason quotes is
a verbatim piece (sentence or clause) of the field it is attributed to — ``a_field``/``b_field`` name it,
so a seek is quoted as a seek and an offer as an offer — and sectors, markets and stages are only cited
when they appear in the profiles, so a reason never invents anything. A sentence that asks for something
("…실증을 원합니다", "we are looking for…") is never quoted as what a profile offers, even if its author
wrote it in the offers field.

Reasons carry ``weight``: their feature's contribution to the learned score (log-odds), and are ordered
by it, so the first reason is the one that mattered most for *this* pair — except that a need the viewer
ticked themselves (an intent tag) which the partner meets always leads: it is what they said they came for.
:meth:`Explainer.explain_list` explains a page of recommendations and makes sure no two of them open with
the same sentence. The web app may re-render reasons by ``code`` with its own translations; :func:`render`
is the engine's own: it addresses the viewer by the two profiles' kinds (Korean 귀사 / 귀 기관 for the viewer,
상대 기업 / 상대 기관 for the partner), sets quotes apart after the sentence, and picks Korean particles by
pronunciation (:mod:`.korean`). :func:`fit_band` turns a score into the band a page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from . import intents as intents_mod
from .affinity import pair_components, prepare
from .encoders import CachedEncoder, Encoder
from .korean import josa
from .model import STAGES, Profile, Recommendations
from .scoring import FEATURES, Scorer, load
from .sectors import parent, sector_name, shared_and_neighbouring

Reason = dict[str, Any]

#: Fit bands of the learned score (a probability): see docs/engines/match.md "Fit bands" for how they were read
#: from bench/results/match_bands.json.
FIT_HIGH = 0.95
FIT_MEDIUM = 0.6
FIT_BANDS = ("high", "medium", "low")


def fit_band(score: float) -> str:
    """``"high"``, ``"medium"`` or ``"low"`` for a learned score (FIT_HIGH and FIT_MEDIUM are the cutoffs)."""
    if score >= FIT_HIGH:
        return "high"
    if score >= FIT_MEDIUM:
        return "medium"
    return "low"


#: A phrase pair below this cosine is not worth citing.
PHRASE_MIN = 0.25

_EN_SPLIT = re.compile(r"(?<=[.!?;])\s+|\s*;\s*|\n+")
_MIN_PHRASE_CHARS = 4


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    from kiwipiepy import Kiwi  # Korean morphology loads only for Korean explanations

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


#: A sentence that asks for something: never quoted as what its profile offers.
_ASKING = re.compile(
    r"\b(looking for|we need|we seek|seeking|we want|we would like|we hope|in search of|searching for)\b"
    r"|원합니다|원한다|찾고 있|찾습니다|필요합니다|필요하다|구합니다|희망합니다|바랍니다|싶습니다",
    re.IGNORECASE,
)


def offer_phrases(text: str, language: str) -> list[str]:
    """The phrases of an offers text that state something offered (asking sentences left out)."""
    ps = phrases(text, language)
    kept = [p for p in ps if not _ASKING.search(p)]
    return kept


def _split_korean(piece: str) -> list[str]:
    if len(piece) <= KIWI_MIN_CHARS:
        return [piece]
    return [s.text for s in _kiwi().split_into_sents(piece)]


class Explainer:
    """Builds reasons for pairs; phrase vectors are cached per text, so explaining k partners of n
    profiles encodes each profile's phrases once. ``scorer`` (default: the shipped model) weighs them."""

    def __init__(self, encoder: Encoder, scorer: Scorer | None = None) -> None:
        self.encoder = encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)
        self.scorer = scorer if scorer is not None else load()
        self._split: dict[tuple[str, str, str], list[str]] = {}

    def _phrases(self, text: str, language: str, field: str) -> tuple[list[str], np.ndarray]:
        key = (text, language, field)
        if key not in self._split:
            self._split[key] = phrases(text, language) if field == "seeks" else offer_phrases(text, language)
        ps = self._split[key]
        return ps, self.encoder.encode(ps)

    def best_phrase(self, seeks: Profile, offers: Profile) -> tuple[str, str, float] | None:
        """The phrase of ``seeks.seeks`` and the phrase of ``offers.offers`` that match best."""
        pa, va = self._phrases(seeks.seeks, seeks.language, "seeks")
        pb, vb = self._phrases(offers.offers, offers.language, "offers")
        if not pa or not pb:
            return None
        sim = va @ vb.T
        i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
        return pa[i], pb[j], float(sim[i, j])

    def features(self, a: Profile, b: Profile) -> dict[str, float]:
        """The pair's score features (as the ranking computed them) for the contributions."""
        prep = prepare([a, b], self.encoder)
        feats, _ = pair_components(prep, np.array([0]), np.array([1]), self.scorer)
        return {f: float(feats[f][0]) for f in FEATURES}

    def explain(self, a: Profile, b: Profile) -> list[Reason]:
        """Reasons why ``b`` suits ``a`` (and ``a`` suits ``b``), the one that weighed most first."""
        contrib = self.scorer.contributions(self.features(a, b))
        # fit_sectors (need met × same field) is half the intent's, half the sectors'.
        both = contrib.get("fit_sectors", 0.0) / 2
        intent_w = both + sum(contrib.get(f, 0.0) for f in ("intent_any", "intent_fit", "intent_both", "halves"))
        # Topics (interest against product) are what the quoted phrases show: they weigh with the text.
        text_w = sum(contrib.get(f, 0.0) for f in ("text_mean", "text_min", "text_max", "topics", "topic_halves"))
        reasons: list[Reason] = []
        reasons.extend(_intent_reasons(a, b, intent_w))
        # A phrase pair an intent reason already quotes would say the same thing twice on the card.
        quoted = {(r["direction"], r.get("a"), r.get("b")) for r in reasons}
        best = self.best_phrase(a, b)
        if best is not None and best[2] >= PHRASE_MIN and ("a_seeks", best[0], best[1]) not in quoted:
            reasons.append({**_phrase("a_seeks", best[0], best[1], best[2]), "weight": round(text_w * best[2], 4)})
        back = self.best_phrase(b, a)
        if back is not None and back[2] >= PHRASE_MIN and ("b_seeks", back[1], back[0]) not in quoted:
            reasons.append({**_phrase("b_seeks", back[1], back[0], back[2]), "weight": round(text_w * back[2], 4)})
        shared, neighbours = shared_and_neighbouring(a.sectors, b.sectors)
        sector_w = round(contrib.get("sectors", 0.0) + both, 4)
        if shared:
            reasons.append({"code": "shared_sectors", "sectors": shared, "weight": sector_w})
        if neighbours:
            reasons.append(
                {
                    "code": "neighbouring_sectors",
                    "pairs": [list(p) for p in neighbours],
                    "weight": round(sector_w / 2, 4),
                }
            )
        common = [m for m in a.markets if m in set(b.markets)]
        if common:
            reasons.append({"code": "market_fit", "markets": common, "weight": contrib.get("markets", 0.0)})
        stage = _stage_reason(a, b)
        if stage is not None:
            reasons.append({**stage, "weight": contrib.get("stage", 0.0)})
        # A need the viewer ticked themselves, met by the partner, leads: the viewer said it is what they came
        # for, whatever the model weighs; everything else follows by its contribution.
        reasons.sort(key=lambda r: (not _ticked_need_met(a, r), -float(r.get("weight", 0.0))))
        return reasons

    def explain_list(self, a: Profile, partners: Sequence[Profile]) -> list[list[Reason]]:
        """Reasons for a page of recommendations (best first): no two open with the same sentence.

        Each partner's reasons keep their order, except that the first reason whose sentence has not yet
        opened another recommendation on the page — in Korean *and* in English, as addressed to ``a`` (the
        web app shows the page in its visitor's language, which may not be the profile's) — is moved to the
        front. If every reason of a partner is already taken, a ``profile`` reason quoting one of the
        partner's own offers sentences (and, if need be, its name) opens it instead.
        """
        used: set[str] = set()
        out: list[list[Reason]] = []
        for b in partners:
            reasons = self.explain(a, b)
            pick = next((i for i, r in enumerate(reasons) if not used & _texts(r, a, b)), None)
            if pick is None:
                opener = _profile_reason(a, b, used)
                reasons.insert(0, opener)
                pick = 0
            reasons.insert(0, reasons.pop(pick))
            used |= _texts(reasons[0], a, b)
            out.append(reasons)
        return out


def _texts(reason: Reason, a: Profile, b: Profile) -> set[str]:
    """The reason as ``a`` reads it about ``b``, in both languages."""
    return {render(reason, lang, viewer=a.kind, partner=b.kind) for lang in ("ko", "en")}


def _ticked_need_met(a: Profile, reason: Reason) -> bool:
    return (
        reason.get("code") == "intent"
        and reason.get("direction") == "a_seeks"
        and reason.get("intent") in set(a.seeks_intents)
    )


def _profile_reason(a: Profile, b: Profile, used: set[str]) -> Reason:
    """A sentence of what ``b`` offers that no other recommendation on ``a``'s page opened with."""
    candidates = offer_phrases(b.offers, b.language) or phrases(b.offers, b.language) or [b.offers or b.id]
    for quote in candidates:
        reason: Reason = {"code": "profile", "b": quote, "b_field": "offers", "weight": 0.0}
        if not used & _texts(reason, a, b):
            return reason
    return {"code": "profile", "b": candidates[0], "b_field": "offers", "name": b.name or b.id, "weight": 0.0}


def _intent_reasons(a: Profile, b: Profile, weight: float) -> list[Reason]:
    """Complementary intents: a need of one side that the other side offers, with the quoted sentences
    (from the seeks field for the need, the offers field for the capability; absent for a tag)."""
    out: list[Reason] = []
    for direction, seeker, giver in (("a_seeks", a, b), ("b_seeks", b, a)):
        needs = intents_mod.recognise(seeker.seeks, "seeks")
        caps = intents_mod.recognise(giver.offers, "offers")
        need_codes = set(needs) | set(seeker.seeks_intents)
        cap_codes = set(caps) | set(giver.offers_intents)
        for code in intents_mod.CODES:
            if code not in need_codes or code not in cap_codes:
                continue
            if code == "investment" and seeker.stage and giver.stages and seeker.stage not in giver.stages:
                continue  # an investor outside the seeker's stage does not meet this need
            need_q, cap_q = needs.get(code), caps.get(code)
            if cap_q is not None and _ASKING.search(cap_q):
                cap_q = None
            r: Reason = {"code": "intent", "direction": direction, "intent": code, "weight": round(weight, 4)}
            if direction == "a_seeks":
                r.update(a=need_q, a_field="seeks", b=cap_q, b_field="offers")
            else:
                r.update(b=need_q, b_field="seeks", a=cap_q, a_field="offers")
            if code == "investment":
                r["stage"] = seeker.stage
                r["focus"] = list(giver.stages)
            out.append(r)
    # The viewer's own needs first, then what they can give.
    return out


def _phrase(direction: str, a: str, b: str, similarity: float) -> Reason:
    fields = ("seeks", "offers") if direction == "a_seeks" else ("offers", "seeks")
    return {
        "code": "phrase",
        "direction": direction,
        "a": a,
        "b": b,
        "a_field": fields[0],
        "b_field": fields[1],
        "similarity": round(similarity, 3),
    }


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


#: Kinds addressed as a company (귀사 / 상대 기업); every other kind is an institution (귀 기관 / 상대 기관).
COMPANY_KINDS = frozenset({"startup", "company"})


def _you(kind: str | None) -> str:
    """How a Korean reason addresses the viewer: 귀사 for a startup or company, 귀 기관 for anyone else."""
    return "귀사" if kind in COMPANY_KINDS else "귀 기관"


def _them(kind: str | None) -> str:
    """How a Korean reason names the partner, by the partner's own kind: 상대 기업 or 상대 기관."""
    return "상대 기업" if kind in COMPANY_KINDS else "상대 기관"


def _q(text: str | None) -> str:
    """A quoted phrase, in typographic double quotes (Korean uses “…” too); final full stops dropped."""
    if not text:
        return ""
    return f"“{text.rstrip('. ')}”"


def _quotes(*items: tuple[str, str | None]) -> str:
    """Korean quotes set apart after the sentence, each as its own labelled clause ("귀사의 희망 사항: “…”"),
    joined by " / "; items whose quote is missing are left out. Empty when there is nothing to quote."""
    parts = [f"{label}: {_q(text)}" for label, text in items if text]
    return (" " + " / ".join(parts)) if parts else ""


def _render_intent(reason: Reason, ko: bool, viewer: str | None, partner: str | None) -> str:
    intent = intents_mod.BY_CODE.get(reason["intent"])
    if intent is None:
        return str(reason["intent"])
    lang = "ko" if ko else "en"
    need, cap = intent.need[0 if ko else 1], intent.capability[0 if ko else 1]
    you, them = _you(viewer), _them(partner)
    a_q, b_q = _q(reason.get("a")), _q(reason.get("b"))
    a_seeks = reason["direction"] == "a_seeks"
    if reason["intent"] == "investment" and reason.get("focus"):
        focus = _join([_stage(x, lang) for x in reason["focus"]], lang)
        stage = _stage(reason["stage"], lang) if reason.get("stage") else None
        if a_seeks:
            if ko:
                head = f"{josa(them, '은/는')} {focus} 단계에 투자합니다."
                tail = f" {josa(you, '이/가')} 찾는 {stage} 투자와 맞습니다." if stage else ""
                return head + tail + _quotes((f"{them}의 투자 내용", reason.get("b")))
            head = f"They invest at {focus}"
            tail = f" — you are raising {stage}." if stage else "."
            return head + tail + (f" {b_q}" if b_q else "")
        if ko:
            raising = f"{stage} 투자를" if stage else "투자를"
            head = f"{josa(them, '은/는')} {raising} 유치하려 합니다."
            tail = f" {you}의 투자 단계({focus})와 맞습니다."
            return head + tail + _quotes((f"{them}의 희망 사항", reason.get("b")))
        head = f"They are raising {stage}" if stage else "They are raising money"
        return head + f" — you invest at {focus}." + (f" {b_q}" if b_q else "")
    if a_seeks:
        if ko:
            # "와 관련해 … 도움을 줄 수 있습니다" reads well after a partner ("위탁생산(CDMO) 파트너") and after a
            # service ("인허가(FDA·식약처) 지원") alike; "…를 제공할 수 있습니다" had an institution provide a partner.
            head = (
                f"{josa(you, '이/가')} 찾는 {josa(need, '과/와')} 관련해 {josa(them, '이/가')} 도움을 줄 수 있습니다."
            )
            return head + _quotes(
                (f"{you}의 희망 사항", reason.get("a")), (f"{them}의 제공 가능 내용", reason.get("b"))
            )
        start = f"You are looking for {need}" + (f" ({a_q})" if a_q else "")
        return f"{start}; they offer {cap}" + (f": {b_q}." if b_q else ".")
    if ko:
        head = f"{josa(them, '이/가')} 찾는 {josa(need, '과/와')} 관련해 {josa(you, '이/가')} 도움을 줄 수 있습니다."
        quotes = ((f"{them}의 희망 사항", reason.get("b")), (f"{you}의 제공 가능 내용", reason.get("a")))
        return head + _quotes(*quotes)
    start = f"They are looking for {need}" + (f" ({b_q})" if b_q else "")
    return f"{start}, which you offer" + (f": {a_q}." if a_q else ".")


def render(reason: Reason, lang: str, *, viewer: str | None = None, partner: str | None = None) -> str:
    """One reason as text in ``lang`` ("ko" or "en"), addressed to the viewer (side ``a``).

    ``viewer`` and ``partner`` are the two profiles' kinds: Korean addresses a startup or company as 귀사 and
    anyone else as 귀 기관, and names the partner 상대 기업 or 상대 기관 by *its* kind, the same way in every
    reason (unknown kinds: 귀 기관 / 상대 기관). A quoted phrase follows the sentence as its own labelled
    clause in “…”; a seek is a 희망 사항, an offer a 제공 가능 내용. English says "you" and "they".
    Unknown codes render as the code itself, so a newer engine never breaks an older web app.
    """
    ko = lang == "ko"
    you, them = _you(viewer), _them(partner)
    code = reason.get("code")
    if code == "intent":
        return _render_intent(reason, ko, viewer, partner)
    if code == "profile":
        quote = _q(reason["b"])
        if reason.get("name"):
            return f"{reason['name']}의 제공 가능 내용: {quote}" if ko else f"{reason['name']} offers {quote}."
        return f"{them}의 제공 가능 내용: {quote}" if ko else f"What they offer: {quote}."
    if code == "phrase":
        a, b = reason["a"].rstrip(". "), reason["b"].rstrip(". ")
        if reason["direction"] == "a_seeks":
            if ko:
                return f"{josa(you, '이/가')} 찾는 것과 {josa(them, '이/가')} 제공하는 것이 잘 맞습니다." + _quotes(
                    (f"{you}의 희망 사항", a), (f"{them}의 제공 가능 내용", b)
                )
            return f"You are looking for “{a}”; they offer “{b}”."
        if ko:
            return f"{josa(them, '이/가')} 찾는 것을 {josa(you, '이/가')} 제공할 수 있습니다." + _quotes(
                (f"{them}의 희망 사항", b), (f"{you}의 제공 가능 내용", a)
            )
        return f"They are looking for “{b}”, which you offer: “{a}”."
    if code == "shared_sectors":
        names = _join([sector_name(s, lang) for s in reason["sectors"]], lang)
        if ko:
            return f"{josa(you, '과/와')} {them} 모두 {names} 분야에서 활동하고 있습니다."
        return f"You both work in {names}."
    if code == "neighbouring_sectors":
        parts = []
        for x, y in reason["pairs"]:
            p = parent(x) or x
            if ko:
                parts.append(
                    f"{josa(you, '은/는')} {sector_name(x, lang)}, {josa(them, '은/는')} {sector_name(y, lang)} "
                    f"분야로, 모두 {sector_name(p, lang)} 계열입니다."
                )
            else:
                parts.append(
                    f"you are in {sector_name(x, lang)} and they are in {sector_name(y, lang)}, "
                    f"both part of {sector_name(p, lang)}"
                )
        if ko:
            return "인접 분야입니다. " + " ".join(parts)
        return "Neighbouring sectors: " + "; ".join(parts) + "."
    if code == "market_fit":
        names = _join([_country(m, lang) for m in reason["markets"]], lang)
        if ko:
            return f"{josa(you, '과/와')} {them} 모두 {names} 시장에 관심이 있습니다."
        return f"You share an interest in {names}."
    if code == "stage_fit":
        stage = _stage(reason["stage"], lang)
        focus = _join([_stage(s, lang) for s in reason["focus"]], lang)
        if reason["holder"] == "a":
            if ko:
                return f"{you}의 현재 단계({stage})가 {them}의 투자·지원 대상 단계({focus})에 해당합니다."
            return f"Your stage ({stage}) is within their focus ({focus})."
        if ko:
            return f"{them}의 현재 단계({stage})가 {you}의 투자·지원 대상 단계({focus})에 해당합니다."
        return f"Their stage ({stage}) is within your focus ({focus})."
    return str(code)


def recommendation_rows(
    recs: Recommendations,
    profiles: Sequence[Profile],
    explainer: Explainer | None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """The CLI/JSONL shape: ``{"id", "matches": [{"id", "score", "reasons", "contributions"}]}`` per profile.

    Each reason dict also carries ``text``, rendered in the language of the profile that receives the
    recommendation (the viewer) and addressed by the two profiles' kinds; each match carries ``band``
    (:func:`fit_band`). No two matches of a profile open with the same sentence.
    ``contributions`` are the learned model's per-feature log-odds for the pair. Without an explainer,
    ``reasons`` is empty and there are no contributions.
    """
    for i, profile in enumerate(profiles):
        partners = recs.matches(i)
        matches = []
        lists = explainer.explain_list(profile, [profiles[j] for j, _ in partners]) if explainer else None
        for n, (j, score) in enumerate(partners):
            match: dict[str, Any] = {"id": recs.ids[j], "score": round(score, 4), "band": fit_band(score)}
            match["reasons"] = []
            if explainer is not None and lists is not None:
                match["reasons"] = [
                    {**r, "text": render(r, profile.language, viewer=profile.kind, partner=profiles[j].kind)}
                    for r in lists[n]
                ]
                match["contributions"] = explainer.scorer.contributions(explainer.features(profile, profiles[j]))
            matches.append(match)
        if progress is not None:
            progress(i + 1)
        yield {"id": profile.id, "matches": matches}
