"""Two-stage ranking and incremental refresh against exact, full recomputation."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bridgehead.engines.match import CachedEncoder, HashEncoder, Profile, Rules, prepare, recommend, refresh
from bridgehead.engines.match.scoring import Scorer

WORDS = [
    "seed",
    "investment",
    "contract",
    "manufacturer",
    "clinical",
    "trial",
    "hospital",
    "pilot",
    "FDA",
    "distribution",
    "wearable",
    "ECG",
    "antibody",
    "imaging",
    "AI",
    "genomics",
    "data",
    "Japan",
    "US",
]
KINDS = ["startup", "investor", "company", "hospital", "mentor"]


def _profiles(n: int, seed: int = 3) -> list[Profile]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        words = lambda: " ".join(rng.choice(WORDS, size=int(rng.integers(2, 7))))  # noqa: E731
        out.append(
            Profile(
                id=f"p{i:03d}",
                kind=KINDS[int(rng.integers(len(KINDS)))],
                language="en",
                seeks=f"We need {words()}.",
                offers=f"We offer {words()}.",
                sectors=tuple(
                    rng.choice(
                        ["bio.genomics", "health.ai", "medtech.devices", "health.wearables"],
                        size=int(rng.integers(1, 3)),
                        replace=False,
                    )
                ),
                stage=["seed", "series-a", None][int(rng.integers(3))],
                markets=("US",) if rng.random() < 0.5 else ("KR",),
                stages=("seed",) if rng.random() < 0.3 else (),
            )
        )
    return out


def _lists(recs) -> list[list[str]]:
    return [[recs.ids[j] for j, _ in recs.matches(i)] for i in range(len(recs.ids))]


def test_shortlist_as_wide_as_the_candidates_equals_exact_ranking() -> None:
    ps = _profiles(60)
    enc = HashEncoder(dim=64)
    prep = prepare(ps, enc)
    exact = recommend(ps, k=5, prepared=prep, shortlist=0)
    wide = recommend(ps, k=5, prepared=prep, shortlist=60)
    narrow = recommend(ps, k=5, prepared=prep, shortlist=20)
    assert _lists(wide) == _lists(exact)
    np.testing.assert_allclose(wide.score, exact.score, rtol=1e-5)
    # A narrower shortlist is an approximation: every score it returns is still an exact score of that pair,
    # and each list stays sorted best first.
    assert all(np.all(np.diff(row[row > 0]) <= 1e-7) for row in narrow.score)
    kept = np.mean([len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(_lists(narrow), _lists(exact), strict=True)])
    assert kept > 0.8


def test_refresh_after_changes_equals_a_full_recomputation() -> None:
    ps = _profiles(80)
    enc = CachedEncoder(HashEncoder(dim=64))
    rules = Rules(blocks=frozenset({("p001", "p002")}))
    prep = prepare(ps, enc)
    recs = recommend(ps, k=6, rules=rules, prepared=prep, shortlist=0)
    changed = list(ps)
    for i in (3, 17, 40, 41):
        changed[i] = replace(
            ps[i], offers="We offer contract manufacturer FDA clinical trial hospital pilot.", markets=("US",)
        )
    changed[50] = replace(ps[50], kind="investor" if ps[50].kind != "investor" else "hospital")
    before, hits = enc.misses, enc.hits
    new, new_prep = refresh(recs, prep, changed, enc, rules=rules, shortlist=0)
    # Only changed profiles are encoded: the four new offers are one text, p050's texts are cached.
    assert (enc.misses - before, enc.hits - hits) == (1, 9)
    full = recommend(changed, enc, k=6, rules=rules, shortlist=0)
    assert _lists(new) == _lists(full)
    np.testing.assert_allclose(new.score, full.score, rtol=1e-5, atol=1e-6)
    assert new_prep.profiles[3].offers.startswith("We offer contract manufacturer")
    # Nothing changed: the same lists come back.
    again, _ = refresh(new, new_prep, changed, enc, rules=rules, shortlist=0)
    assert _lists(again) == _lists(new)


def test_feedback_moves_partners_like_the_refused_one_down_for_that_viewer_only() -> None:
    import pytest

    startup = Profile(
        "s",
        "startup",
        "en",
        "We need a contract manufacturer.",
        "Wearable ECG patch.",
        ("medtech.devices",),
        "seed",
        ("US",),
    )
    other = Profile(
        "t",
        "startup",
        "en",
        "We need a contract manufacturer.",
        "Wearable ECG patch.",
        ("medtech.devices",),
        "seed",
        ("US",),
    )
    refused = Profile(
        "m1",
        "company",
        "en",
        "Wearables.",
        "Contract manufacturing of plastic housings in China.",
        ("medtech.devices",),
        None,
        ("US",),
    )
    alike = Profile(
        "m2",
        "company",
        "en",
        "Wearables.",
        "Contract manufacturing of plastic housings in Vietnam.",
        ("medtech.devices",),
        None,
        ("US",),
    )
    unlike = Profile(
        "m3",
        "company",
        "en",
        "Wearables and patches.",
        "Contract manufacturing of ECG electrodes.",
        ("medtech.devices",),
        None,
        ("US",),
    )
    ps = [startup, other, refused, alike, unlike]
    enc = HashEncoder(dim=256)
    rules = Rules(blocks=frozenset({("s", "m1")}))
    # A scorer on text alone keeps m2 and m3 close, so the test is about the feedback, not the model.
    sc = Scorer({"text_mean": 1.0}, logistic=True)
    plain = recommend(ps, enc, k=3, rules=rules, scorer=sc)
    steered = recommend(ps, enc, k=3, rules=rules, scorer=sc, feedback={"s": [("m1", "no_thanks")]})
    ids = lambda recs, i: [recs.ids[j] for j, _ in recs.matches(i)]  # noqa: E731
    assert ids(plain, 0) == ["m2", "m3"]
    assert ids(steered, 0) == ["m3", "m2"]
    assert ids(steered, 1) == ids(plain, 1)  # nobody else's list moves
    more = recommend(ps, enc, k=3, rules=rules, scorer=sc, feedback={"s": [("m3", "met_positive")]})
    assert ids(more, 0)[0] == "m3"
    with pytest.raises(ValueError, match="unknown feedback signal 'meh'"):
        recommend(ps, enc, k=3, feedback={"s": [("m2", "meh")]})
