"""Outcomes domain logic: reporting, editing, confirming, proposals, FX rates, KPIs and reminders.

Every state change is a domain action (``core.actions.domain_action``): keyword-only arguments, one
transaction, the acting user ``by`` checked with ``core.permissions.require`` against the rules in
``outcomes/rules.py`` and named in the audit log, mail only after commit. A refusal is a
``core.errors.Refused`` with a stable code (``outcomes.<thing>.<reason>`` or ``permission.outcomes.<perm>``).
Pages and the API call these same functions; forms validate the input first, and the model's ``clean`` is
run again here so no path skips the rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgehead.core.actions import after_commit, domain_action
from bridgehead.core.deletion import Consequences, refuse_if_protected
from bridgehead.core.enums import Role
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import User
from bridgehead.core.permissions import refusal, require
from bridgehead.outcomes import notify
from bridgehead.outcomes.enums import ProposalStatus
from bridgehead.outcomes.forms import OutcomeForm
from bridgehead.outcomes.models import ChangeProposal, FxRate, Kpi, Outcome, ReminderSchedule, StatusChange
from bridgehead.programs.enums import MemberStatus
from bridgehead.programs.models import Program
from bridgehead.registry.models import Organisation

# Fields a startup may propose to change on a confirmed outcome (files are re-uploaded by the manager).
PROPOSABLE = (
    "kind",
    "status",
    "title_ko",
    "title_en",
    "description_ko",
    "description_en",
    "amount",
    "currency",
    "quantity",
    "unit",
    "period",
    "counterparty",
    "counterparty_name",
    "counterparty_name_ko",
    "country",
    "occurred_on",
    "evidence_url",
    "is_confidential",
)


def _record_status(outcome: Outcome, *, on: dt.date, by: User | None, note: str = "") -> None:
    StatusChange.objects.create(outcome=outcome, status=outcome.status, on=on, by=by, note=note)


def _notify_reported(outcome: Outcome) -> None:
    people = notify.managers_of(outcome.program)
    if outcome.counterparty_id:
        people += notify.members_of(outcome.counterparty, Role.PARTNER_MEMBER)
    notify.send(
        people,
        "outcomes/email/reported.txt",
        {"outcome": outcome},
        path=reverse("outcome-detail", args=[outcome.pk]),
        notice=_("%(org)s reported “%(title)s”; it waits for confirmation."),
        params={"org": outcome.organisation.name, "title": outcome.title},
    )


@domain_action
def report_outcome(*, form, by: User) -> Outcome:
    """Save a newly reported outcome with its first status entry. It stays unconfirmed (and is shown so) until
    the counterparty or the program manager confirms it; a startup's report tells them it is waiting."""
    require(by, "outcomes.report_outcome")
    outcome: Outcome = form.save(commit=False)
    require(by, "outcomes.report_outcome_for", outcome, message=_("You may only report outcomes of your own startup."))
    outcome.reported_by = by
    outcome.full_clean()
    outcome.save()
    form.save_m2m()
    _record_status(outcome, on=form.cleaned_data.get("status_on") or outcome.occurred_on, by=by)
    if not by.has_perm("outcomes.manage_program", outcome.program):
        _notify_reported(outcome)
    return outcome


def check_change(*, outcome: Outcome, by: User) -> None:
    """Refuse unless ``by`` may edit ``outcome`` as it stands. :func:`update_outcome` asks; so do the page and
    the API before they fill in the form, whose choices (empty for people who may not edit) would otherwise
    answer with field errors instead of the refusal."""
    if by.has_perm("outcomes.change_outcome", outcome):
        return
    if by.has_perm("outcomes.propose_change", outcome):
        raise Refused("outcomes.outcome.confirmed", _("This outcome is confirmed: propose a change instead."))
    raise refusal("outcomes.change_outcome")


