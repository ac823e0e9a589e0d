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

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from . import intents as intents_mod
from . import topics as topics_mod
from .encoders import CachedEncoder, Encoder
from .model import STAGES, Profile, Recommendations, Rules, Weights
from .scoring import Scorer, load
from .sectors import sector_matrix

NEUTRAL = 0.5

#: BLAS threads while ranking. One, because on the shared 2-core machine multi-threaded OpenBLAS spins
#: waiting for busy cores: ranking 20,000 profiles took 72 s with two threads and 38 s with one at load
#: average 14 (and a 512×512 eigendecomposition 4 s against 0.13 s). Raise it on a dedicated host.
BLAS_THREADS = 1


def blas_threads(threads: int | None = None) -> contextlib.AbstractContextManager[object]:
    """Limit BLAS threads for a block of work (no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits  # optional: BLAS limits are a nicety
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads or BLAS_THREADS, user_api="blas")


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
    interest_topics: np.ndarray  # (n, T) unit rows: topics named in seeks (what it is interested in)
    product_topics: np.ndarray  # (n, T) unit rows: topics named in offers (what its product is about)
    extras: dict[str, Any] = field(default_factory=dict)  # derived data kept for refreshes (the shortlist)


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
    previous: Prepared | None = None,
) -> Prepared:
    """Encode (unless ``vectors`` = (seeks, offers) are given) and build the feature arrays.

    With ``previous`` (the same ids in the same order), text vectors and intents of unchanged profiles
    are copied from it and only changed profiles are encoded and recognised — the costly parts; the
    cheap per-profile arrays (sectors, markets, stage, kind) are rebuilt for all.
    """
    profiles = list(profiles)
    n = len(profiles)
    reuse = (
        previous is not None
        and vectors is None
        and len(previous.profiles) == n
        and all(p.id == q.id for p, q in zip(profiles, previous.profiles, strict=True))
    )
    changed: list[int] = []
    if reuse:
        assert previous is not None
        changed = [i for i, (p, q) in enumerate(zip(profiles, previous.profiles, strict=True)) if p != q]
        seeks, offers = previous.seeks.copy(), previous.offers.copy()
        if changed:
            if encoder is None:
                raise ValueError("prepare() needs an encoder to encode changed profiles")
            new_s, new_o = encode_profiles([profiles[i] for i in changed], encoder)
            seeks[changed], offers[changed] = new_s, new_o
        vectors = (seeks, offers)
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
    if reuse:
        assert previous is not None
        seek_int, offer_int = previous.seek_intents.copy(), previous.offer_intents.copy()
        if changed:
            both = [profile_intents(profiles[i]) for i in changed]
            seek_int[changed] = intents_mod.intent_matrix([b[0] for b in both])
            offer_int[changed] = intents_mod.intent_matrix([b[1] for b in both])
        interest, product = previous.interest_topics.copy(), previous.product_topics.copy()
        if changed:
            interest[changed] = topics_mod.topic_matrix([profiles[i].seeks for i in changed])
            product[changed] = topics_mod.topic_matrix([profiles[i].offers for i in changed])
    else:
        both = [profile_intents(p) for p in profiles]
        seek_int = intents_mod.intent_matrix([b[0] for b in both])
        offer_int = intents_mod.intent_matrix([b[1] for b in both])
        interest = topics_mod.topic_matrix([p.seeks for p in profiles])
        product = topics_mod.topic_matrix([p.offers for p in profiles])
    return Prepared(
        profiles=profiles,
        seeks=np.ascontiguousarray(seeks, dtype=np.float32),
        offers=np.ascontiguousarray(offers, dtype=np.float32),
        sectors=(
            previous.sectors
            if reuse
            and previous is not None
            and all(p.sectors == q.sectors for p, q in zip(profiles, previous.profiles, strict=True))
            else _densify(sector_matrix([tuple(p.sectors) for p in profiles]))
        ),
        markets=markets,
        has_markets=markets.sum(axis=1) > 0,
        stage_own=stage_own,
        stage_focus=stage_focus,
        has_stage=stage_own.sum(axis=1) > 0,
        has_focus=stage_focus.sum(axis=1) > 0,
        kinds=kinds,
        kind_names=kind_names,
        seek_intents=seek_int,
        offer_intents=offer_int,
        interest_topics=interest,
        product_topics=product,
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
    st, st_known = _stage_fit(prep, rows, cols)
    shared = prep.markets[rows] @ prep.markets[cols].T
    mk = np.where(shared > 0, 1.0, 0.0).astype(np.float32)
    either_empty = ~prep.has_markets[rows][:, None] | ~prep.has_markets[cols][None, :]
    mk[either_empty] = NEUTRAL
    inv, plain, local = _intent_masks(prep)
    s_r, o_r = prep.seek_intents[rows], prep.offer_intents[rows]
    s_c, o_c = prep.seek_intents[cols], prep.offer_intents[cols]
    plain_ab = np.minimum((s_r * plain) @ o_c.T, 1.0)
    plain_ba = np.minimum((o_r * plain) @ s_c.T, 1.0)
    local_ab = np.minimum((s_r * local) @ o_c.T, 1.0)
    local_ba = np.minimum((o_r * local) @ s_c.T, 1.0)
    inv_ab = s_r[:, inv][:, None] * o_c[:, inv][None, :]
    inv_ba = o_r[:, inv][:, None] * s_c[:, inv][None, :]
    i_ab, i_ba = _intent_features(
        feats, plain_ab, plain_ba, local_ab, local_ba, inv_ab, inv_ba, st, st_known, mk, a_to_b, b_to_a
    )
    if isinstance(prep.sectors, np.ndarray):
        sec = prep.sectors[rows] @ prep.sectors[cols].T
    else:
        sec = np.asarray((prep.sectors[rows] @ prep.sectors[cols].T).todense(), dtype=np.float32)
    np.clip(sec, 0.0, 1.0, out=sec)
    feats["sectors"] = sec
    feats["fit_sectors"] = feats["intent_fit"] * sec
    t_ab = prep.interest_topics[rows] @ prep.product_topics[cols].T
    t_ba = prep.product_topics[rows] @ prep.interest_topics[cols].T
    _topic_features(feats, t_ab, t_ba, i_ab, i_ba)
    feats["markets"] = mk
    feats["stage"] = st
    raw = sc.raw(feats)
    return Components(a_to_b, b_to_a, i_ab, i_ba, feats, raw, sc.finish(raw))


#: Intents whose help is tied to a market (a US distributor does not help a startup bound for Japan).
MARKET_INTENTS = ("distribution", "market_entry")


def _intent_masks(prep: Prepared) -> tuple[int, np.ndarray, np.ndarray]:
    """(investment column, mask of plain intents, mask of market-bound intents)."""
    width = prep.seek_intents.shape[1]
    inv = intents_mod.INDEX["investment"]
    local = np.zeros(width, dtype=np.float32)
    for code in MARKET_INTENTS:
        local[intents_mod.INDEX[code]] = 1.0
    plain = np.ones(width, dtype=np.float32) - local
    plain[inv] = 0.0
    return inv, plain, local


def _intent_features(
    feats: dict[str, np.ndarray],
    plain_ab: np.ndarray,
    plain_ba: np.ndarray,
    local_ab: np.ndarray,
    local_ba: np.ndarray,
    inv_ab: np.ndarray,
    inv_ba: np.ndarray,
    st: np.ndarray,
    st_known: np.ndarray,
    mk: np.ndarray,
    a_to_b: np.ndarray,
    b_to_a: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The intent features from complementary-intent indicators (each direction, by intent group):
    ``intent_fit`` counts investment only at a stage in the investor's focus — or when no stage and focus
    are stated, as many organisations state none — and market-bound help only where the two share a
    market (or either states none)."""
    i_ab = np.maximum(np.maximum(plain_ab, local_ab), inv_ab)
    i_ba = np.maximum(np.maximum(plain_ba, local_ba), inv_ba)
    feats["intent_any"] = np.maximum(i_ab, i_ba)
    fit = np.maximum(plain_ab, plain_ba)
    fit = np.maximum(fit, np.maximum(local_ab, local_ba) * (mk >= NEUTRAL))
    feats["intent_fit"] = np.maximum(fit, np.maximum(inv_ab, inv_ba) * ((st >= 1.0) | ~st_known))
    feats["intent_both"] = np.minimum(i_ab, i_ba)
    feats["halves"] = np.maximum(i_ab * b_to_a, i_ba * a_to_b)
    return i_ab, i_ba


