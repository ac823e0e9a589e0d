"""Outcome pages (thin: parse, call a service, render).

The services decide who may act (``outcomes/rules.py`` through ``core.permissions.require``); pages only
hide what a person may not know exists (404) and, before showing a form, ask the same permission (or the
service's own check) the service will ask. A refusal a page does not catch reaches
``core.refusals.RefusedMiddleware``: the "Not allowed" page, or the message flashed with its code.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bridgehead.agreements.models import Agreement
from bridgehead.core import refusals, uploads
from bridgehead.core.errors import STATUS, Kind, Refused
from bridgehead.core.http import XLSX_TYPE, download, require
from bridgehead.outcomes import brief, dashboards, documents, docx_writer, fximport, hwpx_writer, reports, services
from bridgehead.outcomes.currencies import COMMON
from bridgehead.outcomes.enums import ProposalStatus, ReportingCurrency
from bridgehead.outcomes.forms import (
    BriefForm,
    FxImportForm,
    FxRateForm,
    KpiForm,
    OutcomeForm,
    ProposalForm,
    ReminderForm,
    organisation_label,
)
from bridgehead.outcomes.models import ChangeProposal, FxRate, Kpi, Outcome, ReminderSchedule
from bridgehead.outcomes.rules import (
    managed_program_ids,
    may_name,
    observed_agreement_ids,
    party_organisation_ids,
    startup_organisation_ids,
    visible_outcomes,
)
from bridgehead.programs.models import Cohort, Program
from bridgehead.registry.models import Organisation


def _on_form(form, exc: Refused) -> None:
    """Show a refused change beside the form it came from, so nothing typed is lost."""
    if exc.kind == Kind.FORBIDDEN and not exc.field:
        raise exc
    refusals.to_form(form, exc)


@login_required
def outcome_list(request: HttpRequest) -> HttpResponse:
    """My outcomes: my startup's, those waiting for my confirmation, my programs', and my dashboards."""
    user = request.user
    outcomes = visible_outcomes(user, Outcome.objects.select_related("organisation", "program", "counterparty"))
    to_confirm = [o for o in outcomes.filter(confirmed_at__isnull=True) if user.has_perm("outcomes.confirm_outcome", o)]
    return render(
        request,
        "outcomes/outcome_list.html",
        {
            "outcomes": outcomes[:200],
            "to_confirm": to_confirm,
            "programs": Program.objects.filter(
                Q(pk__in=managed_program_ids(user)) | Q(agreement_id__in=observed_agreement_ids(user))
            ).distinct(),
            "agreements": Agreement.objects.filter(
                Q(pk__in=observed_agreement_ids(user)) | Q(programs__pk__in=managed_program_ids(user))
            ).distinct(),
            "startups": Organisation.objects.filter(pk__in=startup_organisation_ids(user)),
            "proposals": ChangeProposal.objects.filter(
                status=ProposalStatus.PENDING, outcome__program_id__in=managed_program_ids(user)
            ),
            "can_report": user.has_perm("outcomes.report_outcome"),
            "parties": Organisation.objects.filter(pk__in=party_organisation_ids(user)),
        },
    )


def _outcome(request: HttpRequest, pk: int) -> Outcome:
    outcome = get_object_or_404(
        Outcome.objects.select_related(
            "organisation",
            "program__agreement",
            "cohort",
            "event",
            "meeting__slot",
            "counterparty",
            "reported_by",
            "confirmed_by",
        ),
        pk=pk,
    )
    require(request.user, "outcomes.view_outcome", outcome, hide=True)
    return outcome


def _form_context(form) -> dict:
    return {"form": form, "currencies": COMMON}


@login_required
def outcome_report(request: HttpRequest) -> HttpResponse:
    require(request.user, "outcomes.report_outcome")
    initial = {"occurred_on": timezone.localdate()}
    for name in ("program", "organisation", "meeting"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    form = OutcomeForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.report_outcome(form=form, by=request.user)
        except Refused as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("The outcome is recorded. It is shown as unconfirmed until it is confirmed."))
            return redirect("outcome-detail", pk=outcome.pk)
    return render(request, "outcomes/outcome_form.html", {**_form_context(form), "outcome": None})


@login_required
def counterparty_options(request: HttpRequest) -> HttpResponse:
    """The counterparty picker's suggestions (htmx): registry entries whose Korean or English name contains
    what was typed. The registry is readable by every signed-in user; only reporters need this list."""
    require(request.user, "outcomes.report_outcome")
    text = request.GET.get("counterparty", "").strip()[:100]
    found = Organisation.objects.order_by("name_en")
    if text:
        found = found.filter(Q(name_en__icontains=text) | Q(name_ko__icontains=text))
    return render(
        request, "outcomes/_counterparty_options.html", {"options": [organisation_label(o) for o in found[:50]]}
    )


@login_required
def outcome_detail(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    user = request.user
    if not may_name(user, outcome):
        raise Http404
    commitments = list(outcome.program.commitments.prefetch_related("sectors"))
    return render(
        request,
        "outcomes/outcome_detail.html",
        {
            "outcome": outcome,
            "commitments": commitments,
            "history": outcome.history.select_related("by"),
            "proposals": outcome.proposals.select_related("proposed_by", "decided_by"),
            "can_change": user.has_perm("outcomes.change_outcome", outcome),
            "can_propose": user.has_perm("outcomes.propose_change", outcome),
            "can_confirm": user.has_perm("outcomes.confirm_outcome", outcome),
            "can_decide": user.has_perm("outcomes.decide_proposal", outcome),
        },
    )


@login_required
def outcome_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served only through this permission check, never from a public media URL."""
    outcome = _outcome(request, pk)
    if not outcome.evidence or not may_name(request.user, outcome):
        raise Http404
    return uploads.attachment(outcome.evidence, name=outcome.evidence_name, content_type=outcome.evidence_type)


