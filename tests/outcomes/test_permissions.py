"""Pages and API per role: who reads, who reports, who confirms, and never data from another program."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from bridgehead.outcomes.models import Outcome
from tests.outcomes.factories import OutcomeFactory


@pytest.fixture
def records(ow):
    program = ow["our_program"]
    own = OutcomeFactory(
        program=program,
        organisation=ow["startup"],
        counterparty=ow["investor"],
        title_en="Seed round from Investor Co",
        amount=Decimal("100"),
        currency="USD",
    )
    secret = OutcomeFactory(
        program=program,
        organisation=ow["other"],
        title_en="Secret licence deal",
        is_confidential=True,
        status="closed",
        confirmed_at=timezone.now(),
        amount=Decimal("50"),
        currency="USD",
    )
    return {**ow, "own": own, "secret": secret}


DASHBOARDS = ["/outcomes/agreements/ours/", "/outcomes/programs/our-program/"]
EXPORTS = [
    "/outcomes/agreement/ours/report.xlsx",
    "/outcomes/program/our-program/report.pdf",
    "/outcomes/agreement/ours/brief/",
]
MANAGEMENT = [
    "/outcomes/programs/our-program/rates/",
    "/outcomes/programs/our-program/kpis/",
    "/outcomes/programs/our-program/reminders/",
]


@pytest.mark.parametrize(
    "role, dashboards, management",
    [
        ("admin", 200, 200),
        ("manager", 200, 200),
        ("observer", 200, 404),
        ("reviewer", 404, 404),
        ("mentor", 404, 404),
        ("startup", 404, 404),
        ("investor", 404, 404),
        ("signatory_member", 404, 404),
        ("guest", 404, 404),
    ],
)
def test_dashboards_and_program_pages_per_role(records, login, role, dashboards, management):
    client = login(records["users"][role])
    assert {url: client.get(url).status_code for url in DASHBOARDS} == dict.fromkeys(DASHBOARDS, dashboards)
    assert {url: client.get(url).status_code for url in MANAGEMENT} == dict.fromkeys(MANAGEMENT, management)


def test_exports_are_read_only_for_observers_and_hidden_from_others(records, login):
    observer = login(records["users"]["observer"])
    assert [observer.get(url).status_code for url in EXPORTS] == [200, 200, 200]
    assert (
        observer.post(
            "/outcomes/programs/our-program/rates/", {"on": "2024-01-02", "currency": "KRW", "base": "USD", "rate": "1"}
        ).status_code
        == 404
    )
    assert observer.post(f"/outcomes/{records['own'].pk}/confirm/").status_code == 403
    startup = login(records["users"]["startup"])
    assert [startup.get(url).status_code for url in EXPORTS] == [404, 404, 404]


def test_anonymous_visitors_are_sent_to_log_in(records, client):
    response = client.get("/outcomes/agreements/ours/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_nobody_in_our_agreement_sees_the_other_programs_dashboards_or_records(records, login):
    their = records["their_outcome"]
    for role in ("manager", "observer", "startup", "investor", "reviewer"):
        client = login(records["users"][role])
        assert client.get("/outcomes/agreements/theirs/").status_code == 404, role
        assert client.get("/outcomes/programs/their-program/").status_code == 404, role
        assert client.get(f"/outcomes/{their.pk}/").status_code == 404, role
        assert client.get(f"/api/outcomes/{their.pk}").status_code == 404, role
        assert their.pk not in [o["id"] for o in client.get("/api/outcomes/").json()["items"]], role
        assert b"Their secret deal" not in client.get("/outcomes/").content, role


def test_a_manager_of_another_program_in_the_same_agreement_sees_only_their_program(records, login):
    from tests.factories import ProgramFactory, UserFactory, grant

    sibling = ProgramFactory(agreement=records["ours"], slug="sibling")
    sibling_manager = grant(UserFactory(username="sibling-pm"), "program_manager", program=sibling)
    client = login(sibling_manager)
    page = client.get("/outcomes/agreements/ours/")
    assert page.status_code == 200
    assert b"Seed round from Investor Co" not in page.content
    assert page.context["d"].counts["all"] == 0
    assert client.get("/outcomes/programs/our-program/").status_code == 404
    assert client.get(f"/outcomes/{records['own'].pk}/").status_code == 404


def test_observer_counts_confidential_outcomes_but_never_sees_their_names(records, login):
    client = login(records["users"]["observer"])
    page = client.get("/outcomes/agreements/ours/")
    assert page.context["d"].counts == {
        "all": 2,
        "records_confirmed": 1,
        "records_unconfirmed": 1,
        "closed": 1,
        "closed_unconfirmed": 0,
        "in_progress": 1,
        "startups": 2,
        "confidential": 1,
        "lost": 0,
    }
    assert page.context["d"].closed_total.amount == Decimal("50.00")
    assert b"Secret licence deal" not in page.content
    assert "Confidential outcome" in page.content.decode()
    assert client.get(f"/outcomes/{records['secret'].pk}/").status_code == 404
    assert client.get(f"/api/outcomes/{records['secret'].pk}").status_code == 404
    manager = login(records["users"]["manager"])
    assert b"Secret licence deal" in manager.get("/outcomes/agreements/ours/").content


def test_unconfirmed_outcomes_are_marked_on_every_page(records, login):
    client = login(records["users"]["manager"])
    dashboard = client.get("/outcomes/programs/our-program/").content.decode()
    assert dashboard.count('data-testid="unconfirmed"') == 1
    detail = client.get(f"/outcomes/{records['own'].pk}/").content.decode()
    assert 'data-testid="unconfirmed"' in detail
    assert "not yet — the record is shown as unconfirmed everywhere" in detail


def test_startup_sees_and_reports_its_own_outcomes_only(records, login):
    client = login(records["users"]["startup"])
    assert client.get(f"/outcomes/{records['own'].pk}/").status_code == 200
    assert client.get(f"/outcomes/{records['secret'].pk}/").status_code == 404
    assert client.get("/outcomes/startups/startup-co/").status_code == 200
    assert client.get("/outcomes/startups/other-startup/").status_code == 404
    assert [o["id"] for o in client.get("/api/outcomes/").json()["items"]] == [records["own"].pk]
    assert client.get("/outcomes/report/").status_code == 200
    assert records["users"]["startup"].has_perm("outcomes.change_outcome", records["own"])
    assert not records["users"]["startup"].has_perm("outcomes.confirm_outcome", records["own"])


def test_counterparty_may_read_and_confirm_the_outcome_naming_it(records, login):
    client = login(records["users"]["investor"])
    assert client.get("/outcomes/").context["to_confirm"] == [records["own"]]
    response = client.post(f"/outcomes/{records['own'].pk}/confirm/")
    assert response.status_code == 302
    records["own"].refresh_from_db()
    assert records["own"].confirmed_by == records["users"]["investor"]
    assert not records["users"]["investor"].has_perm("outcomes.change_outcome", records["own"])


def test_a_party_not_named_cannot_confirm(records, login):
    client = login(records["users"]["signatory_member"])
    assert client.post(f"/outcomes/{records['own'].pk}/confirm/").status_code == 404
    assert Outcome.objects.get(pk=records["own"].pk).confirmed_at is None


def test_reviewer_and_mentor_cannot_report(records, login):
    for role in ("reviewer", "mentor", "guest", "observer"):
        client = login(records["users"][role])
        assert client.get("/outcomes/report/").status_code == 403, role


API_OUTCOME = {
    "organisation": "startup-co",
    "program": "our-program",
    "kind": "investment",
    "status": "closed",
    "title_en": "Series A",
    "title_ko": "시리즈A",
    "amount": "1300000000",
    "currency": "KRW",
    "occurred_on": "2024-09-01",
}


def test_api_report_confirm_and_kpis(records, login):
    startup = login(records["users"]["startup"])
    created = startup.post("/api/outcomes/", API_OUTCOME, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["amount"], body["currency"], body["confirmed"], body["organisation"]) == (
        "1300000000.00",
        "KRW",
        False,
        "startup-co",
    )

    refused = startup.post("/api/outcomes/", {**API_OUTCOME, "currency": "WON"}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "loc": ["body", "payload", "currency"],
            "type": "currency",
            "msg": "“WON” is not an ISO 4217 currency code (e.g. USD, KRW, CNY, EUR).",
        }
    ]
    other = startup.post(
        "/api/outcomes/", {**API_OUTCOME, "organisation": "other-startup"}, content_type="application/json"
    )
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["body", "payload", "organisation"]

    refused_confirm = startup.post(f"/api/outcomes/{body['id']}/confirm")
    assert refused_confirm.status_code == 403
    assert refused_confirm.json() == {
        "code": "permission.outcomes.confirm_outcome",
        "detail": "You do not have permission to do this.",
        "field": None,
    }
    manager = login(records["users"]["manager"])
    assert (
        manager.post(
            "/api/outcomes/programs/our-program/rates",
            {"on": "2024-01-02", "currency": "KRW", "base": "USD", "rate": "0.00075"},
            content_type="application/json",
        ).status_code
        == 201
    )
    confirmed = manager.post(f"/api/outcomes/{body['id']}/confirm")
    assert confirmed.json()["confirmed"] is True

    startup = login(records["users"]["startup"])  # one test client: log the startup in again
    changed = startup.patch(f"/api/outcomes/{body['id']}", {"amount": "1"}, content_type="application/json")
    assert (changed.status_code, changed.json()["code"]) == (409, "outcomes.outcome.confirmed"), changed.json()
    proposal = startup.post(
        f"/api/outcomes/{body['id']}/proposals",
        {"changes": {"amount": "1400000000"}, "reason": "Final closing amount"},
        content_type="application/json",
    )
    assert proposal.status_code == 201
    assert proposal.json()["changes"] == {"amount": "1400000000"}

    from tests.outcomes.factories import KpiFactory

    KpiFactory(program=records["our_program"], commitment=records["commitment"], name_en="Investment attracted")
    observer = login(records["users"]["observer"])
    kpis = observer.get("/api/outcomes/kpis?agreement=ours").json()["items"]
    assert [(k["name_en"], k["confirmed"], k["unconfirmed"], k["rate_dates"]) for k in kpis] == [
        ("Investment attracted", "975050.00", "0.00", [dt.date(2024, 1, 2).isoformat()])
    ]  # + the secret deal
    refused_report = observer.post("/api/outcomes/", API_OUTCOME, content_type="application/json")
    assert (refused_report.status_code, refused_report.json()["code"]) == (403, "permission.outcomes.report_outcome")
    assert observer.get("/api/outcomes/kpis?agreement=theirs").status_code == 404
    assert login(records["users"]["startup"]).get("/api/outcomes/kpis?program=our-program").status_code == 404


def test_api_manager_patch_records_the_status_history(records, login):
    manager = login(records["users"]["manager"])
    response = manager.patch(
        f"/api/outcomes/{records['own'].pk}",
        {"status": "provisional", "status_on": "2024-07-01"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "provisional"
    assert list(records["own"].history.values_list("status", "on")) == [("provisional", dt.date(2024, 7, 1))]


def test_cohort_and_startup_dashboards(records, login):
    from tests.factories import OrganisationFactory

    outsider = OrganisationFactory(slug="not-in-cohort", kind="startup")
    OutcomeFactory(program=records["our_program"], organisation=outsider, title_en="Outside the cohort")
    cohort_url = f"/outcomes/cohorts/{records['cohort'].pk}/"
    page = login(records["users"]["observer"]).get(cohort_url)
    assert page.status_code == 200
    assert page.context["d"].counts["all"] == 2  # the cohort's two startups, not the outsider
    assert login(records["users"]["startup"]).get(cohort_url).status_code == 404
    assert login(records["users"]["manager"]).get("/outcomes/cohorts/999999/").status_code == 404
    assert login(records["users"]["manager"]).get("/outcomes/cohorts/x/report.pdf").status_code == 404
    program_page = login(records["users"]["manager"]).get("/outcomes/programs/our-program/").content.decode()
    assert cohort_url in program_page and "/outcomes/startups/startup-co/" in program_page
    startup_page = login(records["users"]["observer"]).get("/outcomes/startups/startup-co/")
    assert [row.outcome.title_en for row in startup_page.context["d"].rows] == ["Seed round from Investor Co"]