@domain_action
def update_outcome(*, form, by: User) -> Outcome:
    """Apply an edit; a status change is added to the dated history. Startups cannot edit confirmed records."""
    stored = Outcome.objects.select_for_update().get(pk=form.instance.pk)
    check_change(outcome=stored, by=by)
    status_changed = "status" in form.changed_data
    outcome = form.save(commit=False)
    outcome.full_clean()
    outcome.save()
    if stored.evidence and stored.evidence.name != outcome.evidence.name:
        _delete_after_commit(stored.evidence)  # replaced or removed: nothing refers to the old file any more
    if status_changed:
        _record_status(outcome, on=form.cleaned_data.get("status_on") or timezone.localdate(), by=by)
    return outcome


@domain_action
def confirm_outcome(*, outcome: Outcome, by: User, now: dt.datetime | None = None) -> Outcome:
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    if outcome.confirmed_at is not None:
        raise Refused("outcomes.outcome.already_confirmed", _("This outcome is already confirmed."))
    require(by, "outcomes.confirm_outcome", outcome)
    outcome.confirmed_by, outcome.confirmed_at = by, now or timezone.now()
    outcome.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
    if outcome.reported_by_id and outcome.reported_by_id != by.pk:
        notify.send(
            [outcome.reported_by],
            "outcomes/email/confirmed.txt",
            {"outcome": outcome, "by": by},
            path=reverse("outcome-detail", args=[outcome.pk]),
            notice=_("%(by)s confirmed the outcome “%(title)s”."),
            params={"by": str(by), "title": outcome.title},
        )
    return outcome


def form_data(outcome: Outcome) -> dict[str, str]:
    """The outcome's current values as form input, so a proposal can be replayed through the same form."""
    values = model_to_dict(outcome, fields=[*PROPOSABLE, "organisation", "program", "cohort", "event", "meeting"])
    return {
        key: "" if value is None else ("on" if value is True else ("" if value is False else str(value)))
        for key, value in values.items()
    }


def _as_text(value) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, dt.date | Decimal | int):
        return str(value)
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


@domain_action
def propose_change(*, form, reason: str, by: User) -> ChangeProposal:
    """Record what a startup wants changed on a confirmed outcome; the record itself is not touched."""
    outcome = Outcome.objects.get(pk=form.instance.pk)
    require(by, "outcomes.propose_change", outcome)
    changes = {name: _as_text(form.cleaned_data[name]) for name in form.changed_data if name in PROPOSABLE}
    if not changes:
        raise Refused("outcomes.proposal.no_change", _("Nothing was changed."), kind=Kind.INVALID)
    if not reason.strip():
        raise Refused(
            "outcomes.proposal.no_reason", _("Say why the record should change."), kind=Kind.INVALID, field="reason"
        )
    proposal = ChangeProposal.objects.create(outcome=outcome, changes=changes, reason=reason.strip(), proposed_by=by)
    notify.send(
        notify.managers_of(outcome.program),
        "outcomes/email/proposal.txt",
        {"outcome": outcome, "proposal": proposal},
        path=reverse("outcome-detail", args=[outcome.pk]),
        notice=_("%(org)s proposes a change to the confirmed outcome “%(title)s”."),
        params={"org": outcome.organisation.name, "title": outcome.title},
    )
    return proposal


@domain_action
def decide_proposal(*, proposal: ChangeProposal, accept: bool, by: User) -> ChangeProposal:
    """Accept (the changes go through the same form and rules as any edit) or reject a proposal."""
    proposal = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise Refused("outcomes.proposal.already_decided", _("This proposal has already been decided."))
    require(by, "outcomes.decide_proposal", proposal.outcome)
    if accept:
        outcome = proposal.outcome
        form = OutcomeForm({**form_data(outcome), **proposal.changes}, instance=outcome, user=by)
        if not form.is_valid():
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
            raise Refused(
                "outcomes.proposal.invalid_values",
                _("The proposed values are not valid: %(problems)s"),
                kind=Kind.INVALID,
                params={"problems": problems},
            )
        update_outcome(form=form, by=by)
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


