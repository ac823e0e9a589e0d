"""The reporting flow through the pages: report, e-mails in the recipient's language after commit, confirm,
status history, FX rates and KPIs entered by the manager, periodic reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bridgehead.outcomes import services
from bridgehead.outcomes.models import FxRate, Kpi, Outcome, ReminderSchedule
from tests.outcomes.factories import OutcomeFactory

REPORT = {
    "organisation": "",
    "program": "",
    "kind": "investment",
    "status": "closed",
    "title_ko": "시드 투자 유치",
    "title_en": "Seed investment",
    "amount": "650000000",
    "currency": "KRW",
    "occurred_on": "2024-09-12",
    "period": "",
    "counterparty": "",
    "country": "US",
}


def test_startup_reports_through_the_page_and_the_manager_and_counterparty_are_told(
    ow, login, django_capture_on_commit_callbacks
):
    manager, investor = ow["users"]["manager"], ow["users"]["investor"]
    manager.language = "ko"
    manager.save()
    client = login(ow["users"]["startup"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/outcomes/report/",
            {
                **REPORT,
                "organisation": ow["startup"].pk,
                "program": ow["our_program"].pk,
                "counterparty": ow["investor"].pk,
                "meeting": ow["meeting"].pk,
            },
        )
    outcome = Outcome.objects.get(program=ow["our_program"])
    assert response.status_code == 302 and response["Location"] == f"/outcomes/{outcome.pk}/"
    assert (outcome.amount, outcome.currency, outcome.event, outcome.reported_by) == (
        Decimal("650000000.00"),
        "KRW",
        ow["event"],
        ow["users"]["startup"],
    )
    assert list(outcome.history.values_list("status", "on")) == [("closed", dt.date(2024, 9, 12))]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (investor.email, "[Outcome] Startup Co reported an outcome to confirm"),
        (manager.email, "[성과] 스타트업코의 성과 보고 — 확인 요청"),
    ]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post(f"/outcomes/{outcome.pk}/confirm/")
    outcome.refresh_from_db()
    assert outcome.confirmed_by == manager
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        (ow["users"]["startup"].email, "[Outcome] “Seed investment” is confirmed")
    ]
    again = login(manager).post(f"/outcomes/{outcome.pk}/confirm/", follow=True)  # only once
    assert 'data-refusal-code="outcomes.outcome.already_confirmed"' in again.content.decode()
    outcome.refresh_from_db()
    assert outcome.confirmed_by == manager


def test_a_rolled_back_report_sends_no_mail(ow):
    from bridgehead.outcomes.forms import OutcomeForm

    form = OutcomeForm(
        {**REPORT, "organisation": ow["startup"].pk, "program": ow["our_program"].pk}, user=ow["users"]["startup"]
    )
    assert form.is_valid()
    try:
        from django.db import transaction

        with transaction.atomic():
            services.report_outcome(form=form, by=ow["users"]["startup"])
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    assert (Outcome.objects.filter(program=ow["our_program"]).count(), mail.outbox) == (0, [])


def test_manager_edits_the_status_and_the_history_keeps_each_date(ow, login):
    outcome = OutcomeFactory(program=ow["our_program"], organisation=ow["startup"], status="lead")
    client = login(ow["users"]["manager"])
    data = {**services.form_data(outcome), "status": "under_review", "status_on": "2024-07-01"}
    assert client.post(f"/outcomes/{outcome.pk}/edit/", data).status_code == 302
    data = {
        **services.form_data(Outcome.objects.get(pk=outcome.pk)),
        "status": "provisional",
        "status_on": "2024-08-15",
    }
    assert client.post(f"/outcomes/{outcome.pk}/edit/", data).status_code == 302
    assert list(outcome.history.values_list("status", "on")) == [
        ("under_review", dt.date(2024, 7, 1)),
        ("provisional", dt.date(2024, 8, 15)),
    ]
    page = client.get(f"/outcomes/{outcome.pk}/").content.decode()
    assert "Attribution" in page and "Our agreement" in page


def test_manager_enters_and_imports_rates_and_defines_a_kpi(ow, login):
    client = login(ow["users"]["manager"])
    url = "/outcomes/programs/our-program/rates/"
    added = client.post(url, {"on": "2024-01-02", "currency": "krw", "base": "USD", "rate": "0.00075"})
    assert added.status_code == 302
    refused = client.post(url, {"on": "2024-01-03", "currency": "USD", "base": "USD", "rate": "1"})
    assert refused.context["form"].errors == {"currency": ["A rate converts between two different currencies."]}
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("rates.csv", b"date,currency,in,rate\n2024-02-01,KRW,USD,abc\n")
    page = client.post(url, {"action": "import", "file": bad})
    assert [(p.row, p.column) for p in page.context["problems"]] == [(2, "rate")]
    good = SimpleUploadedFile("rates.csv", "날짜,통화,기준통화,환율\n2024-02-01,CNY,USD,0.14\n".encode("cp949"))
    assert client.post(url, {"action": "import", "file": good}).status_code == 302
    assert sorted(FxRate.objects.values_list("currency", "rate")) == [
        ("CNY", Decimal("0.14000000")),
        ("KRW", Decimal("0.00075000")),
    ]

    kpi_url = "/outcomes/programs/our-program/kpis/"
    response = client.post(
        kpi_url,
        {
            "commitment": ow["commitment"].pk,
            "name_ko": "계약 체결 건수",
            "name_en": "Contracts signed",
            "metric": "outcomes",
            "kind": "contract",
            "country": "",
            "counting": "closed",
            "target": "5",
            "currency": "USD",
            "starts_on": "2024-01-01",
            "ends_on": "2025-12-31",
            "order": "0",
        },
    )
    assert response.status_code == 302
    assert Kpi.objects.get().program == ow["our_program"]
    from tests.factories import CommitmentFactory

    foreign = CommitmentFactory(agreement=ow["theirs"])
    refused = client.post(
        kpi_url,
        {
            "commitment": foreign.pk,
            "name_ko": "x",
            "name_en": "x",
            "metric": "outcomes",
            "counting": "closed",
            "target": "1",
            "currency": "USD",
            "starts_on": "2024-01-01",
            "ends_on": "2023-01-01",
            "order": "0",
        },
    )
    assert set(refused.context["form"].errors) == {"commitment", "__all__"}


def test_reminders_are_sent_per_program_in_each_startups_language(ow, login, django_capture_on_commit_callbacks):
    startup = ow["users"]["startup"]
    startup.language = "ko"
    startup.save()
    client = login(ow["users"]["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/outcomes/programs/our-program/reminders/", {"every_days": "30", "is_active": "on", "action": "send"}
        )
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (ow["other_user"].email, f"[{ow['our_program'].title_en}] Any new outcomes to report?"),
        (startup.email, f"[{ow['our_program'].title_ko}] 새로운 성과를 알려 주십시오"),
    ]
    schedule = ReminderSchedule.objects.get()
    client.post("/outcomes/programs/our-program/reminders/", {"every_days": "30", "is_active": "on"})
    schedule.refresh_from_db()
    assert schedule.every_days == 30
    now = timezone.now()
    assert services.due_reminders(now=now) == []
    assert services.due_reminders(now=now + dt.timedelta(days=30)) == [ow["our_program"].pk]

    mail.outbox.clear()
    ReminderSchedule.objects.update(last_sent_at=now - dt.timedelta(days=31))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("outcome_reminders", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 2
    assert services.due_reminders() == []


def test_evidence_is_checked_by_its_bytes_and_served_only_to_people_who_may_see_the_outcome(ow, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(ow["users"]["startup"])
    fields = {**REPORT, "organisation": ow["startup"].pk, "program": ow["our_program"].pk}
    program = SimpleUploadedFile("term-sheet.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client.post("/outcomes/report/", {**fields, "evidence": program})
    assert [e.code for e in refused.context["form"].errors.as_data()["evidence"]] == ["executable"]
    pdf = SimpleUploadedFile("term-sheet.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    assert client.post("/outcomes/report/", {**fields, "evidence": pdf}).status_code == 302
    outcome = Outcome.objects.get(program=ow["our_program"])

    response = client.get(f"/outcomes/{outcome.pk}/evidence/")
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n%%EOF\n"
    assert response["Content-Disposition"].startswith("attachment;")
    assert login(ow["other_user"]).get(f"/outcomes/{outcome.pk}/evidence/").status_code == 404
    assert login(ow["users"]["reviewer"]).get(f"/outcomes/{outcome.pk}/evidence/").status_code == 404


def test_manager_deletes_a_wrong_rate_and_a_record_but_a_startup_cannot(ow, login):
    from tests.outcomes.factories import FxRateFactory

    rate = FxRateFactory(program=ow["our_program"])
    other_rate = FxRateFactory(program=ow["their_program"])
    outcome = OutcomeFactory(program=ow["our_program"], organisation=ow["startup"])
    startup = login(ow["users"]["startup"])
    assert startup.post(f"/outcomes/{outcome.pk}/delete/").status_code == 403
    assert (
        startup.post("/outcomes/programs/our-program/rates/", {"action": "delete", "rate": rate.pk}).status_code == 404
    )
    manager = login(ow["users"]["manager"])
    assert (
        manager.post("/outcomes/programs/our-program/rates/", {"action": "delete", "rate": other_rate.pk}).status_code
        == 404
    )
    assert (
        manager.post("/outcomes/programs/our-program/rates/", {"action": "delete", "rate": rate.pk}).status_code == 302
    )
    response = manager.post(f"/outcomes/{outcome.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/outcomes/programs/our-program/"
    assert list(FxRate.objects.values_list("pk", flat=True)) == [other_rate.pk]
    assert not Outcome.objects.filter(pk=outcome.pk).exists()
