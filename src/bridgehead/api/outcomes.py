"""Outcomes endpoints: outcome records, confirmations, change proposals, FX rates and KPI values.

Same forms, services and rules as the pages: signatory observers read only (and never a confidential
record by name), startups see and report their own, another program's data answers 404. Money travels as
decimal *strings* ("12500000.00") so no float ever touches an amount.

Two answers are never merged: ``confirmed`` says the *record* was verified (by the counterparty or the
program manager), ``closed`` says the *deal* is signed or closed. ``/totals`` counts money attracted from
closed deals with confirmed records only, and gives closed-but-unconfirmed and in-progress apart.

Who may change what is decided by the services (``outcomes/rules.py``); a refusal reaches the API's one
``Refused`` handler as ``{"code", "detail", "field"}``. Endpoints here hide records (404) and, where a form
is filled in first, ask the service's own check before it (a form offers no choices to someone who may not
act, and its 422 would hide the refusal).
"""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bridgehead.agreements.models import Agreement
from bridgehead.api.errors import FormErrors, raise_for_form
from bridgehead.api.schemas import In, Mapped, Page
from bridgehead.core.http import require
from bridgehead.outcomes import dashboards, fx, kpis, services
from bridgehead.outcomes.enums import OutcomeStatus, ReportingCurrency
from bridgehead.outcomes.forms import FxRateForm, OutcomeForm, ProposalForm
from bridgehead.outcomes.models import FxRate, Outcome
from bridgehead.outcomes.rules import visible_outcomes
from bridgehead.partnering.models import Event
from bridgehead.programs.models import Cohort, Program
from bridgehead.registry.models import Organisation

router = Router(tags=["outcomes"])


class OutcomeOut(Schema):
    id: int
    organisation: str
    program: str
    kind: str
    status: str
    confirmed: bool = Field(..., description="the record was verified by the counterparty or the program manager")
    closed: bool = Field(..., description='the deal is signed or closed (status "closed"); not under review')
    confirmed_at: datetime | None
    title_ko: str
    title_en: str
    amount: str | None
    currency: str
    quantity: str | None
    unit: str
    period: str
    counterparty: str | None
    counterparty_name: str
    counterparty_name_ko: str
    country: str
    occurred_on: date
    is_confidential: bool = Field(..., description="never to be named outside the people it belongs to")
    cohort: int | None
    event: str | None
    meeting: int | None


class OutcomeIn(In):
    organisation: str = Field(..., max_length=120, description="slug of the startup")
    program: str = Field(..., max_length=120, description="slug of the program")
    kind: str
    status: str = "lead"
    status_on: date | None = None
    title_ko: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    description_ko: str = ""
    description_en: str = ""
    amount: str | None = Field(None, description='decimal string, e.g. "12500000"')
    currency: str = Field("", max_length=3)
    quantity: str | None = None
    unit: str = Field("", max_length=40)
    period: str = ""
    counterparty: str | None = Field(None, description="slug of a registered organisation")
    counterparty_name: str = Field("", max_length=200)
    counterparty_name_ko: str = Field("", max_length=200)
    country: str = Field("", max_length=2)
    occurred_on: date
    cohort: int | None = None
    event: str | None = Field(None, description="slug of the partnering event")
    meeting: int | None = None
    evidence_url: str = ""
    is_confidential: bool = False


class OutcomePatch(In):
    """Only the fields sent are changed; the startup and program of a record are fixed once reported."""

    kind: str | None = None
    status: str | None = None
    status_on: date | None = None
    title_ko: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    description_ko: str | None = None
    description_en: str | None = None
    amount: str | None = None
    currency: str | None = Field(None, max_length=3)
    quantity: str | None = None
    unit: str | None = Field(None, max_length=40)
    period: str | None = None
    counterparty: str | None = None
    counterparty_name: str | None = Field(None, max_length=200)
    counterparty_name_ko: str | None = Field(None, max_length=200)
    country: str | None = Field(None, max_length=2)
    occurred_on: date | None = None
    cohort: int | None = None
    event: str | None = None
    meeting: int | None = None
    evidence_url: str | None = None
    is_confidential: bool | None = None


