"""Synthetic partnering events, seeded, shaped like real ones (BIO-style: days × two sessions × 30-minute slots).

Two variants:

* ``"normal"``: startups (60%), corporates (20%), investors (8%), others (12%); startups and others request
  meetings with corporates and investors, chosen with a skewed (Zipf-like) popularity so a few investors get
  many requests; 30% of participants have restricted availability (a missing day or half-day); 5% are
  virtual-only; a few meetings are fixed; about ``N/20`` tables (1,000 at 20,000 participants).
* ``"dense"``: most people attend one or two days (the rest of the event is unavailable), talks block a few
  slots inside their days, 15% of requests are between two startups or two investors (so the request graph
  is not bipartite), and tables are only ~10% above an average slot's in-person demand.

Accepted requests per receiver are capped at what they could attend (like a real investor who stops
accepting), so most — not all — requests can be held; the bound says how many.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from .model import Instance, Meeting, Participant, PreferredHours, Slot, validate

VARIANTS = ("normal", "dense")
EVENT_ZONE = "America/Los_Angeles"
EVENT_START = datetime(2024, 6, 3, 16, 0, tzinfo=UTC)  # 09:00 in San Diego


def _slots(days: int, per_session: int) -> list[Slot]:
    out = []
    for d in range(days):
        day0 = EVENT_START + timedelta(days=d)
        for half, (label, offset) in enumerate((("am", 0), ("pm", per_session * 30 + 30))):
            for i in range(per_session):
                k = half * per_session + i + 1
                start = day0 + timedelta(minutes=offset + 30 * i)
                out.append(
                    Slot(
                        id=f"d{d + 1}-{k:02d}",
                        start=start.isoformat().replace("+00:00", "Z"),
                        minutes=30,
                        session=f"d{d + 1}-{label}",
                    )
                )
    return out


def generate(
    participants: int,
    seed: int = 0,
    *,
    variant: str = "normal",
    days: int = 4,
    slots_per_session: int = 8,
    requests_per_participant: float = 3.0,
    name: str | None = None,
    virtual_share: float = 0.0,
    virtual_zone: str = "Asia/Seoul",
) -> Instance:
    """A seeded synthetic event with about ``requests_per_participant × participants`` accepted requests.

    ``virtual_share`` > 0 makes it a hybrid event: that share of participants joins online from
    ``virtual_zone`` (their meetings are virtual), and everyone states preferred hours 08:00–20:00 in their
    own zone (the event's, San Diego, for those on site). The rest of the event is the same as without.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if participants < 2:
        raise ValueError("participants must be at least 2")
    if days < 1 or slots_per_session < 1:
        raise ValueError("days and slots_per_session must be positive")
    rng = random.Random(f"{seed}-{variant}-{participants}")
    dense = variant == "dense"
    slots = _slots(days, slots_per_session)
    n_slots = len(slots)
    day_len = 2 * slots_per_session
    n = participants

    kinds = []
    for _ in range(n):
        r = rng.random()
        kinds.append("startup" if r < 0.60 else "corporate" if r < 0.80 else "investor" if r < 0.88 else "other")
    # Availability.
    avail: list[set[int]] = []
    unavailable: list[tuple[str, ...]] = []
    for _ in range(n):
        free = set(range(n_slots))
        if dense:
            r = rng.random()
            n_days = 1 if r < 0.5 else 2 if r < 0.85 else days
            n_days = min(n_days, days)
            first = rng.randrange(days - n_days + 1)
            attend = set(range(first, first + n_days))
            free = {s for s in free if s // day_len in attend}
            if rng.random() < 0.30:
                for _ in range(rng.randint(1, 3)):
                    d = rng.choice(sorted(attend))
                    start = d * day_len + rng.randrange(day_len - 1)
                    free -= {start, start + 1}
        elif rng.random() < 0.30:
            r = rng.random()
            if r < 0.5 and days > 1:
                d = rng.randrange(days)
                free -= set(range(d * day_len, (d + 1) * day_len))
            else:
                d = rng.randrange(days)
                h = rng.randrange(2)
                lo = d * day_len + h * slots_per_session
                free -= set(range(lo, lo + slots_per_session))
        avail.append(free)
        unavailable.append(tuple(slots[s].id for s in range(n_slots) if s not in free))
    virtual_only = [rng.random() < 0.05 for _ in range(n)]
    max_meetings: list[int | None] = [None] * n
    for i in range(n):
        if kinds[i] in ("investor", "corporate") and rng.random() < 0.5:
            max_meetings[i] = rng.randint(12, 32)

    # Skewed popularity among receivers.
    receivers = [i for i in range(n) if kinds[i] in ("investor", "corporate")] or list(range(n))
    rng.shuffle(receivers)
    pop = [1.0 / (rank + 1) ** 0.7 for rank in range(len(receivers))]
    cum = list(accumulate(pop))
    requesters = [i for i in range(n) if kinds[i] in ("startup", "other")] or list(range(n))
    startups = [i for i in range(n) if kinds[i] == "startup"] or list(range(n))
    investors = [i for i in range(n) if kinds[i] == "investor"] or list(range(n))

    def capacity(i: int) -> int:
        cap = len(avail[i]) if max_meetings[i] is None else min(max_meetings[i], len(avail[i]))
        return max(0, cap if dense else math.floor(0.8 * cap))

    target = round(requests_per_participant * n)
    load = [0] * n
    pairs: set[tuple[int, int]] = set()
    meetings_raw: list[tuple[int, int]] = []
    attempts = 0
    while len(meetings_raw) < target and attempts < 20 * target:
        attempts += 1
        if dense and rng.random() < 0.15:
            pool = startups if rng.random() < 0.7 else investors
            a, b = rng.choice(pool), rng.choice(pool)
        else:
            a = rng.choice(requesters)
            b = receivers[bisect.bisect_left(cum, rng.random() * cum[-1])]
        if a == b:
            continue
        key = (min(a, b), max(a, b))
        if key in pairs or load[a] >= capacity(a) or load[b] >= capacity(b):
            continue
        if not avail[a] & avail[b] and rng.random() < 0.9:
            continue  # most people do not accept a meeting they cannot attend
        pairs.add(key)
        load[a] += 1
        load[b] += 1
        meetings_raw.append((a, b))

    meetings: list[Meeting] = []
    fixed_taken: set[tuple[int, int]] = set()
    fixed_in_person = [0] * n_slots
    in_person_total = 0
    modes = []
    for a, b in meetings_raw:
        virtual = virtual_only[a] or virtual_only[b]
        mode = "virtual" if virtual else "in_person" if rng.random() < 0.85 else "either"
        modes.append(mode)
        in_person_total += mode == "in_person"
    if dense:
        tables = max(1, math.ceil(1.10 * in_person_total / n_slots))
    else:
        tables = max(1, round(n / 20), math.ceil(1.05 * in_person_total / n_slots))
    for k, ((a, b), mode) in enumerate(zip(meetings_raw, modes, strict=True)):
        r = rng.random()
        weight = 3.0 if r < 0.02 else 2.0 if r < 0.22 else 1.0
        fixed = None
        common = sorted(avail[a] & avail[b])
        if common and rng.random() < 0.003:
            s = rng.choice(common)
            if (a, s) not in fixed_taken and (b, s) not in fixed_taken and fixed_in_person[s] < tables:
                fixed_taken.update({(a, s), (b, s)})
                fixed_in_person[s] += mode == "in_person"
                fixed = slots[s].id
        meetings.append(
            Meeting(id=f"m{k + 1}", participants=(f"p{a + 1}", f"p{b + 1}"), weight=weight, mode=mode, fixed=fixed)
        )
    fixed_count = [0] * n
    for a, _s in fixed_taken:
        fixed_count[a] += 1
    people = tuple(
        Participant(
            id=f"p{i + 1}",
            unavailable=unavailable[i],
            max_meetings=None if max_meetings[i] is None else max(max_meetings[i], fixed_count[i]),
        )
        for i in range(n)
    )
    instance = Instance(
        name=name or f"synthetic-{variant}-{n}-s{seed}",
        slots=tuple(slots),
        tables=tables,
        participants=people,
        meetings=tuple(meetings),
        break_rule="idle",
        max_break_spread=None,
    )
    if virtual_share > 0:
        instance = _hybrid(instance, virtual_share, virtual_zone, seed)
    validate(instance)
    return instance


def _hybrid(instance: Instance, share: float, zone: str, seed: int) -> Instance:
    """Make ``share`` of the participants remote in ``zone`` (own random stream: the base event is kept)."""
    rng = random.Random(f"{seed}-hybrid-{zone}")
    remote = {p.id for p in instance.participants if rng.random() < share}
    people = tuple(
        replace(p, preferred_hours=PreferredHours(zone if p.id in remote else EVENT_ZONE))
        for p in instance.participants
    )
    meetings = tuple(
        replace(m, mode="virtual", fixed=None) if remote & set(m.participants) else m for m in instance.meetings
    )
    return replace(instance, participants=people, meetings=meetings, name=f"{instance.name}-hybrid")
