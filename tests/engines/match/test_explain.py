from __future__ import annotations

import re

import pytest

from bridgehead.engines.match import (
    FIT_HIGH,
    FIT_MEDIUM,
    Explainer,
    HashEncoder,
    Profile,
    fit_band,
    josa,
    phrases,
    recommend,
    recommendation_rows,
    render,
)
from bridgehead.engines.match.scoring import FEATURES


def _texts(p: Profile) -> str:
    return p.seeks + "\n" + p.offers


def test_phrases_are_verbatim_sentences() -> None:
    ko = "저희는 임상시험 파트너를 찾습니다. 미국 FDA 인허가 경험이 있는 기관과 협력하고 싶습니다"
    assert phrases(ko, "ko") == [
        "저희는 임상시험 파트너를 찾습니다.",
        "미국 FDA 인허가 경험이 있는 기관과 협력하고 싶습니다",
    ]
    en = "Seed funding. A US distributor; hospital pilots!"
    assert phrases(en, "en") == ["Seed funding.", "A US distributor", "hospital pilots!"]


def test_reasons_cite_only_what_is_in_the_profiles(profiles) -> None:
    explainer = Explainer(HashEncoder(dim=128))
    for a in profiles:
        for b in profiles:
            if a is b:
                continue
            for reason in explainer.explain(a, b):
                if reason["code"] == "phrase":
                    if reason["direction"] == "a_seeks":
                        assert reason["a"] in a.seeks and reason["b"] in b.offers
                    else:
                        assert reason["a"] in a.offers and reason["b"] in b.seeks
                elif reason["code"] == "shared_sectors":
                    assert all(s in a.sectors or s in b.sectors for s in reason["sectors"])
                elif reason["code"] == "neighbouring_sectors":
                    assert all(x in a.sectors and y in b.sectors for x, y in reason["pairs"])
                elif reason["code"] == "market_fit":
                    assert all(m in a.markets and m in b.markets for m in reason["markets"])
                elif reason["code"] == "stage_fit":
                    holder, other = (a, b) if reason["holder"] == "a" else (b, a)
                    assert reason["stage"] == holder.stage and reason["stage"] in other.stages


def test_structured_reasons_for_a_startup_and_an_investor(profiles) -> None:
    startup, investor = profiles[0], profiles[2]
    reasons = Explainer(HashEncoder(dim=128)).explain(startup, investor)
    weights = [r["weight"] for r in reasons]
    assert weights == sorted(weights, reverse=True)  # the reason that weighed most comes first
    codes = [{k: v for k, v in r.items() if k != "weight"} for r in reasons if r["code"] not in ("phrase", "intent")]
    assert sorted(codes, key=lambda r: r["code"]) == [
        {"code": "market_fit", "markets": ["US"]},
        {"code": "neighbouring_sectors", "pairs": [["health.ai", "health.digital"]]},
        {"code": "shared_sectors", "sectors": ["medtech"]},
        {"code": "stage_fit", "holder": "a", "stage": "seed", "focus": ["seed", "series-a"]},
    ]
    # "Seed investment" (seeks) meets "Seed and Series A funding" (offers) at the startup's stage.
    intent = next(r for r in reasons if r["code"] == "intent")
    assert {k: intent[k] for k in ("direction", "intent", "a", "a_field", "b", "b_field", "stage", "focus")} == {
        "direction": "a_seeks",
        "intent": "investment",
        "a": "Seed investment to enter the US market",
        "a_field": "seeks",
        "b": "Seed and Series A funding",
        "b_field": "offers",
        "stage": "seed",
        "focus": ["seed", "series-a"],
    }
    assert render(intent, "en") == (
        "They invest at seed and Series A — you are raising seed. “Seed and Series A funding”"
    )
    assert render(intent, "ko", viewer="startup", partner="investor") == (
        "상대 기관은 시드, 시리즈 A 단계에 투자합니다. 귀사가 찾는 시드 투자와 맞습니다. "
        "상대 기관의 투자 내용: “Seed and Series A funding”"
    )


def test_render_in_korean_and_english() -> None:
    phrase = {
        "code": "phrase",
        "direction": "a_seeks",
        "a": "미국 FDA 인허가 파트너.",
        "b": "FDA regulatory advice.",
        "similarity": 0.5,
    }
    assert render(phrase, "ko", viewer="startup", partner="agency") == (
        "귀사가 찾는 것과 상대 기관이 제공하는 것이 잘 맞습니다. "
        "귀사의 희망 사항: “미국 FDA 인허가 파트너” / 상대 기관의 제공 가능 내용: “FDA regulatory advice”"
    )
    assert render(phrase, "en") == "You are looking for “미국 FDA 인허가 파트너”; they offer “FDA regulatory advice”."
    sectors = {"code": "shared_sectors", "sectors": ["medtech.devices", "bio.genomics"]}
    assert render(sectors, "ko", viewer="investor", partner="startup") == (
        "귀 기관과 상대 기업 모두 의료기기, 유전체 분야에서 활동하고 있습니다."
    )
    assert render(sectors, "ko", viewer="startup", partner="company").startswith("귀사와 상대 기업 모두")
    assert render(sectors, "en") == "You both work in medical devices and genomics."
    market = {"code": "market_fit", "markets": ["US", "XX"]}
    assert render(market, "ko", viewer="startup", partner="hospital") == (
        "귀사와 상대 기관 모두 미국, XX 시장에 관심이 있습니다."
    )
    stage = {"code": "stage_fit", "holder": "b", "stage": "series-a", "focus": ["seed", "series-a"]}
    assert (
        render(stage, "ko", viewer="investor", partner="startup")
        == "상대 기업의 현재 단계(시리즈 A)가 귀 기관의 투자·지원 대상 단계(시드, 시리즈 A)에 해당합니다."
    )
    assert render(stage, "en") == "Their stage (Series A) is within your focus (seed and Series A)."
    assert render({"code": "future_reason"}, "en") == "future_reason"


