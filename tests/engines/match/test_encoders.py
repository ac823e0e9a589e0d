from __future__ import annotations

import numpy as np
import pytest

from bridgehead.engines.match import CachedEncoder, HashEncoder, StaticUSEEncoder, USEEncoder, get_encoder


def test_hash_encoder_shape_normalisation_and_determinism() -> None:
    enc = HashEncoder(dim=64)
    a = enc.encode(["digital health investor", "의료기기 제조", ""])
    b = HashEncoder(dim=64).encode(["digital health investor", "의료기기 제조", ""])
    assert a.shape == (3, 64)
    assert a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a[:2], axis=1), [1.0, 1.0], rtol=1e-6)
    assert np.linalg.norm(a[2]) == 0.0  # an empty text stays the zero vector, never NaN
    np.testing.assert_array_equal(a, b)


def test_cached_encoder_reuses_vectors_and_counts(tmp_path) -> None:
    path = tmp_path / "cache.npz"
    enc = CachedEncoder(HashEncoder(dim=32), path=path)
    first = enc.encode(["alpha beta", "gamma", "alpha beta"])
    assert (enc.hits, enc.misses) == (1, 2)  # the repeated text inside one call is encoded once
    enc.save()
    again = CachedEncoder(HashEncoder(dim=32), path=path)
    second = again.encode(["gamma", "alpha beta"])
    assert (again.hits, again.misses) == (2, 0)
    np.testing.assert_array_equal(second, first[[1, 0]])


def test_cache_is_keyed_by_encoder_version(tmp_path) -> None:
    path = tmp_path / "cache.npz"
    enc = CachedEncoder(HashEncoder(dim=32), path=path)
    enc.encode(["alpha"])
    enc.save()
    other = CachedEncoder(HashEncoder(dim=48), path=path)  # another version: nothing reusable
    assert other.key("alpha") != enc.key("alpha")
    out = other.encode(["alpha"])
    assert (other.hits, other.misses, out.shape) == (0, 1, (1, 48))


def test_unknown_encoder_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown encoder 'bert'"):
        get_encoder("bert")


def test_default_encoder_puts_korean_and_english_in_one_space() -> None:
    enc = USEEncoder(threads=1)
    vecs = enc.encode(
        [
            "초기 단계 디지털 헬스 스타트업에 투자합니다.",
            "We invest in early-stage digital health startups.",
            "Steel welding robots for shipyards.",
        ]
    )
    assert vecs.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), [1.0, 1.0, 1.0], rtol=1e-5)
    same_meaning = float(vecs[0] @ vecs[1])
    unrelated = float(vecs[0] @ vecs[2])
    assert same_meaning > unrelated + 0.3
    np.testing.assert_allclose(enc.encode(["We invest in early-stage digital health startups."])[0], vecs[1], atol=1e-5)


def test_static_use_encoder_keeps_the_cross_lingual_space_and_matches_full_use_roughly() -> None:
    texts = [
        "초기 단계 디지털 헬스 스타트업에 투자합니다.",
        "We invest in early-stage digital health startups.",
        "Steel welding robots for shipyards.",
    ]
    static = StaticUSEEncoder()
    vecs = static.encode(texts)
    assert vecs.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), [1.0, 1.0, 1.0], rtol=1e-5)
    assert float(vecs[0] @ vecs[1]) > float(vecs[0] @ vecs[2]) + 0.1
    full = USEEncoder(threads=1).encode(texts)
    # Same weights and space, only the n-gram context is dropped: each text stays close to its full vector.
    assert np.all(np.sum(full * vecs, axis=1) > 0.6)
    # Token rows are computed once: a second call reuses them and gives identical vectors.
    rows = len(static._rows)
    np.testing.assert_array_equal(static.encode(texts), vecs)
    assert len(static._rows) == rows


def test_static_use_encoder_matches_the_pure_python_tokenizer() -> None:
    static = StaticUSEEncoder()
    text = "흉부 X선 영상을 판독하는 AI 소프트웨어를 개발했습니다. We seek FDA 510(k) support."
    static.encode(["warm"])
    pure = static._use._tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
    assert static.tokenize([text]) == [pure]
