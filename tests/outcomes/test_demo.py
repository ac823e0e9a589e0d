"""The demo's outcomes: the three reported results (real), synthetic ones from the partnering day's meetings,
rates and KPIs — idempotent, and enough for the dashboard and the brief."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bridgehead.core.models import User
from bridgehead.demo.scenario import load_demo
from bridgehead.outcomes.models import FxRate, Kpi, Outcome, StatusChange
from bridgehead.partnering.models import Feedback

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Outcome, StatusChange, FxRate, Kpi, Feedback)}


def test_demo_outcomes_are_real_or_synthetic_idempotent_and_fill_the_dashboard(client):
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first
    assert first == {"Outcome": 11, "StatusChange": 19, "FxRate": 7, "Kpi": 6, "Feedback": 8}

    real = {o.organisation.slug: o for o in Outcome.objects.filter(is_synthetic=False)}
    assert {slug: (o.kind, o.status, o.is_confirmed) for slug, o in real.items()} == {
        "thyroscope": ("investment", "under_review", True),
        "sb-solution": ("contract", "provisional", True),
        "dna-corporation": ("partnership", "closed", True),
    }
    assert (real["thyroscope"].amount, real["thyroscope"].currency) == (Decimal("10000000.00"), "USD")
    assert (
        real["sb-solution"].quantity,
        real["sb-solution"].unit,
        real["sb-solution"].period,
        real["sb-solution"].counterparty.slug,
    ) == (Decimal("200000.00"), "units", "year", "hangzhou-meditech")
    synthetic = Outcome.objects.filter(is_synthetic=True)
    assert all(o.meeting and o.meeting.event.slug == "sd-digital-health-partnering-2024" for o in synthetic)
    assert all(
        o.organisation_id in (o.meeting.first.organisation_id, o.meeting.second.organisation_id) for o in synthetic
    )

    client.force_login(User.objects.get(username="observer"))
    page = client.get("/outcomes/agreements/ulsan-san-diego-bio-2024/")
    assert page.status_code == 200
    values = {v.kpi.name_en: v.confirmed for v in page.context["d"].kpi_values}
    assert values["Contracts signed"] == Decimal(1)
    assert values["Startups entering the US market"] == Decimal(1)
    assert values["Partnering meetings held"] == Decimal(8)
    brief = client.get("/outcomes/agreement/ulsan-san-diego-bio-2024/brief/?from=2024-01-01&to=2025-12-31")
    korean = brief.context["form"].initial["text_ko"]
    # The brief's form is tested in test_brief_press.py; here only that the real outcomes reach it.
    assert "타이로스코프 | 미국 벤처캐피털(보도에 사명 미공개) | 투자 | 1,000만 달러 | 검토 중" in korean
    assert "에스비솔루션 | 항저우메디텍 | 계약 | 연 20만 개 | 가계약·잠정 합의" in korean
    assert "디엔에이코퍼레이션은 글로벌 의료기기 기업들(보도에 사명 미공개)과 협력 관계를 맺었다." in korean
    assert "전략적 투자 검토" not in korean  # confidential and unconfirmed
