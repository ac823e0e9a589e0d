"""One way to act: the page and the API refuse the same action with the same code, every change is a domain
action checked against the rules with the acting user, and a second tenant is refused by every service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from bridgehead.agreements import services as agreement_services
from bridgehead.agreements.forms import AgreementForm
from bridgehead.core.errors import Refused
from bridgehead.core.models import ApiToken
from bridgehead.outcomes import fximport, services
from bridgehead.outcomes.forms import FxRateForm, KpiForm, OutcomeForm, ProposalForm
from bridgehead.outcomes.models import ChangeProposal, FxRate, Kpi, Outcome, ReminderSchedule
from bridgehead.registry import services as registry_services
from bridgehead.registry.forms import OrganisationForm, PersonForm
from bridgehead.registry.models import Organisation
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, grant
from tests.outcomes.factories import FxRateFactory, OutcomeFactory


@pytest.fixture
def open_outcome(ow):
    return OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["startup"],
        counterparty=ow["investor"],
        title_en="Seed round",
        amount=Decimal("100"),
        currency="USD",
    )


@pytest.fixture
def confirmed_outcome(ow):
    return OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["startup"],
        title_en="Signed contract",
        status="closed",
        confirmed_at=timezone.now(),
    )


def refusal_code(page) -> list[str]:
    """The refusal codes a page shows (the 403 page, or flashed messages)."""
    text = page.content.decode()
    return sorted({part.split('"', 1)[0] for part in text.split('data-refusal-code="')[1:]})


def test_a_forbidden_confirmation_has_one_code_on_the_page_and_in_the_api(ow, open_outcome, login):
    observer = login(ow["users"]["observer"])  # reads the agreement's records, confirms none
    api = observer.post(f"/api/outcomes/{open_outcome.pk}/confirm")
    page = observer.post(f"/outcomes/{open_outcome.pk}/confirm/")
    assert (api.status_code, api.json()["code"]) == (403, "permission.outcomes.confirm_outcome")
    assert (page.status_code, refusal_code(page)) == (403, ["permission.outcomes.confirm_outcome"])
    open_outcome.refresh_from_db()
    assert open_outcome.confirmed_at is None


def test_a_forbidden_edit_has_one_code_on_the_page_and_in_the_api(ow, open_outcome, login):
    investor = login(ow["users"]["investor"])  # the counterparty: reads and confirms, never edits
    api = investor.patch(f"/api/outcomes/{open_outcome.pk}", {"amount": "1"}, content_type="application/json")
    page = investor.post(f"/outcomes/{open_outcome.pk}/edit/", {**services.form_data(open_outcome), "amount": "1"})
    assert (api.status_code, api.json().get("code")) == (403, "permission.outcomes.change_outcome"), api.json()
    assert (page.status_code, refusal_code(page)) == (403, ["permission.outcomes.change_outcome"])
    open_outcome.refresh_from_db()
    assert open_outcome.amount == Decimal("100.00")


def test_a_manager_of_another_program_is_not_told_the_record_exists_by_either(ow, open_outcome, login):
    from tests.factories import ProgramFactory

    sibling = ProgramFactory(agreement=ow["ours"], slug="sibling")
    client = login(grant(UserFactory(username="sibling-pm"), "program_manager", program=sibling))
    api = client.post(f"/api/outcomes/{open_outcome.pk}/confirm")
    page = client.post(f"/outcomes/{open_outcome.pk}/confirm/")
    assert (api.status_code, api.json()["code"], page.status_code) == (404, "not_found", 404)


def test_the_same_conflict_has_one_code_on_the_page_and_in_the_api(ow, confirmed_outcome, login):
    manager = login(ow["users"]["manager"])
    api = manager.post(f"/api/outcomes/{confirmed_outcome.pk}/confirm")
    page = manager.post(f"/outcomes/{confirmed_outcome.pk}/confirm/", follow=True)
    assert api.status_code == 409
    assert api.json() == {
        "code": "outcomes.outcome.already_confirmed",
        "detail": "This outcome is already confirmed.",
        "field": None,
    }
    assert page.redirect_chain == [(f"/outcomes/{confirmed_outcome.pk}/", 302)]
    assert refusal_code(page) == ["outcomes.outcome.already_confirmed"]


def test_a_startups_edit_of_a_confirmed_record_is_one_conflict_for_api_and_service(ow, confirmed_outcome, login):
    startup = ow["users"]["startup"]
    api = login(startup).patch(
        f"/api/outcomes/{confirmed_outcome.pk}", {"title_en": "x"}, content_type="application/json"
    )
    form = OutcomeForm(
        {**services.form_data(confirmed_outcome), "title_en": "x"}, instance=confirmed_outcome, user=startup
    )
    assert form.is_valid(), form.errors
    with pytest.raises(Refused) as refused:
        services.update_outcome(form=form, by=startup)
    assert (api.status_code, api.json()["code"]) == (409, refused.value.code) == (409, "outcomes.outcome.confirmed")


def test_a_proposal_without_a_reason_names_the_field(ow, confirmed_outcome):
    startup = ow["users"]["startup"]
    form = ProposalForm(
        {**services.form_data(confirmed_outcome), "title_en": "Bigger contract", "reason": "x"},
        instance=confirmed_outcome,
        user=startup,
    )
    assert form.is_valid(), form.errors
    with pytest.raises(Refused) as refused:
        services.propose_change(form=form, reason="  ", by=startup)
    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "outcomes.proposal.no_reason",
        "reason",
        422,
    )


def test_an_api_token_confirmation_is_audited_with_the_token_owner(ow, open_outcome, client):
    _token, raw = ApiToken.issue(user=ow["users"]["investor"], name="script")
    answer = client.post(f"/api/outcomes/{open_outcome.pk}/confirm", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200, answer.content
    entry = LogEntry.objects.get_for_object(open_outcome).latest("timestamp")
    assert (entry.actor, entry.additional_data["via"]) == (ow["users"]["investor"], "api-token")
    assert "confirmed_by" in entry.changes_dict


# ---------------------------------------------------------------- the second tenant


@pytest.fixture
def theirs(ow):
    """People of the other agreement: its program manager and a member of its startup."""
    their_startup = OrganisationFactory(slug="their-startup-co", kind="startup", name_en="Their Startup")
    return {
        "manager": grant(UserFactory(username="their-manager"), "program_manager", program=ow["their_program"]),
        "startup": grant(UserFactory(username="their-startup"), "startup_member", organisation=their_startup),
    }


def test_the_other_tenants_manager_is_refused_by_every_outcomes_service(ow, theirs, open_outcome, confirmed_outcome):
    them, admin, program = theirs["manager"], ow["users"]["admin"], ow["our_program"]
    report = OutcomeForm(
        {**services.form_data(open_outcome), "title_en": "Planted", "counterparty": "", "occurred_on": "2024-06-01"},
        user=admin,
    )
    edit = OutcomeForm({**services.form_data(open_outcome), "title_en": "Moved"}, instance=open_outcome, user=admin)
    proposal_form = ProposalForm(
        {**services.form_data(confirmed_outcome), "title_en": "Other", "reason": "r"},
        instance=confirmed_outcome,
        user=ow["users"]["startup"],
    )
    assert report.is_valid() and edit.is_valid() and proposal_form.is_valid()
    proposal = ChangeProposal.objects.create(
        outcome=confirmed_outcome, changes={"title_en": "Other"}, reason="r", proposed_by=ow["users"]["startup"]
    )
    rate = FxRateFactory(program=program)
    rate_form = FxRateForm({"on": "2024-02-01", "currency": "KRW", "base": "USD", "rate": "0.0007"}, program=program)
    kpi_form = KpiForm(
        {
            "commitment": ow["commitment"].pk,
            "name_en": "Planted",
            "name_ko": "심은 지표",
            "metric": "amount",
            "kind": "investment",
            "counting": "closed",
            "target": "1",
            "currency": "USD",
            "starts_on": "2024-01-01",
            "ends_on": "2024-12-31",
            "order": "0",
        },
        program=program,
    )
    assert rate_form.is_valid(), rate_form.errors
    assert kpi_form.is_valid(), kpi_form.errors
    attempts = {
        "report_outcome_for": lambda: services.report_outcome(form=report, by=them),
        "change_outcome": lambda: services.update_outcome(form=edit, by=them),
        "confirm_outcome": lambda: services.confirm_outcome(outcome=open_outcome, by=them),
        "propose_change": lambda: services.propose_change(form=proposal_form, reason="r", by=them),
        "decide_proposal": lambda: services.decide_proposal(proposal=proposal, accept=True, by=them),
        "delete_outcome": lambda: services.delete_outcome(outcome=open_outcome, by=them),
        "manage_program": [
            lambda: services.save_fx_rate(form=rate_form, by=them),
            lambda: services.delete_fx_rate(rate=rate, by=them),
            lambda: services.save_kpi(form=kpi_form, by=them),
            lambda: services.save_reminder_schedule(program=program, every_days=30, is_active=True, by=them),
            lambda: services.send_reminders(program=program, by=them),
            lambda: fximport.import_rates(
                program=program, filename="r.csv", content=b"date,currency,in,rate\n2024-03-01,KRW,USD,1\n", by=them
            ),
        ],
    }
    for perm, calls in attempts.items():
        for call in calls if isinstance(calls, list) else [calls]:
            with pytest.raises(Refused) as refused:
                call()
            assert (refused.value.code, refused.value.status) == (f"permission.outcomes.{perm}", 403)
    assert Outcome.objects.filter(title_en__in=["Planted", "Moved"]).count() == 0
    assert Outcome.objects.filter(pk=open_outcome.pk, confirmed_at__isnull=True).exists()
    assert ChangeProposal.objects.filter(status="pending").count() == 1
    assert list(FxRate.objects.values_list("pk", flat=True)) == [rate.pk]
    assert (Kpi.objects.count(), ReminderSchedule.objects.count()) == (0, 0)


def test_the_other_tenant_is_refused_by_the_registry_and_agreement_services(ow, theirs):
    startup_co = ow["startup"]
    person = PersonFactory(organisation=startup_co, name_en="Our CEO")
    edit = OrganisationForm(
        {"name_en": "Renamed", "kind": "startup", "country": "KR"}, instance=Organisation.objects.get(pk=startup_co.pk)
    )
    person_edit = PersonForm({"name_en": "Renamed CEO", "time_zone": "Asia/Seoul"}, instance=person)
    agreement = AgreementForm(
        {"slug": "planted", "title_en": "Planted", "signed_at": "2024-05-01T09:00:00+09:00", "time_zone": "Asia/Seoul"}
    )
    agreement_edit = AgreementForm(
        {
            "slug": "ours",
            "title_en": "Renamed",
            "signed_at": dt.datetime(2024, 1, 17, 18, 30, tzinfo=dt.UTC).isoformat(),
            "time_zone": "Asia/Seoul",
        },
        instance=ow["ours"],
    )
    assert edit.is_valid() and person_edit.is_valid() and agreement.is_valid() and agreement_edit.is_valid()
    attempts = [
        ("registry.change_organisation", lambda: registry_services.save_organisation(form=edit, by=theirs["startup"])),
        ("registry.change_person", lambda: registry_services.save_person(form=person_edit, by=theirs["startup"])),
        (
            "registry.import_organisations",
            lambda: registry_services.import_spreadsheet(
                kind="organisations",
                filename="o.csv",
                content=b"Name (English),Kind,Country\nX,startup,KR\n",
                by=theirs["startup"],
            ),
        ),
        ("agreements.add_agreement", lambda: agreement_services.create_agreement(form=agreement, by=theirs["manager"])),
        (
            "agreements.change_agreement",
            lambda: agreement_services.update_agreement(form=agreement_edit, by=theirs["manager"]),
        ),
    ]
    for perm, call in attempts:
        with pytest.raises(Refused) as refused:
            call()
        assert (refused.value.code, refused.value.status) == (f"permission.{perm}", 403)
    startup_co.refresh_from_db()
    person.refresh_from_db()
    ow["ours"].refresh_from_db()
    assert (startup_co.name_en, person.name_en, ow["ours"].title_en) == ("Startup Co", "Our CEO", "Our agreement")
    assert not Organisation.objects.filter(name_en="X").exists()


def test_a_scheduled_reminder_is_audited_as_a_task_with_nobody_behind_it(ow):
    from bridgehead.outcomes import tasks

    schedule = ReminderSchedule.objects.create(program=ow["our_program"], every_days=30)
    tasks.send_outcome_reminders.enqueue(ow["our_program"].pk)
    entry = LogEntry.objects.get_for_object(schedule).latest("timestamp")
    assert (entry.actor, entry.additional_data["via"]) == (None, "task")
    assert "last_sent_at" in entry.changes_dict
