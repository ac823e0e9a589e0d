"""Recommended partners for every participant, from the matching engine, with structured reasons.

Profiles are the participants' own texts for this event (seeks/offers, in Korean or English) and intent
tags (what they look for / can offer, picked on the profile form) with their organisation's sectors, stage
and markets; the engine scores both directions so a recommendation suits both sides. Reasons are stored
structured and rendered in the viewer's language when shown; no two on a participant's page open with the
same sentence. Blocks ("no thanks") and the event's who-may-meet-whom rules are passed to the engine, so a
blocked pair is never recommended, and what participants did — "no thanks", requests declined by the
partner, accepted requests, post-meeting feedback — steers their own later recommendations.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bridgehead.engines import match as engine
from bridgehead.partnering.enums import RequestStatus
from bridgehead.partnering.models import (
    DEFAULT_ALLOWED_PAIRS,
    Event,
    Feedback,
    MeetingRequest,
    Participant,
    Recommendation,
)

#: The engine's intent vocabulary, as participants read it (engine.intents.INTENTS, same order).
INTENT_LABELS = {
    "investment": _("Investment"),
    "distribution": _("Distribution & sales channels"),
    "clinical_trials": _("Clinical trial sites"),
    "pilot": _("Pilots & validation sites"),
    "regulatory": _("Regulatory (FDA/MFDS)"),
    "manufacturing": _("Manufacturing / CDMO"),
    "licensing": _("Co-development & licensing"),
    "data": _("Clinical & health data"),
    "talent": _("Talent"),
    "market_entry": _("Market-entry services"),
    "mentoring": _("Mentoring & business development"),
    "research": _("Research collaboration"),
}
INTENT_CHOICES = [(code, INTENT_LABELS[code]) for code in engine.intents.CODES]


@cache
def _encoder(name: str) -> engine.Encoder:
    return engine.get_encoder(name)


def encoder() -> engine.Encoder:
    """The configured encoder (``MATCH_ENCODER``: "use" by default, "hash" in fast tests), loaded once."""
    return _encoder(getattr(settings, "MATCH_ENCODER", "use"))


def profile(participant: Participant) -> engine.Profile:
    """The engine's view of a participant. The organisation's description stands in for an empty *offers*
    text only: it describes what the organisation is and does, and used as a seeks text it made reasons
    quote a description as a wish (or a wish written there as an offer)."""
    organisation = participant.organisation
    fallback = organisation.description_ko if participant.language == "ko" else organisation.description_en
    known = set(engine.intents.CODES)
    return engine.Profile(
        id=str(participant.pk),
        kind=participant.kind,
        language=participant.language,
        seeks=participant.seeks or "",
        offers=participant.offers or fallback or "",
        sectors=tuple(s.code for s in organisation.sectors.all()),
        stage=organisation.stage or None,
        markets=tuple(organisation.markets_sought or organisation.markets_offered or ()),
        name=organisation.name,
        seeks_intents=tuple(c for c in participant.seeks_intents or () if c in known),
        offers_intents=tuple(c for c in participant.offers_intents or () if c in known),
    )


def intents_of(participant: Participant) -> tuple[list[str], list[str]]:
    """(looking for, can offer) as labels: the participant's tags plus what the engine reads in the texts."""
    seeks, offers = engine.profile_intents(profile(participant))
    return (
        [str(INTENT_LABELS[c]) for c in engine.intents.CODES if c in seeks],
        [str(INTENT_LABELS[c]) for c in engine.intents.CODES if c in offers],
    )


def feedback_for(event: Event) -> dict[str, list[tuple[str, str]]]:
    """What each participant's actions say about partners (engine.FEEDBACK_SIGNALS), by engine id."""
    out: dict[str, list[tuple[str, str]]] = {}

    def add(viewer: int, partner: int, signal: str) -> None:
        out.setdefault(str(viewer), []).append((str(partner), signal))

    for by, blocked in event.blocks.values_list("by_id", "blocked_id"):
        add(by, blocked, "no_thanks")
    answered = MeetingRequest.objects.filter(event=event).filter(
        Q(status=RequestStatus.DECLINED) | Q(status=RequestStatus.ACCEPTED)
    )
    for sender, recipient, status in answered.values_list("sender_id", "recipient_id", "status"):
        if status == RequestStatus.DECLINED:
            add(sender, recipient, "declined")
        else:
            add(sender, recipient, "accepted")
            add(recipient, sender, "accepted")
    given = Feedback.objects.filter(meeting__event=event).select_related("meeting")
    for fb in given:
        partner = fb.meeting.second_id if fb.participant_id == fb.meeting.first_id else fb.meeting.first_id
        add(fb.participant_id, partner, "met_positive" if fb.valuable else "met_negative")
    return out


