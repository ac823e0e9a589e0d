"""Recommended partners for every participant, from the matching engine, with structured reasons.

Profiles are the participants' own texts for this event (seeks/offers, in Korean or English) with their
organisation's sectors, stage and markets; the engine scores both directions so a recommendation suits both
sides. Reasons are stored structured and rendered in the viewer's language when shown. Blocks ("no thanks")
and the event's who-may-meet-whom rules are passed to the engine, so a blocked pair is never recommended.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import transaction

from bridgehead.engines import match as engine
from bridgehead.partnering.models import DEFAULT_ALLOWED_PAIRS, Event, Participant, Recommendation


@cache
def _encoder(name: str) -> engine.Encoder:
    return engine.get_encoder(name)


def encoder() -> engine.Encoder:
    """The configured encoder (``MATCH_ENCODER``: "use" by default, "hash" in fast tests), loaded once."""
    return _encoder(getattr(settings, "MATCH_ENCODER", "use"))


def profile(participant: Participant) -> engine.Profile:
    organisation = participant.organisation
    fallback = organisation.description_ko if participant.language == "ko" else organisation.description_en
    return engine.Profile(
        id=str(participant.pk),
        kind=participant.kind,
        language=participant.language,
        seeks=participant.seeks or fallback or "",
        offers=participant.offers or fallback or "",
        sectors=tuple(s.code for s in organisation.sectors.all()),
        stage=organisation.stage or None,
        markets=tuple(organisation.markets_sought or organisation.markets_offered or ()),
        name=organisation.name,
    )


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
    profiles = [profile(p) for p in participants]
    enc = encoder()
    recs = engine.recommend(profiles, enc, k=min(top_k, len(profiles) - 1), rules=rules_for(event))
    explainer = engine.Explainer(enc)
    rows = []
    for i, me in enumerate(participants):
        for rank, (j, score) in enumerate(recs.matches(i), start=1):
            reasons = explainer.explain(profiles[i], profiles[j])
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
    with transaction.atomic():
        Recommendation.objects.filter(event=event).delete()
        Recommendation.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def render_reasons(reasons: list[dict], language: str) -> list[str]:
    return [engine.render(reason, language) for reason in reasons]