def _topic_features(
    feats: dict[str, np.ndarray], t_ab: np.ndarray, t_ba: np.ndarray, i_ab: np.ndarray, i_ba: np.ndarray
) -> None:
    """``topics``: one side is interested in what the other's product is about (topic cosine, the better
    way round); ``topic_halves``: the same, the way round where the interested side meets the other's
    need — both halves of a fit, by topic (as ``halves`` is by text)."""
    np.clip(t_ab, 0.0, 1.0, out=t_ab)
    np.clip(t_ba, 0.0, 1.0, out=t_ba)
    feats["topics"] = np.maximum(t_ab, t_ba)
    feats["topic_halves"] = np.maximum(i_ab * t_ba, i_ba * t_ab)


def pair_components(
    prep: Prepared, pi: np.ndarray, pj: np.ndarray, scorer: Scorer, text: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Features and ranking values of the pairs (pi[t], pj[t]) — the same numbers :func:`components`
    gives for a dense block, computed pair by pair (for shortlists and incremental updates). ``text`` may
    pass the two text cosines when the caller computed them more cheaply (:func:`_shortlist_text`)."""
    if text is None:
        a_to_b = np.einsum("pd,pd->p", prep.seeks[pi], prep.offers[pj])
        b_to_a = np.einsum("pd,pd->p", prep.offers[pi], prep.seeks[pj])
    else:
        a_to_b, b_to_a = text
    a_to_b = np.clip(a_to_b, 0.0, 1.0)
    b_to_a = np.clip(b_to_a, 0.0, 1.0)
    feats: dict[str, np.ndarray] = {
        "text_mean": (a_to_b + b_to_a) * np.float32(0.5),
        "text_min": np.minimum(a_to_b, b_to_a),
        "text_max": np.maximum(a_to_b, b_to_a),
    }
    st, st_known = _stage_pairs(prep, pi, pj)
    shared = np.einsum("pm,pm->p", prep.markets[pi], prep.markets[pj])
    mk = np.where(shared > 0, 1.0, 0.0).astype(np.float32)
    mk[~prep.has_markets[pi] | ~prep.has_markets[pj]] = NEUTRAL
    inv, plain, local = _intent_masks(prep)
    s_r, o_r, s_c, o_c = prep.seek_intents[pi], prep.offer_intents[pi], prep.seek_intents[pj], prep.offer_intents[pj]
    plain_ab = np.minimum((s_r * o_c) @ plain, 1.0)
    plain_ba = np.minimum((o_r * s_c) @ plain, 1.0)
    local_ab = np.minimum((s_r * o_c) @ local, 1.0)
    local_ba = np.minimum((o_r * s_c) @ local, 1.0)
    inv_ab = s_r[:, inv] * o_c[:, inv]
    inv_ba = o_r[:, inv] * s_c[:, inv]
    i_ab, i_ba = _intent_features(
        feats, plain_ab, plain_ba, local_ab, local_ba, inv_ab, inv_ba, st, st_known, mk, a_to_b, b_to_a
    )
    if isinstance(prep.sectors, np.ndarray):
        sec = np.einsum("pv,pv->p", prep.sectors[pi], prep.sectors[pj])
    else:
        sec = np.asarray(prep.sectors[pi].multiply(prep.sectors[pj]).sum(axis=1)).ravel()
    feats["sectors"] = np.clip(sec, 0.0, 1.0).astype(np.float32)
    feats["fit_sectors"] = feats["intent_fit"] * feats["sectors"]
    t_ab = np.einsum("pt,pt->p", prep.interest_topics[pi], prep.product_topics[pj])
    t_ba = np.einsum("pt,pt->p", prep.product_topics[pi], prep.interest_topics[pj])
    _topic_features(feats, t_ab, t_ba, i_ab, i_ba)
    feats["markets"] = mk
    feats["stage"] = st
    feats = {k: v.astype(np.float32, copy=False) for k, v in feats.items()}
    return feats, scorer.raw(feats)


def _stage_pairs(prep: Prepared, pi: np.ndarray, pj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fit_rc = np.einsum("ps,ps->p", prep.stage_own[pi], prep.stage_focus[pj])
    fit_cr = np.einsum("ps,ps->p", prep.stage_focus[pi], prep.stage_own[pj])
    def_rc = prep.has_stage[pi] & prep.has_focus[pj]
    def_cr = prep.has_focus[pi] & prep.has_stage[pj]
    out = np.full(len(pi), -1.0, dtype=np.float32)
    out = np.where(def_rc, fit_rc, out)
    out = np.where(def_cr, np.maximum(out, fit_cr), out)
    known = out >= 0
    out[out < 0] = NEUTRAL
    return out.astype(np.float32, copy=False), known


def _stage_fit(prep: Prepared, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(stage feature, whether a stage and a focus are stated on either side) for a block."""
    fit_rc = prep.stage_own[rows] @ prep.stage_focus[cols].T  # row's stage in column's focus
    fit_cr = prep.stage_focus[rows] @ prep.stage_own[cols].T
    def_rc = prep.has_stage[rows][:, None] & prep.has_focus[cols][None, :]
    def_cr = prep.has_focus[rows][:, None] & prep.has_stage[cols][None, :]
    out = np.full(fit_rc.shape, -1.0, dtype=np.float32)
    out = np.where(def_rc, fit_rc, out)
    out = np.where(def_cr, np.maximum(out, fit_cr), out)
    known = out >= 0
    out[out < 0] = NEUTRAL
    return out.astype(np.float32, copy=False), known


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
    shortlist: int | None = None,
    feedback: Mapping[str, Sequence[tuple[str, str | float]]] | None = None,
) -> Recommendations:
    """Top-``k`` partners of every profile, best first, as an n×k sparse structure.

    Pairs that the rules forbid, blocked pairs and the profile itself never appear; rows with fewer than
    ``k`` allowed partners are padded with index −1. ``progress`` gets the number of rows scored so far.
    ``weights`` (v1's hand-set formula) or ``scorer`` choose the scoring; by default the shipped learned
    model (:func:`.scoring.load`). Every pair is scored exactly when a kind meets at most
    :data:`EXACT_MAX_COLS` profiles; above that (or with ``shortlist=m``) each row's ``m`` best by the
    bilinear :class:`Shortlist` are scored exactly (m defaults to max(10k, 200)). ``shortlist=0`` forces
    exact scoring. ``feedback`` maps a viewer's id to (partner id, signal) pairs — a signal name of
    :data:`FEEDBACK_SIGNALS` or a number in [−1, 1]; those viewers' lists are re-ranked with it.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    with blas_threads():
        return _recommend(
            profiles,
            encoder,
            k,
            rules,
            scorer_for(weights, scorer),
            prepared,
            block_rows,
            progress,
            shortlist,
            feedback,
        )


def _recommend(
    profiles: Sequence[Profile],
    encoder: Encoder | None,
    k: int,
    rules: Rules | None,
    sc: Scorer,
    prepared: Prepared | None,
    block_rows: int,
    progress: Callable[[int], None] | None,
    shortlist: int | None,
    feedback: Mapping[str, Sequence[tuple[str, str | float]]] | None,
) -> Recommendations:
    rules = rules or Rules()
    prep = prepared if prepared is not None else prepare(profiles, encoder)
    n = len(prep.profiles)
    if len({p.id for p in prep.profiles}) != n:
        raise ValueError("profile ids must be unique")
    index = np.full((n, k), -1, dtype=np.int32)
    score = np.zeros((n, k), dtype=np.float32)
    blocked = _blocked(prep, rules)
    _rank_rows(prep, np.arange(n), rules, sc, blocked, k, index, score, block_rows, progress, shortlist)
    if feedback:
        _apply_feedback(prep, rules, sc, blocked, k, index, score, feedback)
    return Recommendations(ids=[p.id for p in prep.profiles], index=index, score=score)


def _mask(total: np.ndarray, rows: np.ndarray, cols: np.ndarray, blocked: dict[int, list[int]]) -> None:
    """Exclude self-pairs (same-kind rules) and blocked pairs from a block, in place."""
    self_r, self_c = np.nonzero(rows[:, None] == cols[None, :])
    total[self_r, self_c] = -np.inf
    if blocked:
        col_pos = {int(c): j for j, c in enumerate(cols)}
        for r, row in enumerate(rows):
            for other in blocked.get(int(row), ()):
                j = col_pos.get(other)
                if j is not None:
                    total[r, j] = -np.inf


def _keep_top(
    rows: np.ndarray, cand: np.ndarray, raw: np.ndarray, k: int, scorer: Scorer, index: np.ndarray, score: np.ndarray
) -> None:
    """Write the best ``k`` of each row's candidates (``cand`` global positions, ``raw`` ranking values, both
    (rows, m)) into ``index``/``score``, best first, ties by position so results are deterministic."""
    kk = min(k, raw.shape[1])
    if kk < raw.shape[1]:
        part = np.argpartition(-raw, kk - 1, axis=1)[:, :kk]
    else:
        part = np.broadcast_to(np.arange(raw.shape[1]), (len(rows), raw.shape[1]))
    part_scores = np.take_along_axis(raw, part, axis=1)
    part_cols = np.take_along_axis(cand, part, axis=1)
    order = np.lexsort((part_cols, -part_scores), axis=1)
    best_cols = np.take_along_axis(part_cols, order, axis=1)
    best_scores = np.take_along_axis(part_scores, order, axis=1)
    chosen = best_cols.astype(np.int32)
    chosen[~np.isfinite(best_scores)] = -1
    best_scores = np.where(np.isfinite(best_scores), best_scores, 0.0)
    index[rows, :kk] = chosen
    index[rows, kk:] = -1
    score[rows, :kk] = np.where(chosen >= 0, scorer.finish(best_scores), 0.0)
    score[rows, kk:] = 0.0


#: What a participant's actions say about a partner (the web app maps its events to these).
FEEDBACK_SIGNALS: dict[str, float] = {
    "no_thanks": -1.0,  # "no thanks" to a recommendation (the pair is also blocked)
    "declined": -0.5,  # the partner declined the participant's request
    "accepted": 0.5,  # a request was accepted (either way)
    "met_positive": 1.0,  # post-meeting feedback: worth following up
    "met_negative": -1.0,  # post-meeting feedback: not a fit
}
#: Log-odds added per unit of signal × similarity (chosen on set 1, checked on set 2: docs/engines/match.md).
FEEDBACK_WEIGHT = 0.5


def profile_vectors(prep: Prepared, rows: np.ndarray) -> np.ndarray:
    """Unit vectors of whole profiles (seeks, offers, sectors), for "less/more like this".

    (Offers and capabilities alone were tried: worse on set 1, where the weight is chosen; see
    docs/engines/match.md.)"""
    sec = prep.sectors[rows] if isinstance(prep.sectors, np.ndarray) else prep.sectors[rows].toarray()
    v = np.hstack([prep.seeks[rows], prep.offers[rows], sec]).astype(np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms


def feedback_adjustment(
    prep: Prepared, signals: Sequence[tuple[int, float]], cols: np.ndarray, weight: float = FEEDBACK_WEIGHT
) -> np.ndarray:
    """Log-odds to add to one viewer's scores of ``cols``: Σ signal × similarity(col, partner) × weight,
    over the partners the viewer gave feedback on (Rocchio-style: partners like the ones they turned
    down sink, partners like the ones they met gladly rise)."""
    if not signals:
        return np.zeros(len(cols), dtype=np.float32)
    pos = np.array([p for p, _ in signals], dtype=np.int64)
    sig = np.array([s for _, s in signals], dtype=np.float32)
    centre = sig @ profile_vectors(prep, pos)
    return (weight * (profile_vectors(prep, cols) @ centre)).astype(np.float32)


def _apply_feedback(
    prep: Prepared,
    rules: Rules,
    sc: Scorer,
    blocked: dict[int, list[int]],
    k: int,
    index: np.ndarray,
    score: np.ndarray,
    feedback: Mapping[str, Sequence[tuple[str, str | float]]],
) -> None:
    """Re-rank, exactly, the rows of viewers who gave feedback, with :func:`feedback_adjustment`."""
    pos = {p.id: i for i, p in enumerate(prep.profiles)}
    cols_of = allowed_columns(prep, rules)
    for viewer, items in feedback.items():
        row = pos.get(viewer)
        if row is None:
            continue
        signals = []
        for partner, signal in items:
            value = FEEDBACK_SIGNALS.get(signal) if isinstance(signal, str) else float(signal)
            if value is None:
                raise ValueError(f"unknown feedback signal {signal!r}")
            if partner in pos:
                signals.append((pos[partner], value))
        if not signals:
            continue
        rows = np.array([row])
        cols = cols_of[int(prep.kinds[row])]
        if not len(cols):
            continue
        raw = components(prep, rows, cols, scorer=sc).raw
        raw += feedback_adjustment(prep, signals, cols)[None, :]
        _mask(raw, rows, cols, blocked)
        _keep_top(rows, np.broadcast_to(cols, raw.shape), raw, k, sc, index, score)


def _blocked(prep: Prepared, rules: Rules) -> dict[int, list[int]]:
    pos = {p.id: i for i, p in enumerate(prep.profiles)}
    blocked: dict[int, list[int]] = {}
    for a, b in rules.blocks:
        if a in pos and b in pos:
            blocked.setdefault(pos[a], []).append(pos[b])
            blocked.setdefault(pos[b], []).append(pos[a])
    return blocked


def _rank_rows(
    prep: Prepared,
    which: np.ndarray,
    rules: Rules,
    sc: Scorer,
    blocked: dict[int, list[int]],
    k: int,
    index: np.ndarray,
    score: np.ndarray,
    block_rows: int = 512,
    progress: Callable[[int], None] | None = None,
    shortlist: int | None = None,
    stage1: Shortlist | None = None,
) -> None:
    """Top-k of the rows ``which`` (global positions) into ``index``/``score``, exact or in two stages."""
    cols_of = allowed_columns(prep, rules)
    m = shortlist if shortlist else max(10 * k, 200)
    widest = max(map(len, cols_of.values()), default=0)
    two_stage = shortlist != 0 and (shortlist is not None or widest > EXACT_MAX_COLS)
    if two_stage and stage1 is None:
        cached = prep.extras.get("stage1")
        stage1 = cached if isinstance(cached, Shortlist) and cached.scorer == sc else Shortlist(prep, sc)
        prep.extras["stage1"] = stage1
    done = 0
    for kind_code, cols in cols_of.items():
        rows_all = which[prep.kinds[which] == kind_code]
        for start in range(0, len(rows_all), block_rows):
            rows = rows_all[start : start + block_rows]
            if len(cols) and two_stage and stage1 is not None and len(cols) > m:
                _top_k_two_stage(prep, rows, cols, sc, stage1, blocked, k, m, index, score)
            elif len(cols):
                _top_k_block(prep, rows, cols, sc, blocked, k, index, score)
            done += len(rows)
            if progress is not None:
                progress(done)


def refresh(
    recs: Recommendations,
    previous: Prepared,
    profiles: Sequence[Profile],
    encoder: Encoder,
    rules: Rules | None = None,
    weights: Weights | None = None,
    *,
    scorer: Scorer | None = None,
    shortlist: int | None = None,
    feedback: Mapping[str, Sequence[tuple[str, str | float]]] | None = None,
) -> tuple[Recommendations, Prepared]:
    """Update ``recs`` (computed on ``previous``) after some profiles changed, without re-ranking everyone.

    ``profiles`` are the same ids in the same order, some with new content. Only changed profiles are
    encoded and recognised (:func:`prepare` with ``previous``). Changed rows are ranked afresh; every other
    row keeps its list unless a changed profile was on it (then it is ranked afresh too, as its (k+1)-th
    best is unknown), and otherwise merges in the changed profiles' new scores against it — exact, because
    unchanged pairs keep their scores. Viewers with ``feedback`` are re-ranked with it, as in
    :func:`recommend`. Returns the new recommendations and the new prepared arrays.
    """
    with blas_threads():
        return _refresh(
            recs, previous, profiles, encoder, rules or Rules(), scorer_for(weights, scorer), shortlist, feedback
        )


def _refresh(
    recs: Recommendations,
    previous: Prepared,
    profiles: Sequence[Profile],
    encoder: Encoder,
    rules: Rules,
    sc: Scorer,
    shortlist: int | None,
    feedback: Mapping[str, Sequence[tuple[str, str | float]]] | None,
) -> tuple[Recommendations, Prepared]:
    prep = prepare(profiles, encoder, previous=previous)
    n, k = recs.index.shape
    changed = np.array(
        [i for i, (p, q) in enumerate(zip(prep.profiles, previous.profiles, strict=True)) if p != q], dtype=np.int64
    )
    old_stage1 = previous.extras.get("stage1")
    if isinstance(old_stage1, Shortlist) and old_stage1.scorer == sc:
        new_stage1 = old_stage1.updated(prep, changed)
        if new_stage1 is not None:
            prep.extras["stage1"] = new_stage1
    index, score = recs.index.copy(), recs.score.copy()
    if len(changed) == 0:
        return Recommendations(list(recs.ids), index, score), prep
    blocked = _blocked(prep, rules)
    is_changed = np.zeros(n, dtype=bool)
    is_changed[changed] = True
    dirty = is_changed | (is_changed[np.where(index >= 0, index, 0)] & (index >= 0)).any(axis=1)
    # Rows whose kind changed group or whose list held a changed profile: rank afresh.
    _rank_rows(prep, np.flatnonzero(dirty), rules, sc, blocked, k, index, score, shortlist=shortlist)
    clean = np.flatnonzero(~dirty)
    allowed_kinds = {kc: {int(x) for x in np.unique(prep.kinds[c])} for kc, c in allowed_columns(prep, rules).items()}
    for kind_code in np.unique(prep.kinds[clean]):
        rows_k = clean[prep.kinds[clean] == kind_code]
        cols = changed[np.isin(prep.kinds[changed], list(allowed_kinds.get(int(kind_code), ())))]
        if len(cols) == 0:
            continue
        for start in range(0, len(rows_k), 4096):
            rows = rows_k[start : start + 4096]
            raw = components(prep, rows, cols, scorer=sc).raw
            _mask(raw, rows, cols, blocked)
            new = sc.finish(raw)
            new[~np.isfinite(raw)] = -np.inf
            old = np.where(index[rows] >= 0, score[rows], -np.inf)
            cand = np.hstack([index[rows], np.broadcast_to(cols, raw.shape)])
            vals = np.hstack([old, new])
            order = np.lexsort((cand, -vals), axis=1)[:, :k]
            best = np.take_along_axis(cand, order, axis=1).astype(np.int32)
            best_vals = np.take_along_axis(vals, order, axis=1)
            best[~np.isfinite(best_vals)] = -1
            index[rows] = best
            score[rows] = np.where(best >= 0, best_vals, 0.0)
    if feedback:
        _apply_feedback(prep, rules, sc, blocked, k, index, score, feedback)
    return Recommendations(list(recs.ids), index, score), prep


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
    _mask(total, rows, cols, blocked)
    _keep_top(rows, np.broadcast_to(cols, total.shape), total, k, scorer, index, score)


#: Above this many candidate columns per kind, :func:`recommend` ranks in two stages (see :class:`Shortlist`).
EXACT_MAX_COLS = 4000
#: Rank of the projection the shortlist uses for the text vectors.
SHORTLIST_RANK = 128
#: For the shortlist's linear stand-in of products (:meth:`Shortlist._vectors`): how often a candidate that
#: reaches a top list meets a need, and typical similarities of such candidates (good pairs of sets 1–2:
#: 97–100% meet a recognised need — fewer in unseen wording, hence 0.8; text 0.27, sectors 0.6–0.7,
#: topics 0.45–0.6 on average). At 20,000 profiles the shortlist keeps 95% of the exact top 20.
NEED_MET_TYPICAL = 0.8
TYPICAL = {"text": 0.3, "sectors": 0.6, "topics": 0.5}


class Shortlist:
    """First stage of two-stage ranking for large inputs: one matrix product per block.

    Every score feature except the clips, minima and maxima is a bilinear form (text cosines, sector
    cosines, intent and market overlaps, stage-in-focus), so a weighted sum of them is a single dot product
    of augmented row and column vectors. Text vectors are projected onto their top ``rank`` right singular
    vectors (uncentred, so dot products are preserved), which makes the product ~4× cheaper than two full
    512-d products. The shortlist (``m`` per row) is then scored exactly by :func:`pair_components`; the
    benchmark reports how many of the exact top k the shortlist keeps.
    """

    def __init__(self, prep: Prepared, scorer: Scorer, rank: int | None = None, seed: int = 0) -> None:
        rank = SHORTLIST_RANK if rank is None else rank
        self.scorer = scorer
        text = np.vstack([prep.seeks, prep.offers])
        rng = np.random.default_rng(seed)
        sample = text[rng.choice(len(text), size=min(len(text), 6000), replace=False)]
        # Top eigenvectors of the (d × d) second-moment matrix = top right singular vectors of the sample,
        # without an SVD of the sample itself (which is far slower).
        _, vecs = np.linalg.eigh(sample.T.astype(np.float64) @ sample.astype(np.float64))
        self.basis = vecs[:, ::-1][:, : min(rank, vecs.shape[1])].astype(np.float32)
        self.rows, self.cols = self._vectors(prep, np.arange(len(prep.profiles)))

    def _vectors(self, prep: Prepared, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = self.scorer.weights
        # Products of a need-met indicator x and a similarity y (halves, fit_sectors, topic_halves) are not
        # bilinear; each is replaced by its first-order expansion around values typical of the candidates
        # that reach a top list, x·ȳ + x̄·y (the constant drops out of the ranking): x̄ = NEED_MET_TYPICAL,
        # ȳ = TYPICAL[feature]. (Counting the whole weight on y alone, as before, and the learned model's
        # intent_any ≈ −intent_fit made the intent term negative and kept 90% of the exact top 20.)
        x_bar = NEED_MET_TYPICAL
        alpha = (w.get("text_mean", 0) + w.get("text_min", 0) + w.get("text_max", 0)) / 2 + w.get(
            "halves", 0
        ) * x_bar / 2
        beta = (
            w.get("intent_any", 0)
            + w.get("intent_fit", 0)
            + w.get("intent_both", 0)
            + w.get("halves", 0) * TYPICAL["text"]
            + w.get("fit_sectors", 0) * TYPICAL["sectors"]
            + w.get("topic_halves", 0) * TYPICAL["topics"]
        ) / 2
        sec = prep.sectors[idx] if isinstance(prep.sectors, np.ndarray) else prep.sectors[idx].toarray()
        ps, po = prep.seeks[idx] @ self.basis, prep.offers[idx] @ self.basis
        ws = w.get("sectors", 0) + w.get("fit_sectors", 0) * x_bar
        wm, wst = w.get("markets", 0), w.get("stage", 0) / 2
        # Intent overlap saturates at one (min(count, 1)): scaling each side by 1/√count keeps a partner that
        # meets one need of a startup from being outranked by one that merely states many capabilities.
        s_i, o_i = prep.seek_intents[idx], prep.offer_intents[idx]
        si = s_i / np.sqrt(np.maximum(s_i.sum(axis=1, keepdims=True), 1.0))
        oi = o_i / np.sqrt(np.maximum(o_i.sum(axis=1, keepdims=True), 1.0))
        mk, own, focus = prep.markets[idx], prep.stage_own[idx], prep.stage_focus[idx]
        # Topics: both ways round, as the text (topics is the better way, topic_halves the need-met way).
        gamma = (w.get("topics", 0) + w.get("topic_halves", 0) * x_bar) / 2
        it, pt = prep.interest_topics[idx], prep.product_topics[idx]
        rows = np.hstack(
            [
                alpha * ps,
                alpha * po,
                beta * si,
                beta * oi,
                ws * sec,
                wm * mk,
                wst * own,
                wst * focus,
                gamma * it,
                gamma * pt,
            ]
        )
        cols = np.hstack([po, ps, oi, si, sec, mk, focus, own, pt, it])
        return rows.astype(np.float32), cols.astype(np.float32)

    def updated(self, prep: Prepared, changed: np.ndarray) -> Shortlist | None:
        """A copy for ``prep`` with the ``changed`` rows recomputed (same basis), or None when the market or
        sector vocabulary changed shape (then build afresh)."""
        rows, _ = self._vectors(prep, changed[:1]) if len(changed) else (self.rows[:1], self.cols[:1])
        if rows.shape[1] != self.rows.shape[1] or len(prep.profiles) != len(self.rows):
            return None
        out = object.__new__(Shortlist)
        out.scorer, out.basis = self.scorer, self.basis
        out.rows, out.cols = self.rows.copy(), self.cols.copy()
        if len(changed):
            out.rows[changed], out.cols[changed] = self._vectors(prep, changed)
        return out

    def candidates(self, rows: np.ndarray, cols: np.ndarray, blocked: dict[int, list[int]], m: int) -> np.ndarray:
        """(len(rows), min(m, len(cols))) global positions of each row's shortlist (−1 where excluded)."""
        approx = self.rows[rows] @ self.cols[cols].T
        _mask(approx, rows, cols, blocked)
        mm = min(m, len(cols))
        part = (
            np.argpartition(-approx, mm - 1, axis=1)[:, :mm]
            if mm < len(cols)
            else np.broadcast_to(np.arange(len(cols)), (len(rows), len(cols)))
        )
        out = cols[part]
        out[~np.isfinite(np.take_along_axis(approx, part, axis=1))] = -1
        return out


