"""Outcome e-mails carry absolute links (issue 11, item 10: "/outcomes/12/" cannot be opened from a mail
client), each notice also lands in the recipient's inbox, and a proposed change reads as labelled values
("Counterparty: Investor Co"), not field names and keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core import mail
from django.utils import timezone

from bridgehead.core.models import Notification
from bridgehead.outcomes import services
from tests.outcomes.factories import OutcomeFactory

SITE = "https://bridgehead.example.org"


def test_outcome_mails_link_absolutely_and_leave_an_inbox_notice(
    ow, login, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    manager, investor = ow["users"]["manager"], ow["users"]["investor"]
    with django_capture_on_commit_callbacks(execute=True):
        login(ow["users"]["startup"]).post(
            "/outcomes/report/",
            {
                "organisation": ow["startup"].pk,
                "program": ow["our_program"].pk,
                "kind": "investment",
                "status": "lead",
                "title_en": "Seed investment",
                "occurred_on": "2024-09-12",
                "period": "",
                "counterparty": "Investor Co",
            },
        )
    outcome = ow["startup"].outcomes.get()
    link = f"{SITE}/outcomes/{outcome.pk}/"
    assert [(m.to[0], link in m.body) for m in sorted(mail.outbox, key=lambda m: m.to[0])] == [
        (investor.email, True),
        (manager.email, True),
    ]
    assert all(f" /outcomes/{outcome.pk}/" not in m.body for m in mail.outbox)
    notices = Notification.objects.filter(kind="outcome").order_by("user__username")
    assert [(n.user, n.text, n.url) for n in notices] == [
        (investor, "Startup Co reported “Seed investment”; it waits for confirmation.", f"/outcomes/{outcome.pk}/"),
        (manager, "Startup Co reported “Seed investment”; it waits for confirmation.", f"/outcomes/{outcome.pk}/"),
    ]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_reminders(program=ow["our_program"])
    report = f"{SITE}/outcomes/report/?program={ow['our_program'].pk}"
    assert [m.body.count(report) for m in mail.outbox] == [1, 1]  # both cohort startups


def test_a_proposed_change_reads_as_labelled_values_in_the_page_and_the_mail(
    ow, login, django_capture_on_commit_callbacks
):
    outcome = OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["startup"],
        title_en="Seed round",
        status="lead",
        confirmed_at=timezone.now(),
        amount=Decimal("100"),
        currency="USD",
        occurred_on=dt.date(2024, 6, 1),
    )
    client = login(ow["users"]["startup"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/outcomes/{outcome.pk}/propose/",
            {
                **services.form_data(outcome),
                "counterparty": "Investor Co",
                "status": "closed",
                "reason": "Signed last week",
            },
        )
    proposal = outcome.proposals.get()
    assert proposal.readable_changes() == [("status", "Signed / closed"), ("counterparty", "Investor Co")]
    page = login(ow["users"]["manager"]).get(f"/outcomes/{outcome.pk}/").content.decode()
    assert "<li>Status: Signed / closed</li><li>Counterparty: Investor Co</li>" in page
    [message] = mail.outbox
    assert "- Status: Signed / closed\n- Counterparty: Investor Co\n" in message.body
    assert f"Reject the change {ow['users']['startup']} proposed" in page