class ProposalIn(In):
    changes: dict = Field(..., description="field → new value, with the names of OutcomeIn")
    reason: str = Field(..., max_length=2000)


class ProposalOut(Schema):
    id: int
    outcome: int = Field(..., alias="outcome_id")
    changes: dict
    reason: str
    status: str


class RateIn(In):
    on: date
    currency: str = Field(..., max_length=3)
    base: str = Field(..., max_length=3)
    rate: str
    source: str = Field("", max_length=200)


class RateOut(Schema):
    id: int
    on: date
    currency: str
    base: str
    rate: str
    source: str

    @staticmethod
    def resolve_rate(obj: FxRate) -> str:
        return str(obj.rate.normalize())


class ExcludedOut(Schema):
    currency: str
    amount: str
    count: int


class StaleOut(Schema):
    """An amount converted at a rate more than ``stale_after_days`` days older than the amount's date."""

    outcome: int
    amount: str
    currency: str
    on: date
    rate_on: date


class TotalOut(Schema):
    count: int
    amount: str
    currency: str
    rate_dates: list[date]
    excluded: list[ExcludedOut]
    stale: list[StaleOut]


class TotalsOut(Schema):
    currency: str
    stale_after_days: int
    attracted: TotalOut = Field(..., description="closed deals whose record is confirmed: money attracted")
    closed_unconfirmed: TotalOut = Field(..., description="closed deals whose record is not yet confirmed")
    in_progress: TotalOut = Field(..., description="lead, under review, provisional: not attracted")
    records_confirmed: int
    records_unconfirmed: int
    confidential: int = Field(..., description="counted in the figures, never named")
    lost: int


class KpiOut(Schema):
    id: int
    program: str
    commitment: int
    name_ko: str
    name_en: str
    metric: str
    kind: str
    country: str
    target: str
    unit: str
    starts_on: date
    ends_on: date
    counting: str = Field(..., description='"closed": signed or closed outcomes only; "active": every one not lost')
    confirmed: str = Field(..., description="from confirmed records")
    unconfirmed: str = Field(..., description="from records not yet confirmed")
    progress: int | None
    rate_dates: list[date]
    excluded: list[ExcludedOut]
    stale: list[StaleOut]


def _out(outcome: Outcome) -> dict:
    return {
        "id": outcome.pk,
        "organisation": outcome.organisation.slug,
        "program": outcome.program.slug,
        "kind": outcome.kind,
        "status": outcome.status,
        "confirmed": outcome.is_confirmed,
        "closed": outcome.status == OutcomeStatus.CLOSED,
        "confirmed_at": outcome.confirmed_at,
        "title_ko": outcome.title_ko,
        "title_en": outcome.title_en,
        "amount": None if outcome.amount is None else str(outcome.amount),
        "currency": outcome.currency,
        "quantity": None if outcome.quantity is None else str(outcome.quantity),
        "unit": outcome.unit,
        "period": outcome.period,
        "counterparty": outcome.counterparty.slug if outcome.counterparty else None,
        "counterparty_name": outcome.counterparty_name,
        "counterparty_name_ko": outcome.counterparty_name_ko,
        "country": outcome.country,
        "occurred_on": outcome.occurred_on,
        "is_confidential": outcome.is_confidential,
        "cohort": outcome.cohort_id,
        "event": outcome.event.slug if outcome.event else None,
        "meeting": outcome.meeting_id,
    }


def _pk(model, value, field: str = "slug") -> str:
    """Slugs in the API, primary keys in the form; an unknown slug becomes a value the form refuses."""
    if value in (None, ""):
        return ""
    found = model.objects.filter(**{field: value}).values_list("pk", flat=True).first()
    return str(found) if found is not None else "0"


