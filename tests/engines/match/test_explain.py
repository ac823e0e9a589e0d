from __future__ import annotations

from bridgehead.engines.match import Explainer, HashEncoder, Profile, phrases, render


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
    codes = [r for r in reasons if r["code"] != "phrase"]
    assert codes == [
        {"code": "shared_sectors", "sectors": ["medtech"]},
        {"code": "neighbouring_sectors", "pairs": [["health.ai", "health.digital"]]},
        {"code": "market_fit", "markets": ["US"]},
        {"code": "stage_fit", "holder": "a", "stage": "seed", "focus": ["seed", "series-a"]},
    ]


def test_render_in_korean_and_english() -> None:
    phrase = {
        "code": "phrase",
        "direction": "a_seeks",
        "a": "미국 FDA 인허가 파트너.",
        "b": "FDA regulatory advice.",
        "similarity": 0.5,
    }
    assert render(phrase, "ko") == (
        "귀 기관의 요청 사항(‘미국 FDA 인허가 파트너’)이 상대 기관의 제공 역량(‘FDA regulatory advice’)과 잘 맞습니다."
    )
    assert render(phrase, "en") == "You are looking for “미국 FDA 인허가 파트너”; they offer “FDA regulatory advice”."
    sectors = {"code": "shared_sectors", "sectors": ["medtech.devices", "bio.genomics"]}
    assert render(sectors, "ko") == "두 기관 모두 의료기기, 유전체 분야에서 활동하고 있습니다."
    assert render(sectors, "en") == "You both work in medical devices and genomics."
    market = {"code": "market_fit", "markets": ["US", "XX"]}
    assert render(market, "ko") == "미국, XX 시장에 대한 관심이 서로 겹칩니다."
    stage = {"code": "stage_fit", "holder": "b", "stage": "series-a", "focus": ["seed", "series-a"]}
    assert (
        render(stage, "ko")
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
