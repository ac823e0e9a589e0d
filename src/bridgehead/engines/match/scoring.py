"""How pair features combine into one score: a learned logistic model, with hand-set weights as fallback.

Features of a pair (a, b), every one symmetric in a and b and in [0, 1]:

``text_mean``   mean of cos(a.seeks, b.offers) and cos(b.seeks, a.offers), clipped at 0
``text_min``    the weaker of the two directions (a fit must make sense to both sides)
``text_max``    the stronger direction (usually a partner's interest against the other's product)
``intent_any``  a need of one side is a capability of the other (complementary intents, either way)
``intent_fit``  the same, but investment counts only at a stage in the investor's focus (or when no stage
                and focus are stated), market-bound help (distribution, market entry) only where markets meet
``intent_both`` complementary intents in both directions
``halves``      both halves of a fit: one side's need is the other's capability *and* the other side's
                interest matches the first side's offer by text (max over the two ways round)
``sectors``     sector-tree cosine; ``markets`` shared market (0.5 unknown); ``stage`` stage in focus
``fit_sectors`` ``intent_fit × sectors``: the need is met *and* the two work in the same field — the
                conjunction a good fit is (an additive model cannot express "both", so it gets the product)
``topics``      one side's interest (topics named in its seeks, :mod:`.topics`) against what the other's
                product is about (topics in its offers): cosine of the topic sets, the better way round
``topic_halves`` the same, taken the way round where the interested side meets the other's need

The learned model (``model.json`` beside this file, written by ``bench/match/fit.py``) is a logistic
regression on these features fitted to labelled pairs with cross-validation; its score is the modelled
probability that the pair is a good fit, and ``weight × feature`` is each feature's contribution to the
log-odds, which the reasons report. If the file is missing or malformed, :meth:`Scorer.default` — hand-set
weights in the spirit of v1 plus the intent terms — is used instead, so the engine always runs.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .model import Weights

FEATURES: tuple[str, ...] = (
    "text_mean",
    "text_min",
    "text_max",
    "intent_any",
    "intent_fit",
    "intent_both",
    "halves",
    "sectors",
    "fit_sectors",
    "topics",
    "topic_halves",
    "markets",
    "stage",
)
MODEL_PATH = Path(__file__).with_name("model.json")


@dataclass(frozen=True)
class Scorer:
    """``score = σ(bias + Σ wᵢ·fᵢ)`` when ``logistic``, else ``(bias + Σ wᵢ·fᵢ) / Σ wᵢ`` (a weighted mean)."""

    weights: dict[str, float]
    bias: float = 0.0
    logistic: bool = False
    source: str = "default"
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(f, 0.0) for f in FEATURES], dtype=np.float32)

    def raw(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        """Ranking value (log-odds for the logistic model): monotone in the score."""
        out = np.full(next(iter(feats.values())).shape, self.bias, dtype=np.float32)
        for name in FEATURES:
            w = self.weights.get(name, 0.0)
            if w:
                out += np.float32(w) * feats[name]
        return out

    def finish(self, raw: np.ndarray) -> np.ndarray:
        """Turn ranking values into scores in [0, 1]."""
        if self.logistic:
            return (1.0 / (1.0 + np.exp(-raw.astype(np.float64)))).astype(np.float32)
        total = sum(abs(w) for w in self.weights.values()) or 1.0
        return np.clip(raw / np.float32(total), 0.0, 1.0)

    def contributions(self, feats: dict[str, float]) -> dict[str, float]:
        """Each feature's share of the raw score for one pair (log-odds for the learned model)."""
        return {f: round(self.weights.get(f, 0.0) * float(feats[f]), 4) for f in FEATURES if self.weights.get(f)}

    @classmethod
    def default(cls) -> Scorer:
        """Hand-set fallback: v1's weights (text 0.6 split between mean and min, sectors 0.2, markets and
        stage 0.1) plus 0.3 for a need met at the right stage and market (``intent_fit``: ``intent_any``,
        which also counts a need met at the wrong stage, cost 45 points on set 4), 0.3 for both halves of
        a fit and 0.5 for topics (bench/match/run.py reports it on every set)."""
        return cls(
            {
                "text_mean": 0.3,
                "text_min": 0.3,
                "intent_fit": 0.3,
                "halves": 0.3,
                "topics": 0.5,
                "sectors": 0.2,
                "markets": 0.1,
                "stage": 0.1,
            },
            source="default",
        )

    @classmethod
    def from_weights(cls, w: Weights) -> Scorer:
        """v1's formula exactly: text = (1−μ)·mean + μ·min, weights normalised to sum to 1, no intents."""
        wt, ws, wm, wst = w.normalised()
        return cls(
            {"text_mean": wt * (1 - w.mutual), "text_min": wt * w.mutual, "sectors": ws, "markets": wm, "stage": wst},
            source="weights",
        )

    @classmethod
    def from_json(cls, data: dict[str, Any], source: str = "learned") -> Scorer:
        weights = data["weights"]
        if not isinstance(weights, dict) or not weights:
            raise ValueError("model has no weights")
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"model has unknown features: {', '.join(sorted(unknown))}")
        clean = {k: float(v) for k, v in weights.items()}
        bias = float(data.get("bias", 0.0))
        if not all(math.isfinite(v) for v in [*clean.values(), bias]):
            raise ValueError("model weights must be finite numbers")
        meta = {k: v for k, v in data.items() if k not in ("weights", "bias")}
        return cls(clean, bias, bool(data.get("logistic", True)), source, meta)

    def to_json(self) -> dict[str, Any]:
        return {**self.meta, "logistic": self.logistic, "bias": self.bias, "weights": self.weights}


def load(path: str | Path | None = None) -> Scorer:
    """The learned scorer from ``path`` (default: the shipped ``model.json``); the hand-set default if the
    file is missing or not a valid model, so a broken file never stops recommendations."""
    if path is None:
        return _shipped()
    return _load(Path(path))


def _load(path: Path) -> Scorer:
    try:
        return Scorer.from_json(json.loads(path.read_text(encoding="utf-8")), source=f"learned:{path.name}")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Scorer.default()


@lru_cache(maxsize=1)
def _shipped() -> Scorer:
    return _load(MODEL_PATH)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 1.0, sample_weight: np.ndarray | None = None, iterations: int = 50
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (IRLS); returns (weights, bias).

    Eight features and tens of thousands of pairs: a few Newton steps on a 9×9 system, no library needed.
    The bias is not regularised.
    """
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))]).astype(np.float64)
    sw = np.ones(n) if sample_weight is None else sample_weight.astype(np.float64)
    beta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(xb @ beta)))
        grad = xb.T @ (sw * (p - y)) + reg * beta
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta[:-1], float(beta[-1])
