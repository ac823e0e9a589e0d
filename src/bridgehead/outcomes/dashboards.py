"""What a dashboard shows, for any scope (agreement, program, cohort, startup) and any viewer.

A scope is the set of programs (and, for cohorts and startups, organisations) whose records it covers,
already cut down to what the viewer may count — a program manager's agreement dashboard holds only the
programs they manage, never another program's data. Confidential outcomes count in every figure, but rows
name them only for the people they belong to.

Two questions are kept apart in every figure, because a reader confuses them at a cost:

* is the **record confirmed** — did the counterparty or the program manager verify what was reported?
* is the **deal closed** — is its status *signed / closed*, or still a lead, under review or provisional?

A confirmed record of an investment "under review" is true, and still no money attracted. Money
"attracted" therefore counts closed deals with confirmed records only; closed deals whose record is not yet
confirmed, and deals still in progress, are totalled beside it, each under its own name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bridgehead.agreements.models import Agreement
from bridgehead.core import formatting, roles
from bridgehead.outcomes import charts, fx, kpis
from bridgehead.outcomes.enums import IN_PROGRESS, PIPELINE, OutcomeStatus
from bridgehead.outcomes.models import Kpi, Outcome
from bridgehead.outcomes.rules import (
    counted_outcomes,
    dashboard_program_ids,
    managed_program_ids,
    may_name,
    observed_agreement_ids,
    startup_organisation_ids,
)
from bridgehead.partnering.enums import MeetingStatus
from bridgehead.partnering.models import Meeting, MeetingRequest
from bridgehead.programs.enums import MemberStatus
from bridgehead.programs.models import Cohort, Program
from bridgehead.registry.enums import OrganisationKind
from bridgehead.registry.models import Organisation


@dataclass
class Scope:
    kind: str
    title: str
    agreement: Agreement | None
    program_ids: set[int]
    organisation_ids: set[int] | None = None
    url_name: str = ""
    url_arg: str | int = ""

    def outcomes(self, user) -> QuerySet:
        outcomes = counted_outcomes(user, Outcome.objects.filter(program_id__in=self.program_ids))
        if self.organisation_ids is not None:
            outcomes = outcomes.filter(organisation_id__in=self.organisation_ids)
        return outcomes.select_related(
            "organisation", "counterparty", "program__agreement", "cohort", "event", "meeting"
        )

    def kpis(self) -> QuerySet:
        if self.kind not in ("agreement", "program"):
            return Kpi.objects.none()
        return Kpi.objects.filter(program_id__in=self.program_ids).select_related("commitment", "program")


def for_agreement(user, agreement: Agreement) -> Scope:
    return Scope(
        "agreement",
        agreement.title,
        agreement,
        dashboard_program_ids(user, agreement),
        url_name="outcomes-agreement",
        url_arg=agreement.slug,
    )


def for_program(user, program: Program) -> Scope:
    return Scope(
        "program", program.title, program.agreement, {program.pk}, url_name="outcomes-program", url_arg=program.slug
    )


def for_cohort(user, cohort: Cohort) -> Scope:
    members = set(cohort.members.filter(status=MemberStatus.ACTIVE).values_list("organisation_id", flat=True))
    return Scope(
        "cohort",
        cohort.name,
        cohort.program.agreement,
        {cohort.program_id},
        members,
        url_name="outcomes-cohort",
        url_arg=cohort.pk,
    )


def for_startup(user, organisation: Organisation) -> Scope:
    programs = Program.objects.all()
    if not (roles.is_site_admin(user) or organisation.pk in startup_organisation_ids(user)):
        programs = programs.filter(
            Q(pk__in=managed_program_ids(user)) | Q(agreement_id__in=observed_agreement_ids(user))
        )
    return Scope(
        "startup",
        organisation.name,
        None,
        set(programs.values_list("pk", flat=True)),
        {organisation.pk},
        url_name="outcomes-startup",
        url_arg=organisation.slug,
    )


# Pages and PDFs list the latest outcomes only (a 5,000-row table takes seconds to render and tens of seconds
# to lay out as PDF); the figures always cover every record and the XLSX lists them all.
ROW_LIMIT = 200


@dataclass
class Row:
    outcome: Outcome
    named: bool

    @property
    def marked_confidential(self) -> bool:
        """A confidential record shown by name: every such row carries the "Confidential" mark."""
        return self.named and self.outcome.is_confidential


@dataclass
class Dashboard:
    scope: Scope
    currency: str
    rows: list[Row]
    kpi_values: list[kpis.KpiValue]
    closed_total: fx.Total  # money attracted: closed deals whose record is confirmed
    closed_unconfirmed_total: fx.Total  # closed deals whose record is not yet confirmed
    in_progress_total: fx.Total  # lead, under review, provisional: not attracted (yet)
    counts: dict[str, int]
    funnel: list[tuple[str, int]]
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def names_confidential(self) -> bool:
        """Whether any row names a confidential record (the viewer's internal version)."""
        return any(row.marked_confidential for row in self.rows)

    @property
    def money_rows(self) -> list[tuple[str, int, fx.Total]]:
        """(label, number of outcomes, total): attracted first, then what is not (yet) attracted."""
        return [
            (_("Attracted: closed deals, confirmed records"), self.counts["closed"], self.closed_total),
            (
                _("Closed deals, records not yet confirmed"),
                self.counts["closed_unconfirmed"],
                self.closed_unconfirmed_total,
            ),
            (
                _("In progress (lead, under review, provisional): not attracted"),
                self.counts["in_progress"],
                self.in_progress_total,
            ),
        ]

    @property
    def stale(self) -> list[fx.Conversion]:
        """Every conversion of the three totals made at a stale rate."""
        return self.closed_total.stale + self.closed_unconfirmed_total.stale + self.in_progress_total.stale


def quarter_label(day) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": day.year, "quarter": (day.month - 1) // 3 + 1}


def funnel_rows(scope: Scope, outcomes: list[Outcome]) -> list[tuple[str, int]]:
    """Requests → meetings → follow-ups → outcomes by status, for the scope's events and startups."""
    requests = MeetingRequest.objects.filter(event__program_id__in=scope.program_ids)
    meetings = Meeting.objects.filter(event__program_id__in=scope.program_ids).exclude(status=MeetingStatus.CANCELLED)
    if scope.organisation_ids is not None:
        requests = requests.filter(
            Q(sender__organisation_id__in=scope.organisation_ids)
            | Q(recipient__organisation_id__in=scope.organisation_ids)
        )
        meetings = meetings.filter(
            Q(first__organisation_id__in=scope.organisation_ids) | Q(second__organisation_id__in=scope.organisation_ids)
        )
    by_status = Counter(o.status for o in outcomes)
    rows = [
        (_("Meeting requests"), requests.count()),
        (_("Meetings"), meetings.count()),
        (_("Follow-ups planned"), meetings.filter(feedback__follow_up=True).distinct().count()),
    ]
    rows += [(_("Outcomes: %(status)s") % {"status": OutcomeStatus(s).label}, by_status[s]) for s in PIPELINE]
    return rows


def _split(outcomes: list[Outcome], key) -> list[tuple[str, int, int]]:
    done: Counter = Counter()
    pending: Counter = Counter()
    for outcome in outcomes:
        (done if outcome.is_confirmed else pending)[key(outcome)] += 1
    labels = sorted(set(done) | set(pending), key=lambda label: (-(done[label] + pending[label]), label))
    return [(label, done[label], pending[label]) for label in labels]


def build(scope: Scope, user, *, currency: str = "USD", with_charts: bool = True) -> Dashboard:
    outcomes = list(scope.outcomes(user))
    counted = [o for o in outcomes if o.status != OutcomeStatus.LOST]
    closed = [o for o in counted if o.status == OutcomeStatus.CLOSED]
    in_progress = [o for o in counted if o.status in IN_PROGRESS]
    book = fx.RateBook(scope.program_ids)
    dashboard = Dashboard(
        scope=scope,
        currency=currency,
        rows=[Row(o, may_name(user, o)) for o in outcomes],
        kpi_values=kpis.compute_all(scope.kpis()),
        closed_total=fx.total([o for o in closed if o.is_confirmed], currency=currency, book=book),
        closed_unconfirmed_total=fx.total([o for o in closed if not o.is_confirmed], currency=currency, book=book),
        in_progress_total=fx.total(in_progress, currency=currency, book=book),
        counts={
            "all": len(counted),
            "records_confirmed": sum(1 for o in counted if o.is_confirmed),
            "records_unconfirmed": sum(1 for o in counted if not o.is_confirmed),
            "closed": sum(1 for o in closed if o.is_confirmed),
            "closed_unconfirmed": sum(1 for o in closed if not o.is_confirmed),
            "in_progress": len(in_progress),
            "startups": len({o.organisation_id for o in counted}),
            "confidential": sum(1 for o in counted if o.is_confidential),
            "lost": len(outcomes) - len(counted),
        },
        funnel=funnel_rows(scope, outcomes),
    )
    if with_charts:
        not_given, unregistered = _("Not given"), _("Not in the registry")
        by_time = sorted(counted, key=lambda o: o.occurred_on)
        periods = _split(by_time, lambda o: quarter_label(o.occurred_on))
        order = list(dict.fromkeys(quarter_label(o.occurred_on) for o in by_time))
        periods.sort(key=lambda row: order.index(row[0]))
        dashboard.charts = {
            "funnel": charts.funnel(dashboard.funnel, title=_("From meeting requests to outcomes")),
            "over_time": charts.over_time(periods, title=_("Outcomes per quarter")),
            "by_country": charts.bars(
                _split(counted, lambda o: formatting.country(o.country) or not_given), title=_("Outcomes by country")
            ),
            "by_kind": charts.bars(
                _split(
                    counted,
                    lambda o: str(OrganisationKind(o.counterparty.kind).label) if o.counterparty else unregistered,
                ),
                title=_("Outcomes by counterparty kind"),
            ),
        }
    return dashboard