@login_required
def outcome_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the delete would take with it (or why it is refused); POST: delete."""
    outcome = _outcome(request, pk)
    program = outcome.program
    if request.method != "POST":
        try:
            found = services.check_delete(outcome=outcome, by=request.user)
        except Refused as refusal:
            refusals.flash_or_raise(request, refusal)  # e.g. confirmed: back to the record, with the code
            return redirect("outcome-detail", pk=outcome.pk)
        return render(request, "outcomes/outcome_delete.html", {"outcome": outcome, "consequences": found})
    services.delete_outcome(outcome=outcome, by=request.user)
    messages.success(request, _("The outcome is deleted; its values stay in the audit log."))
    return redirect("outcomes-program", key=program.slug)


@login_required
def outcome_edit(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    if request.user.has_perm("outcomes.propose_change", outcome) and not request.user.has_perm(
        "outcomes.change_outcome", outcome
    ):
        messages.info(request, _("This outcome is confirmed: propose a change and the program manager will decide."))
        return redirect("outcome-propose", pk=outcome.pk)
    services.check_change(outcome=outcome, by=request.user)
    form = OutcomeForm(request.POST or None, request.FILES or None, instance=outcome, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_outcome(form=form, by=request.user)
        except Refused as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("The outcome is saved."))
            return redirect("outcome-detail", pk=outcome.pk)
    return render(request, "outcomes/outcome_form.html", {**_form_context(form), "outcome": outcome})


@login_required
def outcome_propose(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    require(request.user, "outcomes.propose_change", outcome)
    form = ProposalForm(request.POST or None, instance=Outcome.objects.get(pk=outcome.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_change(form=form, reason=form.cleaned_data["reason"], by=request.user)
        except Refused as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("Your proposal was sent to the program manager."))
            return redirect("outcome-detail", pk=outcome.pk)
    return render(request, "outcomes/outcome_form.html", {**_form_context(form), "outcome": outcome, "proposing": True})


@require_POST
@login_required
def outcome_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    try:
        services.confirm_outcome(outcome=outcome, by=request.user)
    except Refused as exc:
        refusals.flash_or_raise(request, exc)
    else:
        messages.success(request, _("The outcome is confirmed."))
    return redirect("outcome-detail", pk=outcome.pk)


@require_POST
@login_required
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(ChangeProposal.objects.select_related("outcome"), pk=pk)
    require(request.user, "outcomes.view_outcome", proposal.outcome, hide=True)
    try:
        services.decide_proposal(proposal=proposal, accept=request.POST.get("decision") == "accept", by=request.user)
    except Refused as exc:
        refusals.flash_or_raise(request, exc)
    else:
        messages.success(request, _("The proposal is decided."))
    return redirect("outcome-detail", pk=proposal.outcome_id)


# ---------------------------------------------------------------- dashboards


def _currency(request: HttpRequest) -> str:
    currency = request.GET.get("currency", "USD")
    return currency if currency in ReportingCurrency.values else "USD"


def _scope(request: HttpRequest, kind: str, key: str) -> dashboards.Scope:
    user = request.user
    if kind not in ("agreement", "program", "cohort", "startup") or (kind == "cohort" and not key.isdigit()):
        raise Http404
    if kind == "agreement":
        agreement = get_object_or_404(Agreement, slug=key)
        require(user, "outcomes.view_agreement_dashboard", agreement, hide=True)
        return dashboards.for_agreement(user, agreement)
    if kind == "program":
        program = get_object_or_404(Program.objects.select_related("agreement"), slug=key)
        require(user, "outcomes.view_program_dashboard", program, hide=True)
        return dashboards.for_program(user, program)
    if kind == "cohort":
        cohort = get_object_or_404(Cohort.objects.select_related("program__agreement"), pk=int(key))
        require(user, "outcomes.view_cohort_dashboard", cohort, hide=True)
        return dashboards.for_cohort(user, cohort)
    organisation = get_object_or_404(Organisation, slug=key)
    require(user, "outcomes.view_startup_dashboard", organisation, hide=True)
    return dashboards.for_startup(user, organisation)


def _kpi_groups(dashboard: dashboards.Dashboard) -> list[tuple[object, list]]:
    groups: dict[int, tuple[object, list]] = {}
    for value in dashboard.kpi_values:
        groups.setdefault(value.kpi.commitment_id, (value.kpi.commitment, []))[1].append(value)
    return list(groups.values())


@login_required
def dashboard(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    scope = _scope(request, kind, key)
    board = dashboards.build(scope, request.user, currency=_currency(request))
    program = Program.objects.filter(pk__in=scope.program_ids).first() if kind == "program" else None
    return render(
        request,
        "outcomes/dashboard.html",
        {
            "d": board,
            "scope": scope,
            "rows": board.rows[: dashboards.ROW_LIMIT],
            "row_limit": dashboards.ROW_LIMIT,
            "kpi_groups": _kpi_groups(board),
            "currencies": ReportingCurrency.choices,
            "exports": kind in ("agreement", "program"),
            "manages": program is not None and request.user.has_perm("outcomes.manage_program", program),
            "program": program,
            "cohorts": program.cohorts.all() if program else [],
            "parent": Program.objects.filter(pk__in=scope.program_ids).first() if kind == "cohort" else None,
        },
    )


@login_required
def export_xlsx(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    scope = _scope(request, kind, key)
    board = dashboards.build(scope, request.user, currency=_currency(request), with_charts=False)
    content = reports.xlsx(board, public=request.GET.get("public") == "1")
    return download(content, f"outcomes-{scope.url_arg}-{timezone.localdate():%Y%m%d}.xlsx", XLSX_TYPE)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HWPX_TYPE = "application/hwp+zip"  # the type 한/글 writes into the package's own ``mimetype`` entry
#: The word-processor formats, each with its writer and content type: the same Document in both.
DOCUMENT_FORMATS = {"docx": (docx_writer.render, DOCX_TYPE), "hwpx": (hwpx_writer.render, HWPX_TYPE)}


@login_required
def export_document(request: HttpRequest, kind: str, key: str, fmt: str) -> HttpResponse:
    """The PDF report's content as DOCX or HWPX: same scope look-up, same public/internal rule."""
    scope = _scope(request, kind, key)
    board = dashboards.build(scope, request.user, currency=_currency(request))
    write, content_type = DOCUMENT_FORMATS[fmt]
    content = write(documents.report(board, public=request.GET.get("public") == "1"))
    return download(content, f"outcomes-{scope.url_arg}-{timezone.localdate():%Y%m%d}.{fmt}", content_type)


