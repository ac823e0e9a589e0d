from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bridgehead.engines.match import HashEncoder, Profile, Rules, Weights, components, prepare, recommend
from bridgehead.engines.match.sectors import sector_matrix, shared_and_neighbouring


def _pair_score(prep, a: int, b: int, weights: Weights) -> float:
    return float(components(prep, np.array([a]), np.array([b]), weights).total[0, 0])


def test_scores_are_symmetric(profiles, hash_encoder) -> None:
    prep = prepare(profiles, hash_encoder)
    idx = np.arange(len(profiles))
    total = components(prep, idx, idx, Weights()).total
    np.testing.assert_allclose(total, total.T, atol=1e-6)


def test_sector_tree_overlap_values() -> None:
    z = sector_matrix(
        [("bio.genomics",), ("bio.genomics",), ("bio.synbio",), ("bio",), ("medtech.imaging",), ("quantum",)]
    )
    sims = (z @ z.T).toarray()
    assert abs(sims[0, 1] - 1.0) < 1e-6  # same code
    assert abs(sims[0, 2] - 0.2) < 1e-6  # siblings meet through the parent: 0.5·0.5 / (1 + 0.25)
    assert abs(sims[0, 3] - 0.5 / np.sqrt(1.25)) < 1e-6  # parent and child
    assert sims[0, 4] == 0.0  # different trees
    assert sims[5, 5] > 0.99 and sims[5, 0] == 0.0  # an unknown code is its own root


def test_shared_and_neighbouring_sectors() -> None:
    shared, neighbours = shared_and_neighbouring(["health.ai", "medtech.diagnostics"], ["health.digital", "medtech"])
    assert shared == ["medtech"]
    assert neighbours == [("health.ai", "health.digital")]


def test_market_and_stage_fit(profiles, hash_encoder) -> None:
    prep = prepare(profiles, hash_encoder)
    comp = components(prep, np.array([0, 1, 4]), np.array([2]), Weights())
    # s1 seeks US and is seed; i1 is active in the US and invests seed + Series A.
    assert comp.markets[0, 0] == 1.0 and comp.stage[0, 0] == 1.0
    # s2 wants Japan at Series A: no shared market; Series A is in i1's focus.
    assert comp.markets[1, 0] == 0.0 and comp.stage[1, 0] == 1.0
    # c1 has no stage and i1's focus cannot apply: neutral.
    assert comp.stage[2, 0] == 0.5


def test_rules_blocks_and_self_are_respected(profiles, hash_encoder) -> None:
    rules = Rules(blocks=frozenset({("i1", "s1")}))
    recs = recommend(profiles, hash_encoder, k=4, rules=rules)
    ids = recs.ids
    kinds = {p.id: p.kind for p in profiles}
    for i, row in enumerate(ids):
        partners = [ids[j] for j, _ in recs.matches(i)]
        assert row not in partners
        assert all(rules.allows(kinds[row], kinds[p]) for p in partners)
    assert "i1" not in [ids[j] for j, _ in recs.matches(0)]
    assert "s1" not in [ids[j] for j, _ in recs.matches(2)]
    # startups never meet each other by default, but can when the rule is enabled
    assert "s2" not in [ids[j] for j, _ in recs.matches(0)]
    opened = recommend(profiles, hash_encoder, k=4, rules=Rules().with_pairs(("startup", "startup")))
    assert "s2" in [ids[j] for j, _ in opened.matches(0)]


def test_rows_with_no_allowed_partner_are_padded(hash_encoder) -> None:
    lonely = [Profile("a", "government", "en", "x", "y"), Profile("b", "government", "en", "x", "y")]
    recs = recommend(lonely, hash_encoder, k=3)
    assert recs.index.tolist() == [[-1, -1, -1], [-1, -1, -1]]


WORDS = [
    "ai",
    "diagnostics",
    "funding",
    "clinical",
    "trial",
    "device",
    "market",
    "us",
    "patch",
    "data",
    "임상",
    "투자",
    "병원",
]
SECTORS = ["bio", "bio.genomics", "bio.synbio", "health.ai", "health.data", "medtech.devices", "x"]


@st.composite
def profile_sets(draw):
    n = draw(st.integers(2, 14))
    out = []
    for i in range(n):
        out.append(
            Profile(
                id=f"p{i}",
                kind=draw(st.sampled_from(["startup", "investor", "company", "hospital"])),
                language="en",
                seeks=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=5))),
                offers=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=5))),
                sectors=tuple(draw(st.lists(st.sampled_from(SECTORS), max_size=3, unique=True))),
                stage=draw(st.sampled_from([None, "seed", "series-a", "growth"])),
                markets=tuple(draw(st.lists(st.sampled_from(["US", "KR", "JP"]), max_size=2, unique=True))),
                stages=tuple(draw(st.lists(st.sampled_from(["seed", "series-a"]), max_size=2, unique=True))),
            )
        )
    return out


@settings(max_examples=60, deadline=None)
@given(profile_sets(), st.integers(1, 5), st.integers(1, 4))
def test_top_k_matches_brute_force(ps, k, block_rows) -> None:
    enc = HashEncoder(dim=64)
    rules = Rules()
    w = Weights()
    recs = recommend(ps, enc, k=k, rules=rules, weights=w, block_rows=block_rows)
    prep = prepare(ps, enc)
    for i, p in enumerate(ps):
        brute = sorted(
            ((-_pair_score(prep, i, j, w), j) for j, q in enumerate(ps) if j != i and rules.allows(p.kind, q.kind)),
        )[:k]
        got = recs.matches(i)
        assert len(got) == len(brute)
        np.testing.assert_allclose([s for _, s in got], [-s for s, _ in brute], atol=1e-5)
        for (j, _score), (neg, _) in zip(got, brute, strict=True):
            assert abs(_pair_score(prep, i, j, w) + neg) < 1e-5