def test_long_unpunctuated_korean_is_split_by_kiwi() -> None:
    text = (
        "저희는 스마트폰 사진으로 갑상선 안질환을 진단하는 인공지능 소프트웨어를 개발했습니다 "
        "미국 시장 진출을 위해 FDA 인허가 경험이 있는 파트너를 찾고 있습니다"
    )
    assert phrases(text, "ko") == [
        "저희는 스마트폰 사진으로 갑상선 안질환을 진단하는 인공지능 소프트웨어를 개발했습니다",
        "미국 시장 진출을 위해 FDA 인허가 경험이 있는 파트너를 찾고 있습니다",
    ]


def test_intent_reasons_quote_a_seek_as_a_seek_and_never_an_ask_as_an_offer() -> None:
    startup = Profile(
        "s",
        "startup",
        "ko",
        "시리즈 A 이후 미국 병원 실증을 원합니다. 위탁생산 파트너가 필요합니다.",
        "심전도 패치를 만듭니다. 미국 병원 실증을 원합니다.",
        ("medtech.devices",),
        "series-a",
        ("US",),
    )
    maker = Profile(
        "m",
        "company",
        "en",
        "We look for wearable makers.",
        "We need new clients. We offer contract manufacturing in GMP plants.",
        ("medtech.devices",),
        None,
        ("US",),
    )
    explainer = Explainer(HashEncoder(dim=64))
    for a, b in ((startup, maker), (maker, startup)):
        for r in explainer.explain(a, b):
            for side, profile in (("a", a), ("b", b)):
                field = r.get(f"{side}_field")
                if field and r.get(side):
                    assert r[side] in getattr(profile, field)
                    if field == "offers":
                        assert "원합니다" not in r[side] and "need" not in r[side]
    intent = next(r for r in explainer.explain(startup, maker) if r["code"] == "intent")
    assert (intent["intent"], intent["a"], intent["b"]) == (
        "manufacturing",
        "위탁생산 파트너가 필요합니다.",
        "We offer contract manufacturing in GMP plants.",
    )
    assert render(intent, "ko", viewer="startup", partner="company") == (
        "귀사가 찾는 위탁생산(CDMO) 파트너와 관련해 상대 기업이 도움을 줄 수 있습니다. "
        "귀사의 희망 사항: “위탁생산 파트너가 필요합니다” / "
        "상대 기업의 제공 가능 내용: “We offer contract manufacturing in GMP plants”"
    )
    back = next(r for r in explainer.explain(maker, startup) if r["code"] == "intent")
    assert back["direction"] == "b_seeks" and back["b_field"] == "seeks"
    assert render(back, "ko", viewer="company", partner="startup") == (
        "상대 기업이 찾는 위탁생산(CDMO) 파트너와 관련해 귀사가 도움을 줄 수 있습니다. "
        "상대 기업의 희망 사항: “위탁생산 파트너가 필요합니다” / "
        "귀사의 제공 가능 내용: “We offer contract manufacturing in GMP plants”"
    )
    assert render(back, "en") == (
        "They are looking for a contract manufacturer (CDMO) (“위탁생산 파트너가 필요합니다”), which you offer: "
        "“We offer contract manufacturing in GMP plants”."
    )