def _form_data(values: dict, *, loc: tuple[str, ...] = ("body", "payload")) -> dict:
    """Slugs to primary keys and values to the strings a form reads. A list or an object (possible in a
    proposal's ``changes``) is refused here with its field, not turned into its Python ``repr``."""
    shapeless = sorted(key for key, value in values.items() if isinstance(value, (dict, list)))
    if shapeless:
        message = str(_("Give a single value here, not a list or an object."))
        raise FormErrors([{"loc": [*loc, key], "msg": message, "type": "text.not_text"} for key in shapeless])
    data = {}
    for key, value in values.items():
        if key == "organisation" or key == "counterparty":
            data[key] = _pk(Organisation, value)
        elif key == "program":
            data[key] = _pk(Program, value)
        elif key == "event":
            data[key] = _pk(Event, value)
        elif key == "cohort":
            data[key] = _pk(Cohort, value, "pk")
        elif isinstance(value, bool):
            data[key] = "on" if value else ""
        elif value is not None:
            data[key] = str(value)
    return data


def _outcome(request, outcome_id: int) -> Outcome:
    outcome = get_object_or_404(
        Outcome.objects.select_related("organisation", "program", "counterparty", "event"), pk=outcome_id
    )
    require(request.user, "outcomes.view_outcome", outcome, hide=True)
    return outcome


@router.get("/", response=list[OutcomeOut])
@paginate(Page)
def list_outcomes(request, program: str | None = None, status: str | None = None, confirmed: bool | None = None):
    outcomes = visible_outcomes(
        request.user, Outcome.objects.select_related("organisation", "program", "counterparty", "event")
    )
    if program:
        outcomes = outcomes.filter(program__slug=program)
    if status:
        outcomes = outcomes.filter(status=status)
    if confirmed is not None:
        outcomes = outcomes.filter(confirmed_at__isnull=not confirmed)
    return Mapped(outcomes.order_by("-occurred_on", "-pk"), _out)


def _stale(total: fx.Total | None) -> list[dict]:
    if total is None:
        return []
    return [
        {"outcome": c.outcome_id, "amount": str(c.amount), "currency": c.currency, "on": c.on, "rate_on": c.rate_on}
        for c in total.stale
    ]


def _excluded(total: fx.Total | None) -> list[dict]:
    if total is None:
        return []
    return [{"currency": c, "amount": str(a), "count": n} for c, a, n in total.excluded_by_currency]


def _dashboard_scope(request, agreement: str | None, program: str | None) -> dashboards.Scope:
    if program:
        found = get_object_or_404(Program, slug=program)
        require(request.user, "outcomes.view_program_dashboard", found, hide=True)
        scope = dashboards.for_program(request.user, found)
    elif agreement:
        found = get_object_or_404(Agreement, slug=agreement)
        require(request.user, "outcomes.view_agreement_dashboard", found, hide=True)
        scope = dashboards.for_agreement(request.user, found)
    else:
        raise FormErrors([{"loc": ["query", "agreement"], "msg": "Give an agreement or a program.", "type": "missing"}])
    return scope


@router.get("/totals", response=TotalsOut)
def totals(request, agreement: str | None = None, program: str | None = None, currency: str = "USD"):
    """Money attracted (closed deals, confirmed records) apart from what is not (yet) attracted."""
    if currency not in ReportingCurrency.values:
        raise FormErrors([{"loc": ["query", "currency"], "msg": "Use USD or KRW.", "type": "value_error"}])
    board = dashboards.build(
        _dashboard_scope(request, agreement, program), request.user, currency=currency, with_charts=False
    )

    def out(total: fx.Total, count: int) -> dict:
        return {
            "count": count,
            "amount": str(total.amount),
            "currency": total.currency,
            "rate_dates": total.rate_dates,
            "excluded": _excluded(total),
            "stale": _stale(total),
        }

    counts = board.counts
    return {
        "currency": currency,
        "stale_after_days": fx.STALE_AFTER_DAYS,
        "attracted": out(board.closed_total, counts["closed"]),
        "closed_unconfirmed": out(board.closed_unconfirmed_total, counts["closed_unconfirmed"]),
        "in_progress": out(board.in_progress_total, counts["in_progress"]),
        "records_confirmed": counts["records_confirmed"],
        "records_unconfirmed": counts["records_unconfirmed"],
        "confidential": counts["confidential"],
        "lost": counts["lost"],
    }


