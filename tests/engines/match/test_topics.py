from __future__ import annotations

import numpy as np

from bridgehead.engines.match import HashEncoder, Profile, prepare
from bridgehead.engines.match.affinity import components
from bridgehead.engines.match.scoring import Scorer
from bridgehead.engines.match.topics import _index, recognise, topic_matrix


def test_topics_are_recognised_in_both_languages() -> None:
    assert recognise("We are scouting point-of-care tests for sepsis.") >= {"point_of_care", "infection"}
    assert recognise("혈액 한 방울로 패혈증을 가려내는 현장진단 키트를 만듭니다.") >= {"point_of_care", "infection"}
    assert "neurology" in recognise("뇌전증 발작을 미리 알려 주는 머리띠형 뇌파 측정기")
    assert "neurology" in recognise("Our epilepsy team looks for new devices.")


def test_latin_terms_need_word_edges_but_korean_particles_may_follow() -> None:
    assert "ai" in recognise("판독 보조 AI를 개발했습니다.")
    assert recognise("We maintain a product for actors and CTOs.") == set()
    # "joint research" is not about joints.
    assert "orthopaedics" not in recognise("We collaborate on joint research projects.")


def test_indexed_recognition_agrees_with_a_full_search() -> None:
    regexes = _index()[0]
    texts = [
        "Our oncologists want tools for radiation treatment planning and AI-assisted endoscopy.",
        "출산 후 엄마의 우울 증상을 선별하고 상담사와 연결해 주는 챗봇을 만들었습니다.",
        "집에서 손가락 채혈로 음식 알레르기를 확인하는 검사 키트를 판매합니다.",
        "Maternal mental health, at-home testing and nutrition for chronic disease.",
    ]
    for text in texts:
        full = {i for i, rx in enumerate(regexes) if rx.search(text.lower())}
        assert len(recognise(text)) == len(full) > 0


def test_topic_rows_are_unit_vectors_so_products_are_cosines() -> None:
    m = topic_matrix(["sleep apnoea and dental implants", "nothing here at all", "수면무호흡 진단"])
    assert np.allclose(np.linalg.norm(m[[0, 2]], axis=1), 1.0)
    assert m[1].sum() == 0.0
    assert 0.0 < float(m[0] @ m[2]) < 1.0


def test_the_partner_interested_in_the_product_gets_the_topic_half() -> None:
    startup = Profile("s", "startup", "ko", "시드 투자를 찾고 있습니다.", "반려견의 심장 질환을 찾아내는 앱입니다.")
    keen = Profile("k", "investor", "en", "We like AI for animal health.", "We write seed cheques.")
    other = Profile("o", "investor", "en", "We like dental implants.", "We write seed cheques.")
    prep = prepare([startup, keen, other], HashEncoder(dim=32))
    feats = components(prep, np.array([0]), np.array([1, 2]), scorer=Scorer.default()).features
    assert feats["topics"][0, 0] > 0 and feats["topics"][0, 1] == 0
    # The investor meets the startup's need and wants its kind of product: both halves, by topic.
    assert feats["topic_halves"][0, 0] == feats["topics"][0, 0]
