"""Find partners in Korean, as a founder reads it (issue 17): reasons addressed by the viewer's kind (귀사 for a
startup, 귀 기관 for an investor), a startup's wish a 희망 사항, quotes set apart in “…”, no "; " joins, and the
fit shown as a band (높음 / 보통 / 낮음) with the score in the title and in text for screen readers; the API keeps
the score and adds the band code."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from bridgehead.engines.match import fit_band
from bridgehead.partnering import recommending
from bridgehead.partnering.models import Recommendation
from tests.partnering.factories import EventFactory, participant
from tests.partnering.test_api import bearer

pytestmark = pytest.mark.django_db

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」")
_REASON = re.compile(r'<li data-code="[a-z_]+">(.*?)</li>', re.S)
_FIT = re.compile(
    r'<span class="fit fit-(\w+)" data-testid="fit" data-band="\w+" title="([^"]+)" tabindex="0">([^<]+)'
    r'<span class="visually-hidden">, ([^<]+)</span></span>'
)


@pytest.fixture
def seoul_day():
    event = EventFactory(slug="seoul-day")
    startup = participant(
        event,
        "startup",
        "haeum",
        language="ko",
        seeks="시리즈 A 투자 유치를 원합니다. 미국 병원에서 임상시험을 맡아 줄 기관을 찾고 있습니다.",
        offers="스마트폰 사진으로 갑상선 안질환을 진단하는 AI 소프트웨어를 개발했습니다.",
    )
    startup.seeks_intents = ["investment", "clinical_trials"]
    startup.save()
    investor = participant(
        event,
        "investor",
        "hanbit",
        language="ko",
        seeks="의료 AI 스타트업을 발굴하고 있습니다.",
        offers="시드와 시리즈 A 단계의 디지털 헬스 기업에 투자합니다.",
    )
    investor.offers_intents = ["investment"]
    investor.save()
    partners = [
        participant(
            event,
            "investor",
            "pacific",
            seeks="Digital health startups entering the US.",
            offers="We invest in seed and Series A rounds. We offer US market access.",
        ),
        participant(
            event,
            "hospital",
            "scripps",
            seeks="AI tools that assist diagnosis in ophthalmology.",
            offers="Our clinical trial centre runs hundreds of trials a year.",
        ),
        participant(
            event,
            "startup",
            "eyecue",
            seeks="Series A investment; a clinical partner in Korea.",
            offers="Retinal imaging AI for diabetic eye disease.",
        ),
    ]
    return {"event": event, "startup": startup, "investor": investor, "partners": partners}


def _page(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("event-recommendations", args=["seoul-day"])).content.decode()


def _check_korean(texts: list[str], you: str, never: str) -> None:
    assert texts
    assert any(you in t for t in texts)
    for t in texts:
        ours = _QUOTED.sub("", t)
        assert never not in ours, t
        assert "요청 사항" not in t, t
        assert "; " not in ours, t
        assert "‘" not in ours and "’" not in ours, t
        for quote in _QUOTED.finditer(t):
            assert t[: quote.start()].endswith(": "), t  # a quote is its own labelled clause


def test_a_startup_reads_귀사_and_an_investor_귀_기관(client, seoul_day):
    startup, investor = seoul_day["startup"], seoul_day["investor"]
    page = _page(client, startup.person.user)
    texts = _REASON.findall(page)
    _check_korean(texts, "귀사", "귀 기관")
    assert any("귀사의 희망 사항: “" in t for t in texts)  # the startup's own wish, quoted apart
    page = _page(client, investor.person.user)
    _check_korean(_REASON.findall(page), "귀 기관", "귀사")
    assert "적합도 0." not in page  # no raw score as the visible fit


def test_the_fit_band_is_shown_with_the_score_in_title_and_hidden_text(client, seoul_day):
    startup = seoul_day["startup"]
    page = _page(client, startup.person.user)
    recs = list(Recommendation.objects.filter(participant=startup).order_by("rank"))
    fits = _FIT.findall(page)
    assert len(fits) == len(recs) > 0
    labels = {"high": "적합도: 높음", "medium": "적합도: 보통", "low": "적합도: 낮음"}
    for rec, (band, title, label, hidden) in zip(recs, fits, strict=True):
        assert band == fit_band(rec.score)
        assert label == labels[band]
        assert title == f"적합도 점수 {rec.score:.2f}" + "(0~1 기준)"
        assert hidden == title


def test_english_page_keeps_you_and_they(client, seoul_day):
    pacific = seoul_day["partners"][0]
    page = _page(client, pacific.person.user)
    texts = _REASON.findall(page)
    assert texts and not any(re.search(r"[귀상]", _QUOTED.sub("", t)) for t in texts)
    assert any("you" in t.lower() or "they" in t.lower() for t in texts)
    assert "Fit: " in page


def test_api_keeps_the_score_and_adds_the_band(client, seoul_day):
    startup = seoul_day["startup"]
    url = "/api/partnering/events/seoul-day/recommendations"
    response = client.get(url, headers={**bearer(startup.person.user), "Accept-Language": "ko"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items and response.json()["count"] == len(items)
    for item in items:
        assert isinstance(item["score"], float) and 0 <= item["score"] <= 1
        assert item["band"] == fit_band(item["score"]) and item["band"] in ("high", "medium", "low")
        assert item["reasons"] and all(set(r) == {"code", "text"} for r in item["reasons"])
    _check_korean([r["text"] for item in items for r in item["reasons"]], "귀사", "귀 기관")


def test_no_two_recommendations_open_with_the_same_korean_sentence():
    """The page may be shown in Korean to a profile written in English: openers are unique in both."""
    event = EventFactory(slug="many-ko")
    me = participant(
        event,
        "startup",
        "seeker",
        seeks="We need seed investment. We need a contract manufacturer.",
        offers="Wearable ECG patch for arrhythmia.",
    )
    for i in range(6):
        participant(
            event, "investor", f"fund{i}", seeks="Wearable cardiac devices.", offers="We invest in seed rounds."
        )
    recommending.ensure(event)
    recs = list(Recommendation.objects.filter(participant=me).select_related("partner").order_by("rank"))
    assert len(recs) == 6
    for language in ("ko", "en"):
        openers = [
            recommending.render_reasons(r.reasons, language, viewer=me.kind, partner=r.partner.kind)[0] for r in recs
        ]
        assert len(set(openers)) == 6, openers
    korean = [t for r in recs for t in recommending.render_reasons(r.reasons, "ko", viewer="startup", partner="x")]
    _check_korean(korean, "귀사", "귀 기관")