def test_no_two_recommendations_on_a_page_open_with_the_same_sentence() -> None:
    """The evaluation set recombines a bank of sentences, so many partners share their strongest reason."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench" / "match"))
    import synth

    from bridgehead.engines.match import recommend, recommendation_rows

    records = synth.load_eval()
    ps = synth.as_profiles(records[:60], "ko") + synth.as_profiles(records[60:], "en")
    enc = HashEncoder(dim=128)
    recs = recommend(ps, enc, k=10)
    rows = list(recommendation_rows(recs, ps, Explainer(enc)))
    repeated_strongest = 0
    for row in rows:
        openers = [m["reasons"][0]["text"] for m in row["matches"]]
        assert len(openers) == len(set(openers)) == len(row["matches"])
        strongest = [
            Explainer(enc).explain(ps[[p.id for p in ps].index(row["id"])], ps[[p.id for p in ps].index(m["id"])])[0]
            for m in row["matches"][:3]
        ]
        texts = [render(r, "en") for r in strongest]
        repeated_strongest += len(texts) - len(set(texts))
        for m in row["matches"]:
            assert set(m["contributions"]) <= set(FEATURES)
    assert repeated_strongest > 0  # without explain_list, pages would repeat an opener


def test_a_need_the_viewer_ticked_and_the_partner_meets_opens_the_reasons() -> None:
    # The refitted model weighed a topical text match above the investment the startup ticked; the startup
    # said investment is what it came for, so that reason leads whatever the weights.
    startup = Profile(
        "haeum", "startup", "ko", "미국 디지털 헬스 투자 유치", "갑상선 질환 진단 앱", seeks_intents=("investment",)
    )
    investor = Profile(
        "pacific", "investor", "en", "Korean digital-health startups", "Seed investment and US market access"
    )
    untagged = Profile("haeum", "startup", "ko", "미국 디지털 헬스 투자 유치", "갑상선 질환 진단 앱")
    explainer = Explainer(HashEncoder(dim=64))
    first = explainer.explain(startup, investor)[0]
    assert (first["code"], first["direction"], first["intent"]) == ("intent", "a_seeks", "investment")
    weights = [float(r["weight"]) for r in explainer.explain(untagged, investor)]
    assert weights == sorted(weights, reverse=True)  # without a tag: by contribution alone


def _page(viewer_kind: str) -> list[dict]:
    """A Korean page of recommendations for one viewer of ``viewer_kind`` among the evaluation set's
    organisations (English partners, so reasons quote across languages)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench" / "match"))
    import synth

    records = synth.load_eval()
    startups = [r for r in records if r["kind"] == "startup"]
    investors = [r for r in records if r["kind"] == "investor"]
    korean = startups[:30] + investors[:10]
    ps = synth.as_profiles(korean, "ko") + synth.as_profiles([r for r in records if r not in korean], "en")
    enc = HashEncoder(dim=128)
    viewers = [i for i, p in enumerate(ps[: len(korean)]) if p.kind == viewer_kind]
    assert viewers, viewer_kind
    recs = recommend(ps, enc, k=10)
    rows = list(recommendation_rows(recs, ps, Explainer(enc)))
    return [m for i in viewers[:4] for m in rows[i]["matches"]]


#: Korean quotes: the opening and closing marks of “…” or 「…」.
_QUOTED = re.compile(r"“[^”]*”|「[^」]*」")


@pytest.mark.parametrize(
    ("viewer_kind", "you", "never"), [("startup", "귀사", "귀 기관"), ("investor", "귀 기관", "귀사")]
)
def test_korean_reasons_address_the_viewer_by_its_kind(viewer_kind: str, you: str, never: str) -> None:
    matches = _page(viewer_kind)
    texts = [r["text"] for m in matches for r in m["reasons"]]
    assert texts
    assert any(you in t for t in texts)
    for t in texts:
        outside = _QUOTED.sub("", t)  # a profile may itself say 귀사; only our words are checked
        assert never not in outside, t
        assert "요청 사항" not in t and "; " not in outside, t
        assert "‘" not in outside and "’" not in outside, t  # quotes only in “…”
        # A quote is its own labelled clause ("…의 희망 사항: “…”"), never in the middle of a sentence.
        for quote in _QUOTED.finditer(t):
            before = t[: quote.start()]
            assert before.endswith(": "), t
        # Every partner of a page is named the same way, by its own kind.
        assert not ("상대 기업" in outside and "상대 기관" in outside), t


def test_particles_follow_the_pronunciation_of_hangul_digits_and_latin() -> None:
    assert josa("귀사", "이/가") == "귀사가" and josa("귀 기관", "이/가") == "귀 기관이"
    assert josa("위탁생산(CDMO) 파트너", "을/를") == "위탁생산(CDMO) 파트너를"
    assert josa("인허가(FDA·식약처)", "을/를") == "인허가(FDA·식약처)를"
    assert josa("시리즈 A", "을/를") == "시리즈 A를"  # 에이
    assert josa("Phase 3", "이/가") == "Phase 3이" and josa("Phase 2", "이/가") == "Phase 2가"  # 삼, 이
    assert josa("FDA", "은/는") == "FDA는" and josa("IBM", "은/는") == "IBM은"  # 에이, 엠
    assert josa("Scripps", "이/가") == "Scripps가" and josa("Scripps Clinic", "이/가") == "Scripps Clinic이"
    assert josa("Dexcom", "과/와") == "Dexcom과" and josa("Bio", "과/와") == "Bio와"
    assert josa("귀사", "과/와") == "귀사와" and josa("귀 기관", "과/와") == "귀 기관과"
    assert josa("★", "이/가") == "★(이)가"  # last resort only when nothing can be read


def test_fit_bands() -> None:
    assert (FIT_MEDIUM, FIT_HIGH) == (0.6, 0.95)
    assert [fit_band(s) for s in (0.99, 0.95, 0.949, 0.6, 0.59, 0.0)] == [
        "high",
        "high",
        "medium",
        "medium",
        "low",
        "low",
    ]
    matches = _page("startup")
    assert all(m["band"] == fit_band(m["score"]) for m in matches)