def _top_k_two_stage(
    prep: Prepared,
    rows: np.ndarray,
    cols: np.ndarray,
    scorer: Scorer,
    shortlist: Shortlist,
    blocked: dict[int, list[int]],
    k: int,
    m: int,
    index: np.ndarray,
    score: np.ndarray,
) -> None:
    cand = shortlist.candidates(rows, cols, blocked, m)
    a_to_b, b_to_a = _shortlist_text(prep, rows, cand)
    pi = np.repeat(rows, cand.shape[1])
    pj = cand.ravel()
    valid = pj >= 0
    raw = np.full(len(pj), -np.inf, dtype=np.float32)
    if valid.any():
        raw[valid] = pair_components(
            prep, pi[valid], pj[valid], scorer, text=(a_to_b.ravel()[valid], b_to_a.ravel()[valid])
        )[1]
    _keep_top(rows, cand, raw.reshape(cand.shape), k, scorer, index, score)


def _shortlist_text(prep: Prepared, rows: np.ndarray, cand: np.ndarray, sub: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Exact text cosines of each row against its own candidates, a few rows at a time so the gathered
    candidate vectors stay small (64 rows × m × 512 floats)."""
    a_to_b = np.zeros(cand.shape, dtype=np.float32)
    b_to_a = np.zeros(cand.shape, dtype=np.float32)
    safe = np.where(cand >= 0, cand, 0)
    for s in range(0, len(rows), sub):
        r = rows[s : s + sub]
        c = safe[s : s + sub]
        a_to_b[s : s + sub] = np.einsum("bd,bmd->bm", prep.seeks[r], prep.offers[c])
        b_to_a[s : s + sub] = np.einsum("bd,bmd->bm", prep.offers[r], prep.seeks[c])
    return a_to_b, b_to_a