def check_delete(*, outcome: Outcome, by: User) -> Consequences:
    """Whether ``by`` may delete ``outcome``, and what would go with it (its status history, any proposals):
    the confirmation page shows this before anything is deleted.

    A confirmed record is someone else's work too — the counterparty or manager who confirmed it — so it is
    never deleted: it is corrected (edited) or marked lost, which keeps it out of totals and in the history."""
    require(by, "outcomes.delete_outcome", outcome)
    if outcome.is_confirmed:
        raise Refused(
            "outcomes.outcome.confirmed",
            _(
                "“%(title)s” is confirmed and cannot be deleted. Correct it, or mark it lost to take it out of "
                "the totals."
            ),
            params={"title": outcome.title},
        )
    return refuse_if_protected(outcome, "outcomes.outcome.in_use")


@domain_action
def delete_outcome(*, outcome: Outcome, by: User) -> None:
    """Delete an unconfirmed record (managers only, e.g. a duplicate); django-auditlog keeps its values, so
    KPI history can be traced."""
    outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
    check_delete(outcome=outcome, by=by)
    evidence = outcome.evidence
    outcome.delete()
    if evidence:
        _delete_after_commit(evidence)


def _delete_after_commit(file) -> None:
    """Remove a stored file once the change that let go of it is committed (a rolled-back edit keeps it)."""
    storage, name = file.storage, file.name
    after_commit(lambda: storage.delete(name))


@domain_action
def save_fx_rate(*, form, by: User) -> FxRate:
    rate: FxRate = form.save(commit=False)
    require(by, "outcomes.manage_program", rate.program)
    rate.entered_by = by
    rate.full_clean()
    rate.save()
    return rate


@domain_action
def delete_fx_rate(*, rate: FxRate, by: User) -> None:
    """Remove a wrong rate; amounts it converted fall back to an earlier rate or are listed as excluded."""
    require(by, "outcomes.manage_program", rate.program)
    rate.delete()


@domain_action
def save_kpi(*, form, by: User) -> Kpi:
    kpi: Kpi = form.save(commit=False)
    require(by, "outcomes.manage_program", kpi.program)
    kpi.full_clean()
    kpi.save()
    return kpi


def startups_of_program(program: Program) -> QuerySet:
    """The startups a program reminds: its cohorts' members and its events' startup participants."""
    return Organisation.objects.filter(
        Q(cohort_memberships__cohort__program=program, cohort_memberships__status=MemberStatus.ACTIVE)
        | Q(participations__event__program=program, participations__kind="startup")
    ).distinct()


@domain_action
def save_reminder_schedule(*, program: Program, every_days: int, is_active: bool, by: User) -> ReminderSchedule:
    require(by, "outcomes.manage_program", program)
    schedule, _created = ReminderSchedule.objects.get_or_create(program=program)
    schedule.every_days, schedule.is_active = every_days, is_active
    schedule.full_clean()
    schedule.save()
    return schedule


@domain_action
def send_reminders(*, program: Program, by: User | None = None, now: dt.datetime | None = None) -> int:
    """E-mail every startup member of the program asking for new outcomes; returns how many were queued.

    ``by`` is the manager who pressed "send now"; the scheduled task sends with nobody behind it (``None``).
    """
    if by is not None:
        require(by, "outcomes.manage_program", program)
    now = now or timezone.now()
    schedule, _created = ReminderSchedule.objects.select_for_update().get_or_create(program=program)
    people = User.objects.filter(
        roles__role=Role.STARTUP_MEMBER, roles__organisation__in=startups_of_program(program)
    ).distinct()
    count = notify.send(
        people,
        "outcomes/email/reminder.txt",
        {"program": program},
        path=f"{reverse('outcome-report')}?program={program.pk}",
    )
    schedule.last_sent_at = now
    schedule.save(update_fields=["last_sent_at"])
    return count


def due_reminders(*, now: dt.datetime | None = None) -> list[int]:
    """Ids of the programs whose reminder is due (never sent, or sent ``every_days`` ago or more)."""
    now = now or timezone.now()
    due = []
    for schedule in ReminderSchedule.objects.filter(is_active=True):
        if schedule.last_sent_at is None or now - schedule.last_sent_at >= dt.timedelta(days=schedule.every_days):
            due.append(schedule.program_id)
    return due