@login_required
def export_pdf(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    scope = _scope(request, kind, key)
    board = dashboards.build(scope, request.user, currency=_currency(request))
    content = reports.pdf(board, public=request.GET.get("public") == "1")
    return download(content, f"outcomes-{scope.url_arg}-{timezone.localdate():%Y%m%d}.pdf", "application/pdf")


def _period(request: HttpRequest, scope: dashboards.Scope) -> tuple[dt.date, dt.date]:
    def parse(name: str, default: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return default

    start_default = (
        scope.agreement.signed_at.astimezone(zoneinfo.ZoneInfo(scope.agreement.time_zone)).date()
        if scope.agreement
        else dt.date(2000, 1, 1)
    )
    start, end = parse("from", start_default), parse("to", timezone.localdate())
    return (start, end) if start <= end else (end, start)


#: The brief's languages, each with the form field that holds its text.
BRIEF_LANGUAGES = {"ko": "text_ko", "en": "text_en"}
#: The brief's file formats: the edited text as typed, or laid out as a document.
BRIEF_FORMATS = ("txt", "docx", "hwpx")


def _brief_choice(request: HttpRequest) -> tuple[str, str] | Refused:
    """(language, format) of the button pressed — ``download=ko-docx`` (the DOCX/HWPX buttons) or
    ``language=ko`` with an optional ``format`` (the text buttons) — or the refusal for anything else; only
    these values are ever put into a file name."""
    if "download" in request.POST:
        language, _sep, file_format = request.POST["download"].partition("-")
    else:
        language, file_format = request.POST.get("language", "ko"), request.POST.get("format", "txt")
    if language not in BRIEF_LANGUAGES:
        return Refused(
            "outcomes.brief.language",
            _("Choose the Korean or the English brief to download."),
            kind=Kind.INVALID,
            field="language",
        )
    if file_format not in BRIEF_FORMATS:
        return Refused(
            "outcomes.brief.format",
            _("Choose a text, DOCX or HWPX file to download."),
            kind=Kind.INVALID,
            field="format",
        )
    return language, file_format


@login_required
def brief_page(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """Generated Korean and English briefs, editable; the downloads (text, DOCX, HWPX) carry the edited text."""
    scope = _scope(request, kind, key)
    start, end = _period(request, scope)
    if request.method == "POST":
        form = BriefForm(request.POST)
        choice = _brief_choice(request)
        if isinstance(choice, Refused):
            context = {"form": form, "scope": scope, "start": start, "end": end, "refusal": choice}
            return render(request, "outcomes/brief.html", context, status=STATUS[choice.kind])
        language, file_format = choice
        if form.is_valid():
            text = form.cleaned_data[BRIEF_LANGUAGES[language]].replace("\r\n", "\n")
            name = f"outcome-brief-{scope.url_arg}-{language}-{end:%Y%m%d}.{file_format}"
            if file_format == "txt":
                return download(text.encode("utf-8"), name, "text/plain; charset=utf-8")
            outcomes = documents.brief_outcomes(scope, request.user, start=start, end=end)
            write, content_type = DOCUMENT_FORMATS[file_format]
            return download(write(documents.brief_document(text, language, outcomes)), name, content_type)
    else:
        korean, english = brief.generate(scope, request.user, start=start, end=end)
        form = BriefForm(initial={"text_ko": korean, "text_en": english})
    context = {"form": form, "scope": scope, "start": start, "end": end, **_press_contact(request, scope)}
    return render(request, "outcomes/brief.html", context)


def _press_contact(request: HttpRequest, scope: dashboards.Scope) -> dict:
    """Whether a program in scope names its press office (the release header's 담당 부서), and which programs
    the viewer may edit to add one — the header otherwise carries placeholders the editor must fill."""
    programs = list(Program.objects.filter(pk__in=scope.program_ids).order_by("pk"))
    has_contact = brief.PressContact.of(programs).office_ko != ""
    editable = [p for p in programs if request.user.has_perm("programs.change_program", p)]
    return {"press_contact_missing": not has_contact, "press_programs": [] if has_contact else editable}


# ---------------------------------------------------------------- program administration


def _managed_program(request: HttpRequest, slug: str) -> Program:
    program = get_object_or_404(Program.objects.select_related("agreement"), slug=slug)
    require(request.user, "outcomes.manage_program", program, hide=True)
    return program


@login_required
def fx_rates(request: HttpRequest, slug: str) -> HttpResponse:
    program = _managed_program(request, slug)
    form = FxRateForm(None, program=program)
    import_form = FxImportForm()
    problems = []
    if request.method == "POST" and request.POST.get("action") == "delete":
        rate = get_object_or_404(FxRate, pk=request.POST.get("rate") or 0, program=program)
        services.delete_fx_rate(rate=rate, by=request.user)
        messages.success(request, _("The rate is deleted."))
        return redirect("outcomes-fx", slug=program.slug)
    if request.method == "POST" and request.POST.get("action") == "import":
        import_form = FxImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            result = fximport.import_rates(
                program=program, filename=upload.name, content=upload.read(), by=request.user
            )
            if result.ok:
                messages.success(
                    request,
                    _("%(created)s rates added, %(updated)s replaced.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("outcomes-fx", slug=program.slug)
            problems = result.problems
            messages.error(request, _("Nothing was imported: correct the rows below and upload the file again."))
    elif request.method == "POST":
        form = FxRateForm(request.POST, program=program)
        if form.is_valid():
            services.save_fx_rate(form=form, by=request.user)
            messages.success(request, _("The rate is saved."))
            return redirect("outcomes-fx", slug=program.slug)
    return render(
        request,
        "outcomes/fx_rates.html",
        {
            "program": program,
            "form": form,
            "import_form": import_form,
            "problems": problems,
            "rates": FxRate.objects.filter(program=program),
        },
    )


@login_required
def kpi_list(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    program = _managed_program(request, slug)
    kpi = get_object_or_404(Kpi, pk=pk, program=program) if pk else None
    form = KpiForm(request.POST or None, instance=kpi, program=program)
    if request.method == "POST" and form.is_valid():
        services.save_kpi(form=form, by=request.user)
        messages.success(request, _("The KPI is saved."))
        return redirect("outcomes-kpis", slug=program.slug)
    return render(
        request,
        "outcomes/kpis.html",
        {"program": program, "form": form, "kpi": kpi, "kpis": Kpi.objects.filter(program=program)},
    )


@login_required
def reminders(request: HttpRequest, slug: str) -> HttpResponse:
    program = _managed_program(request, slug)
    schedule = ReminderSchedule.objects.filter(program=program).first()
    form = ReminderForm(
        request.POST or None,
        initial={
            "every_days": schedule.every_days if schedule else 90,
            "is_active": schedule.is_active if schedule else True,
        },
    )
    if request.method == "POST":
        if request.POST.get("action") == "send":
            count = services.send_reminders(program=program, by=request.user)
            messages.success(request, _("%(count)s reminders are on their way.") % {"count": count})
            return redirect("outcomes-reminders", slug=program.slug)
        if form.is_valid():
            services.save_reminder_schedule(program=program, by=request.user, **form.cleaned_data)
            messages.success(request, _("The reminder schedule is saved."))
            return redirect("outcomes-reminders", slug=program.slug)
    return render(request, "outcomes/reminders.html", {"program": program, "form": form, "schedule": schedule})
