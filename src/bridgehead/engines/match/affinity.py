"""Affinity between profiles and sparse top-k recommendation.

Each pair gets the features of :mod:`.scoring` (both text directions, complementary intents, both halves
of a fit, sectors, markets, stage), all in [0, 1] and symmetric, and a :class:`~.scoring.Scorer` — the
learned logistic model by default, hand-set weights as fallback — combines them. Components:

* text compares both directions — what A seeks against what B offers, and what B seeks against what A
  offers — as their mean and their minimum, so a match must make sense to both sides;
* intents: A's needs (recognised in its seeks text or set as tags) against B's capabilities, and back;
* sectors is the cosine of sector-tree vectors (a code plus its ancestors at half weight each level up);
* markets is 1 when the two profiles share a market, 0 when both list markets and share none, and a
  neutral 0.5 when either lists none;
* stage is 1 when one side's stage is in the other side's stage focus (``stages``), 0.5 for an adjacent
  stage or when no side states a focus, 0 otherwise.

Rows are processed in blocks against only the columns whose kind may meet the row's kind, with dense
matrix products per block and ``argpartition`` for the top k, so memory stays O(n·k + block·n).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from . import intents as intents_mod
from .encoders import CachedEncoder, Encoder
from .model import STAGES, Profile, Recommendations, Rules, Weights
from .scoring import Scorer, load
from .sectors import sector_matrix

NEUTRAL = 0.5


@dataclass
class Prepared:
    """Everything the scorer needs, as arrays aligned with ``profiles``."""

    profiles: list[Profile]
    seeks: np.ndarray  # (n, d) float32, L2-normalised
    offers: np.ndarray  # (n, d)
    sectors: sparse.csr_matrix | np.ndarray  # (n, V); dense when the code vocabulary is small
    markets: np.ndarray  # (n, m) float32 one-hot
    has_markets: np.ndarray  # (n,) bool
    stage_own: np.ndarray  # (n, 6) one-hot of the profile's stage
    stage_focus: np.ndarray  # (n, 6) 1 in focus, 0.5 adjacent
    has_stage: np.ndarray  # (n,) bool
    has_focus: np.ndarray  # (n,) bool
    kinds: np.ndarray  # (n,) int codes into kind_names
    kind_names: list[str]
    seek_intents: np.ndarray  # (n, I) float32 indicator of needs (tags ∪ recognised in seeks)
    offer_intents: np.ndarray  # (n, I) capabilities (tags ∪ recognised in offers)


def profile_intents(profile: Profile) -> tuple[set[str], set[str]]:
    """(needs, capabilities) of a profile: its tags plus the intents recognised in its texts."""
    seeks = set(profile.seeks_intents) | set(intents_mod.recognise(profile.seeks, "seeks"))
    offers = set(profile.offers_intents) | set(intents_mod.recognise(profile.offers, "offers"))
    return seeks, offers


def encode_profiles(
    profiles: Sequence[Profile], encoder: Encoder, progress: Callable[[int], None] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Encode seeks and offers texts in one pass (so the cache and batching see them together)."""
    texts = [p.seeks for p in profiles] + [p.offers for p in profiles]
    if isinstance(encoder, CachedEncoder):
        vecs = encoder.encode(texts, progress=progress)
    else:
        vecs = encoder.encode(texts)
        if progress is not None:
            progress(len(texts))
    n = len(profiles)
    return vecs[:n], vecs[n:]