@router.get("/kpis", response=list[KpiOut])
@paginate(Page)
def list_kpis(request, agreement: str | None = None, program: str | None = None):
    scope = _dashboard_scope(request, agreement, program)
    values = kpis.compute_all(scope.kpis())
    return [
        {
            "id": v.kpi.pk,
            "program": v.kpi.program.slug,
            "commitment": v.kpi.commitment_id,
            "name_ko": v.kpi.name_ko,
            "name_en": v.kpi.name_en,
            "metric": v.kpi.metric,
            "kind": v.kpi.kind,
            "country": v.kpi.country,
            "target": str(v.kpi.target),
            "unit": v.unit,
            "starts_on": v.kpi.starts_on,
            "ends_on": v.kpi.ends_on,
            "counting": v.kpi.counting,
            "confirmed": str(v.confirmed),
            "unconfirmed": str(v.unconfirmed),
            "progress": v.progress,
            "rate_dates": v.total.rate_dates if v.total else [],
            "excluded": _excluded(v.total),
            "stale": _stale(v.total),
        }
        for v in values
    ]


@router.get("/programs/{slug}/rates", response=list[RateOut])
@paginate(Page)
def list_rates(request, slug: str):
    program = get_object_or_404(Program, slug=slug)
    require(request.user, "outcomes.manage_program", program, hide=True)
    return FxRate.objects.filter(program=program).order_by("-on", "currency", "pk")


@router.post("/programs/{slug}/rates", response={201: RateOut})
def create_rate(request, slug: str, payload: RateIn):
    program = get_object_or_404(Program, slug=slug)
    require(request.user, "outcomes.manage_program", program, hide=True)
    form = FxRateForm(data=_form_data(payload.dict()), program=program)
    raise_for_form(form)
    return Status(201, services.save_fx_rate(form=form, by=request.user))


@router.get("/{outcome_id}", response=OutcomeOut)
def get_outcome(request, outcome_id: int):
    return _out(_outcome(request, outcome_id))


@router.post("/", response={201: OutcomeOut})
def report_outcome(request, payload: OutcomeIn):
    # Before the form (see the module docstring); the service asks again, also about the startup and program.
    require(request.user, "outcomes.report_outcome")
    form = OutcomeForm(data=_form_data(payload.dict()), user=request.user)
    raise_for_form(form)
    outcome = services.report_outcome(form=form, by=request.user)
    outcome.refresh_from_db()
    return Status(201, _out(outcome))


@router.patch("/{outcome_id}", response=OutcomeOut)
def update_outcome(request, outcome_id: int, payload: OutcomePatch):
    outcome = _outcome(request, outcome_id)
    services.check_change(outcome=outcome, by=request.user)
    form = OutcomeForm(
        data={**services.form_data(outcome), **_form_data(payload.dict(exclude_unset=True))},
        instance=outcome,
        user=request.user,
    )
    raise_for_form(form)
    services.update_outcome(form=form, by=request.user)
    return _out(_outcome(request, outcome_id))


@router.post("/{outcome_id}/confirm", response=OutcomeOut)
def confirm_outcome(request, outcome_id: int):
    services.confirm_outcome(outcome=_outcome(request, outcome_id), by=request.user)
    return _out(_outcome(request, outcome_id))


@router.post("/{outcome_id}/proposals", response={201: ProposalOut})
def propose_change(request, outcome_id: int, payload: ProposalIn):
    outcome = _outcome(request, outcome_id)
    require(request.user, "outcomes.propose_change", outcome)  # before the form (module docstring)
    changes = _form_data(payload.changes, loc=("body", "payload", "changes"))
    data = {**services.form_data(outcome), **changes, "reason": payload.reason}
    form = ProposalForm(data=data, instance=outcome, user=request.user)
    raise_for_form(form)
    return Status(201, services.propose_change(form=form, reason=payload.reason, by=request.user))