def rules_for(event: Event) -> engine.Rules:
    pairs = event.allowed_pairs or DEFAULT_ALLOWED_PAIRS
    allowed = frozenset(frozenset(pair.split(":")) for pair in pairs)
    blocks = frozenset((str(a), str(b)) for a, b in event.blocks.values_list("by_id", "blocked_id"))
    return engine.Rules(allowed=allowed, blocks=blocks)


def refresh(*, event: Event, top_k: int = 10) -> int:
    """Recompute and replace the event's recommendations; returns how many were stored."""
    participants = list(event.participants.select_related("organisation").prefetch_related("organisation__sectors"))
    if len(participants) < 2:
        Recommendation.objects.filter(event=event).delete()
        return 0
    rows = recommendation_rows(event, participants, top_k=top_k, feedback=feedback_for(event))
    with transaction.atomic():
        Recommendation.objects.filter(event=event).delete()
        Recommendation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def recommendation_rows(
    event: Event,
    participants: list[Participant],
    *,
    top_k: int,
    feedback: dict[str, list[tuple[str, str]]] | None = None,
    only: set[int] | None = None,
) -> list[Recommendation]:
    """The (unsaved) recommendations among ``participants``, ranked and explained, for each of them — or only
    for the participants whose ids are in ``only`` (the load benchmark recommends among a pool for a few
    accounts). ``participants`` must come with their organisation and its sectors loaded."""
    profiles = [profile(p) for p in participants]
    enc = encoder()
    recs = engine.recommend(profiles, enc, k=min(top_k, len(profiles) - 1), rules=rules_for(event), feedback=feedback)
    explainer = engine.Explainer(enc)
    rows = []
    for i, me in enumerate(participants):
        if only is not None and me.pk not in only:
            continue
        partners = recs.matches(i)
        page = explainer.explain_list(profiles[i], [profiles[j] for j, _score in partners])
        for rank, ((j, score), reasons) in enumerate(zip(partners, page, strict=True), start=1):
            rows.append(
                Recommendation(
                    event=event,
                    participant=me,
                    partner=participants[j],
                    rank=rank,
                    score=round(score, 4),
                    reasons=reasons,
                )
            )
    return rows


def render_reasons(reasons: list[dict], language: str, *, viewer: str = "", partner: str = "") -> list[str]:
    """The stored reasons as text in ``language``, addressed by the viewer's kind (Korean: 귀사 for a startup or
    company, 귀 기관 otherwise) and naming the partner by its own kind (상대 기업 / 상대 기관)."""
    return [engine.render(reason, language, viewer=viewer or None, partner=partner or None) for reason in reasons]


#: How well a partner fits, as a founder reads it; the cutoffs are the engine's (FIT_HIGH, FIT_MEDIUM), read
#: from where labelled good partners fall among the scores shown (docs/engines/match.md, "Fit bands").
BAND_LABELS = {"high": _("High"), "medium": _("Medium"), "low": _("Low")}

#: Events up to this size compute their recommendations on the first visit; larger ones wait for the task.
COMPUTE_ON_VISIT_MAX = 500


def ensure(event: Event) -> None:
    """Compute the event's recommendations now if there are none yet and the event is small."""
    if not Recommendation.objects.filter(event=event).exists() and event.participants.count() <= COMPUTE_ON_VISIT_MAX:
        refresh(event=event)


def shown(rec: Recommendation, language: str) -> dict:
    """One recommendation as the page and the API show it: the fit band (code and label), the score, and the
    reasons as text (with their codes) in ``language``, addressed to the viewer."""
    band = engine.fit_band(rec.score)
    texts = render_reasons(rec.reasons, language, viewer=rec.participant.kind, partner=rec.partner.kind)
    return {
        "band": band,
        "band_label": BAND_LABELS[band],
        "score": rec.score,
        "reasons": [{"code": str(r.get("code")), "text": t} for r, t in zip(rec.reasons, texts, strict=True)],
    }