def prepare(
    profiles: Sequence[Profile],
    encoder: Encoder | None = None,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Prepared:
    """Encode (unless ``vectors`` = (seeks, offers) are given) and build the feature arrays."""
    profiles = list(profiles)
    n = len(profiles)
    if vectors is None:
        if encoder is None:
            raise ValueError("prepare() needs an encoder or precomputed vectors")
        vectors = encode_profiles(profiles, encoder, progress)
    seeks, offers = vectors
    market_codes = sorted({m for p in profiles for m in p.markets})
    mpos = {m: i for i, m in enumerate(market_codes)}
    markets = np.zeros((n, max(len(market_codes), 1)), dtype=np.float32)
    stage_own = np.zeros((n, len(STAGES)), dtype=np.float32)
    stage_focus = np.zeros((n, len(STAGES)), dtype=np.float32)
    spos = {s: i for i, s in enumerate(STAGES)}
    kind_names = sorted({p.kind for p in profiles})
    kpos = {k: i for i, k in enumerate(kind_names)}
    kinds = np.zeros(n, dtype=np.int32)
    for i, p in enumerate(profiles):
        kinds[i] = kpos[p.kind]
        for m in p.markets:
            markets[i, mpos[m]] = 1.0
        if p.stage in spos:
            stage_own[i, spos[p.stage]] = 1.0
        for s in p.stages:
            if s in spos:
                j = spos[s]
                for adj in (j - 1, j + 1):
                    if 0 <= adj < len(STAGES):
                        stage_focus[i, adj] = max(stage_focus[i, adj], NEUTRAL)
        for s in p.stages:
            if s in spos:
                stage_focus[i, spos[s]] = 1.0
    both = [profile_intents(p) for p in profiles]
    return Prepared(
        profiles=profiles,
        seeks=np.ascontiguousarray(seeks, dtype=np.float32),
        offers=np.ascontiguousarray(offers, dtype=np.float32),
        sectors=_densify(sector_matrix([tuple(p.sectors) for p in profiles])),
        markets=markets,
        has_markets=markets.sum(axis=1) > 0,
        stage_own=stage_own,
        stage_focus=stage_focus,
        has_stage=stage_own.sum(axis=1) > 0,
        has_focus=stage_focus.sum(axis=1) > 0,
        kinds=kinds,
        kind_names=kind_names,
        seek_intents=intents_mod.intent_matrix([b[0] for b in both]),
        offer_intents=intents_mod.intent_matrix([b[1] for b in both]),
    )


#: Sector vocabularies up to this size are kept dense: a (block × V) @ (V × n) product is far cheaper
#: than a sparse product whose result is nearly dense (many profiles share a sector).
DENSE_SECTORS_MAX = 4096


def _densify(z: sparse.csr_matrix) -> sparse.csr_matrix | np.ndarray:
    return z.toarray().astype(np.float32) if z.shape[1] <= DENSE_SECTORS_MAX else z


@dataclass
class Components:
    """Features and scores for a block of rows × columns (each an array of the block's shape)."""

    a_to_b: np.ndarray  # what the row seeks vs what the column offers
    b_to_a: np.ndarray
    intent_ab: np.ndarray  # a need of the row is a capability of the column
    intent_ba: np.ndarray
    features: dict[str, np.ndarray]
    raw: np.ndarray  # the scorer's ranking value (log-odds for the learned model)
    total: np.ndarray  # score in [0, 1]

    @property
    def text(self) -> np.ndarray:
        return self.features["text_mean"]

    @property
    def sectors(self) -> np.ndarray:
        return self.features["sectors"]

    @property
    def markets(self) -> np.ndarray:
        return self.features["markets"]

    @property
    def stage(self) -> np.ndarray:
        return self.features["stage"]


def scorer_for(weights: Weights | None = None, scorer: Scorer | None = None) -> Scorer:
    """Explicit v1 ``weights`` win (the exact v1 formula), then an explicit scorer, then the shipped model."""
    if weights is not None:
        return Scorer.from_weights(weights)
    return scorer if scorer is not None else load()


def components(
    prep: Prepared, rows: np.ndarray, cols: np.ndarray, weights: Weights | None = None, scorer: Scorer | None = None
) -> Components:
    """Score every (row, column) pair of the block; symmetric in rows and columns by construction."""
    sc = scorer_for(weights, scorer)
    a_to_b = prep.seeks[rows] @ prep.offers[cols].T
    b_to_a = prep.offers[rows] @ prep.seeks[cols].T
    np.clip(a_to_b, 0.0, 1.0, out=a_to_b)
    np.clip(b_to_a, 0.0, 1.0, out=b_to_a)
    feats: dict[str, np.ndarray] = {
        "text_mean": (a_to_b + b_to_a) * np.float32(0.5),
        "text_min": np.minimum(a_to_b, b_to_a),
        "text_max": np.maximum(a_to_b, b_to_a),
    }
    st = _stage_fit(prep, rows, cols)
    inv = intents_mod.INDEX["investment"]
    other = np.ones(prep.seek_intents.shape[1], dtype=np.float32)
    other[inv] = 0.0
    s_r, o_r = prep.seek_intents[rows], prep.offer_intents[rows]
    s_c, o_c = prep.seek_intents[cols], prep.offer_intents[cols]
    rest_ab = np.minimum((s_r * other) @ o_c.T, 1.0)
    rest_ba = np.minimum((o_r * other) @ s_c.T, 1.0)
    inv_ab = s_r[:, inv][:, None] * o_c[:, inv][None, :]
    inv_ba = o_r[:, inv][:, None] * s_c[:, inv][None, :]
    i_ab = np.maximum(rest_ab, inv_ab)
    i_ba = np.maximum(rest_ba, inv_ba)
    stage_ok = (st >= 1.0).astype(np.float32)
    feats["intent_any"] = np.maximum(i_ab, i_ba)
    feats["intent_fit"] = np.maximum(np.maximum(rest_ab, rest_ba), np.maximum(inv_ab, inv_ba) * stage_ok)
    feats["intent_both"] = np.minimum(i_ab, i_ba)
    feats["halves"] = np.maximum(i_ab * b_to_a, i_ba * a_to_b)
    if isinstance(prep.sectors, np.ndarray):
        sec = prep.sectors[rows] @ prep.sectors[cols].T
    else:
        sec = np.asarray((prep.sectors[rows] @ prep.sectors[cols].T).todense(), dtype=np.float32)
    np.clip(sec, 0.0, 1.0, out=sec)
    feats["sectors"] = sec
    shared = prep.markets[rows] @ prep.markets[cols].T
    mk = np.where(shared > 0, 1.0, 0.0).astype(np.float32)
    either_empty = ~prep.has_markets[rows][:, None] | ~prep.has_markets[cols][None, :]
    mk[either_empty] = NEUTRAL
    feats["markets"] = mk
    feats["stage"] = st
    raw = sc.raw(feats)
    return Components(a_to_b, b_to_a, i_ab, i_ba, feats, raw, sc.finish(raw))


def _stage_fit(prep: Prepared, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    fit_rc = prep.stage_own[rows] @ prep.stage_focus[cols].T  # row's stage in column's focus
    fit_cr = prep.stage_focus[rows] @ prep.stage_own[cols].T
    def_rc = prep.has_stage[rows][:, None] & prep.has_focus[cols][None, :]
    def_cr = prep.has_focus[rows][:, None] & prep.has_stage[cols][None, :]
    out = np.full(fit_rc.shape, -1.0, dtype=np.float32)
    out = np.where(def_rc, fit_rc, out)
    out = np.where(def_cr, np.maximum(out, fit_cr), out)
    out[out < 0] = NEUTRAL
    return out.astype(np.float32, copy=False)


def allowed_columns(prep: Prepared, rules: Rules) -> dict[int, np.ndarray]:
    """For each kind code, the positions of the profiles it may meet (sorted)."""
    out: dict[int, np.ndarray] = {}
    for ki, kname in enumerate(prep.kind_names):
        ok = [kj for kj, other in enumerate(prep.kind_names) if rules.allows(kname, other)]
        out[ki] = np.flatnonzero(np.isin(prep.kinds, ok)).astype(np.int64)
    return out


def recommend(
    profiles: Sequence[Profile],
    encoder: Encoder | None = None,
    k: int = 10,
    rules: Rules | None = None,
    weights: Weights | None = None,
    *,
    scorer: Scorer | None = None,
    prepared: Prepared | None = None,
    block_rows: int = 512,
    progress: Callable[[int], None] | None = None,
) -> Recommendations:
    """Top-``k`` partners of every profile, best first, as an n×k sparse structure.

    Pairs that the rules forbid, blocked pairs and the profile itself never appear; rows with fewer than
    ``k`` allowed partners are padded with index −1. ``progress`` gets the number of rows scored so far.
    ``weights`` (v1's hand-set formula) or ``scorer`` choose the scoring; by default the shipped learned
    model (:func:`.scoring.load`).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    rules = rules or Rules()
    sc = scorer_for(weights, scorer)
    prep = prepared if prepared is not None else prepare(profiles, encoder)
    n = len(prep.profiles)
    pos = {p.id: i for i, p in enumerate(prep.profiles)}
    if len(pos) != n:
        raise ValueError("profile ids must be unique")
    blocked: dict[int, list[int]] = {}
    for a, b in rules.blocks:
        if a in pos and b in pos:
            blocked.setdefault(pos[a], []).append(pos[b])
            blocked.setdefault(pos[b], []).append(pos[a])
    index = np.full((n, k), -1, dtype=np.int32)
    score = np.zeros((n, k), dtype=np.float32)
    cols_of = allowed_columns(prep, rules)
    done = 0
    for kind_code, cols in cols_of.items():
        rows_all = np.flatnonzero(prep.kinds == kind_code)
        for start in range(0, len(rows_all), block_rows):
            rows = rows_all[start : start + block_rows]
            if len(cols):
                _top_k_block(prep, rows, cols, sc, blocked, k, index, score)
            done += len(rows)
            if progress is not None:
                progress(done)
    return Recommendations(ids=[p.id for p in prep.profiles], index=index, score=score)


def _top_k_block(
    prep: Prepared,
    rows: np.ndarray,
    cols: np.ndarray,
    scorer: Scorer,
    blocked: dict[int, list[int]],
    k: int,
    index: np.ndarray,
    score: np.ndarray,
) -> None:
    total = components(prep, rows, cols, scorer=scorer).raw
    col_pos = {int(c): j for j, c in enumerate(cols)} if blocked else None
    # Exclude self-pairs (same-kind rules) and blocked pairs.
    self_r, self_c = np.nonzero(rows[:, None] == cols[None, :])
    total[self_r, self_c] = -np.inf
    if col_pos is not None:
        for r, row in enumerate(rows):
            for other in blocked.get(int(row), ()):
                j = col_pos.get(other)
                if j is not None:
                    total[r, j] = -np.inf
    kk = min(k, total.shape[1])
    if kk < total.shape[1]:
        part = np.argpartition(-total, kk - 1, axis=1)[:, :kk]
    else:
        part = np.broadcast_to(np.arange(total.shape[1]), (len(rows), total.shape[1]))
    part_scores = np.take_along_axis(total, part, axis=1)
    # Best first; ties broken by column position so results are deterministic.
    order = np.lexsort((cols[part], -part_scores), axis=1)
    best = np.take_along_axis(part, order, axis=1)
    best_scores = np.take_along_axis(part_scores, order, axis=1)
    chosen = cols[best].astype(np.int32)
    chosen[~np.isfinite(best_scores)] = -1
    best_scores[~np.isfinite(best_scores)] = 0.0
    index[rows, :kk] = chosen
    score[rows, :kk] = np.where(chosen >= 0, scorer.finish(best_scores), 0.0)
