"""Bad input and integrity (issue 8): every refusal is made by the same form and model rules the pages and the
API share, and nothing half-done is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from bridgehead.core.errors import Refused
from bridgehead.outcomes import fximport, kpis, services
from bridgehead.outcomes.forms import OutcomeForm, ProposalForm
from bridgehead.outcomes.models import ChangeProposal, FxRate, Outcome
from tests.outcomes.factories import FxRateFactory, KpiFactory, OutcomeFactory


def data(ow, **overrides) -> dict:
    values = {
        "organisation": ow["startup"].pk,
        "program": ow["our_program"].pk,
        "kind": "investment",
        "status": "under_review",
        "title_en": "Seed round",
        "title_ko": "시드 투자",
        "amount": "1500000",
        "currency": "USD",
        "occurred_on": "2024-05-02",
        "period": "",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def errors(ow, user_key: str = "startup", **overrides) -> dict:
    form = OutcomeForm(data(ow, **overrides), user=ow["users"][user_key])
    form.is_valid()
    return {field: [str(e) for e in errs] for field, errs in form.errors.items()}


def test_a_valid_report_passes(ow):
    assert errors(ow) == {}


def test_unknown_currency_code_is_refused(ow):
    assert errors(ow, currency="WON") == {
        "currency": ["“WON” is not an ISO 4217 currency code (e.g. USD, KRW, CNY, EUR)."]
    }


def test_currency_code_is_normalised_to_upper_case(ow):
    form = OutcomeForm(data(ow, currency="krw"), user=ow["users"]["startup"])
    assert form.is_valid()
    assert form.cleaned_data["currency"] == "KRW"


def test_negative_amount_is_refused(ow):
    assert errors(ow, amount="-5") == {"amount": ["An amount cannot be negative."]}


def test_amount_without_currency_is_refused(ow):
    assert errors(ow, currency="") == {"currency": ["Give the currency of the amount."]}


def test_currency_without_amount_is_refused(ow):
    assert errors(ow, amount="") == {"amount": ["A currency was given without an amount."]}


def test_quantity_without_unit_is_refused(ow):
    assert errors(ow, quantity="200000", unit="") == {
        "unit": ["Give the unit of the quantity (e.g. units, devices, licences)."]
    }


def test_closed_deal_dated_in_the_future_is_refused(ow):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert errors(ow, status="closed", occurred_on=tomorrow) == {
        "occurred_on": ["A signed or closed deal cannot be dated in the future."]
    }
    assert errors(ow, status="under_review", occurred_on=tomorrow) == {}  # an expected close date is fine


def test_outcome_attributed_to_a_meeting_of_another_startup_is_refused(ow):
    # The manager sees every meeting of the program, so the form offers it; the attribution rule refuses it.
    assert errors(ow, "manager", meeting=ow["other_meeting"].pk) == {
        "meeting": ["This meeting was not one of this startup's meetings."]
    }
    # A startup is not even offered another startup's meeting.
    assert errors(ow, "startup", meeting=ow["other_meeting"].pk) == {
        "meeting": ["Select a valid choice. That choice is not one of the available choices."]
    }
    # Its own meeting is accepted, and the event follows from the meeting.
    form = OutcomeForm(data(ow, meeting=ow["meeting"].pk), user=ow["users"]["startup"])
    assert form.is_valid(), form.errors
    assert form.instance.event == ow["event"]


def test_a_startup_cannot_report_for_another_startup(ow):
    assert errors(ow, organisation=ow["other"].pk) == {
        "organisation": ["Select a valid choice. That choice is not one of the available choices."]
    }


def test_database_refuses_what_the_forms_refuse(ow):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(program=ow["our_program"], amount=Decimal("-1"), currency="USD")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(program=ow["our_program"], amount=Decimal("1"), currency="")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(program=ow["our_program"], quantity=Decimal("5"), unit="")


def test_startup_cannot_edit_a_confirmed_outcome_but_may_propose_a_change(ow, login):
    startup = ow["users"]["startup"]
    outcome = OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["startup"],
        amount=Decimal("100"),
        currency="USD",
        status="provisional",
    )
    services.confirm_outcome(outcome=outcome, by=ow["users"]["manager"])
    outcome.refresh_from_db()
    assert not startup.has_perm("outcomes.change_outcome", outcome)
    assert startup.has_perm("outcomes.propose_change", outcome)

    form = OutcomeForm({**services.form_data(outcome), "amount": "999"}, instance=outcome, user=startup)
    assert form.is_valid()
    with pytest.raises(Refused) as refused:
        services.update_outcome(form=form, by=startup)
    assert (refused.value.code, refused.value.status) == ("outcomes.outcome.confirmed", 409)
    outcome.refresh_from_db()
    assert outcome.amount == Decimal("100.00")

    client = login(startup)
    response = client.post(f"/outcomes/{outcome.pk}/edit/", {**services.form_data(outcome), "amount": "999"})
    assert response.status_code == 302 and response["Location"] == f"/outcomes/{outcome.pk}/propose/"
    outcome.refresh_from_db()
    assert outcome.amount == Decimal("100.00")

    proposal_form = ProposalForm(
        {**services.form_data(outcome), "amount": "250", "status": "closed", "reason": "The contract was signed."},
        instance=outcome,
        user=startup,
    )
    assert proposal_form.is_valid(), proposal_form.errors
    proposal = services.propose_change(form=proposal_form, reason="The contract was signed.", by=startup)
    assert proposal.changes == {"amount": "250", "status": "closed"}
    outcome.refresh_from_db()
    assert (outcome.amount, outcome.status) == (Decimal("100.00"), "provisional")

    with pytest.raises(Refused) as refused:
        services.decide_proposal(proposal=proposal, accept=True, by=startup)
    assert refused.value.code == "permission.outcomes.decide_proposal"
    services.decide_proposal(proposal=proposal, accept=True, by=ow["users"]["manager"])
    outcome.refresh_from_db()
    assert (outcome.amount, outcome.status, outcome.is_confirmed) == (Decimal("250.00"), "closed", True)
    assert list(outcome.history.values_list("status", flat=True)) == ["closed"]
    assert ChangeProposal.objects.get().status == "accepted"


def fx_csv(*rows: str) -> bytes:
    return ("date,currency,in,rate,source\n" + "\n".join(rows) + "\n").encode()


def test_fx_import_with_bad_rows_imports_nothing(ow):
    FxRateFactory(program=ow["our_program"], on=dt.date(2024, 1, 2), rate=Decimal("0.00075"))
    content = fx_csv(
        "2024-02-01,KRW,USD,0.00074,Bank",
        "2024-13-01,KRW,USD,0.00074,Bank",
        "2024-03-01,WON,USD,0.00074,Bank",
        "2024-03-01,CNY,EUR,0.14,Bank",
        "2024-03-01,KRW,USD,-1,Bank",
        "2024-03-01,USD,USD,1,Bank",
        "2024-02-01,KRW,USD,0.00073,Bank",
    )
    result = fximport.import_rates(
        program=ow["our_program"], filename="rates.csv", content=content, by=ow["users"]["manager"]
    )
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (3, "date", "“2024-13-01” is not a date (use YYYY-MM-DD)."),
        (4, "currency", "“WON” is not an ISO 4217 currency code."),
        (5, "in", "“EUR” is not a reporting currency (USD or KRW)."),
        (6, "rate", "“-1” is not a positive number."),
        (7, "currency", "a rate converts between two different currencies."),
        (8, "date", "the same date and currencies as row 2."),
    ]
    assert list(FxRate.objects.values_list("on", "rate")) == [(dt.date(2024, 1, 2), Decimal("0.00075000"))]


def test_fx_import_of_a_good_sheet_writes_every_row_and_replaces_same_day_rates(ow):
    FxRateFactory(program=ow["our_program"], on=dt.date(2024, 1, 2), rate=Decimal("0.00075"))
    content = fx_csv(
        "2024-01-02,KRW,USD,0.00076,Bank", "2024/02/01,CNY,USD,0.1405,Bank", '2024-03-01,USD,KRW,"1,340.5",Bank'
    )
    result = fximport.import_rates(
        program=ow["our_program"], filename="rates.csv", content=content, by=ow["users"]["manager"]
    )
    assert (result.problems, result.created, result.updated) == ([], 2, 1)
    assert sorted(FxRate.objects.values_list("on", "currency", "base", "rate")) == [
        (dt.date(2024, 1, 2), "KRW", "USD", Decimal("0.00076000")),
        (dt.date(2024, 2, 1), "CNY", "USD", Decimal("0.14050000")),
        (dt.date(2024, 3, 1), "USD", "KRW", Decimal("1340.50000000")),
    ]


def test_fx_import_refuses_a_sheet_without_a_rate_column(ow):
    result = fximport.validate("rates.csv", b"date,currency,in\n2024-01-02,KRW,USD\n")
    assert [(p.row, p.column, p.message) for p in result.problems] == [(1, "rate", "this column is missing.")]


def test_kpi_whose_records_are_deleted_keeps_their_history_in_the_audit_log(ow):
    program = ow["our_program"]
    kpi = KpiFactory(program=program, commitment=ow["commitment"], metric="outcomes", kind="contract")
    contract = OutcomeFactory(
        program=program,
        organisation=ow["startup"],
        kind="contract",
        status="closed",
        title_en="Distribution contract",
    )
    assert kpis.compute(kpi).unconfirmed == Decimal(1)
    pk = contract.pk

    services.delete_outcome(outcome=contract, by=ow["users"]["manager"])

    assert kpis.compute(kpi).unconfirmed == Decimal(0)
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Outcome), object_id=pk, action=LogEntry.Action.DELETE
    )
    assert entry.object_repr == "Distribution contract"
    assert entry.changes_dict["kind"] == ["contract", "None"]
    assert entry.changes_dict["status"] == ["closed", "None"]


def test_startup_cannot_delete_records(ow):
    outcome = OutcomeFactory(program=ow["our_program"], organisation=ow["startup"])
    with pytest.raises(Refused) as refused:
        services.delete_outcome(outcome=outcome, by=ow["users"]["startup"])
    assert (refused.value.code, refused.value.status) == ("permission.outcomes.delete_outcome", 403)
    assert Outcome.objects.filter(pk=outcome.pk).exists()
