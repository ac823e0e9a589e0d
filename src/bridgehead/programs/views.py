"""Program pages (thin: parse, hide what the visitor may not know exists, call a service, render).

Services check who may act (``programs/rules.py``) and refuse with :class:`~bridgehead.core.errors.Refused`.
A view that stays on its page after a refusal flashes it (``refusals.flash_or_raise``, tagged with its code); a
permission refusal becomes the "Not allowed" page (``core.refusals.RefusedMiddleware``), like in the API.
"""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from bridgehead.core import refusals, roles, uploads
from bridgehead.core.enums import Role
from bridgehead.core.errors import Refused
from bridgehead.core.http import XLSX_TYPE, download, require
from bridgehead.core.models import User
from bridgehead.programs import assignment as assigning
from bridgehead.programs import exports, services
from bridgehead.programs.conflicts import conflict_map
from bridgehead.programs.enums import (
    ApplicationStatus,
    FieldKind,
    HistoryAction,
    MessageStatus,
    Outcome,
    ReviewStatus,
    RunKind,
)
from bridgehead.programs.forms import (
    ApplicationForm,
    AssignmentSettingsForm,
    CallForm,
    ConflictDeclarationForm,
    CriterionForm,
    DecisionForm,
    DecisionTemplateForm,
    FormFieldForm,
    MentorMatchingForm,
    OutboxMessageForm,
    PanelForm,
    ProgramForm,
    ReviewForm,
    SessionForm,
)
from bridgehead.programs.models import (
    Application,
    AssignmentRun,
    Call,
    CallReviewer,
    Cohort,
    Criterion,
    DecisionMessage,
    FormField,
    Mentorship,
    Program,
    ReviewAssignment,
)
from bridgehead.programs.rules import member_organisation_ids, visible_calls, visible_members, visible_programs
from bridgehead.programs.scoring import ranking
from bridgehead.registry.models import Organisation, Sector


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    programs = visible_programs(request.user, Program.objects.select_related("agreement"))
    open_calls = [c for c in visible_calls(request.user, Call.objects.select_related("program")) if c.is_open()]
    return render(request, "programs/program_list.html", {"programs": programs, "open_calls": open_calls})


@login_required
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("agreement"), slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    manages = request.user.has_perm("programs.change_program", program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "operators": program.operators.all(),
            "commitments": program.commitments.all(),
            "calls": visible_calls(request.user, program.calls.all()).annotate(
                submitted=Count(
                    "applications",
                    filter=~Q(applications__status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]),
                )
            ),
            "cohorts": program.cohorts.annotate(size=Count("members")),
            "managers": User.objects.filter(roles__role=Role.PROGRAM_MANAGER, roles__program=program).distinct(),
            "manages": manages,
        },
    )


@login_required
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("agreement"), slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    require(request.user, "programs.change_program", program)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        services.save_program(form=form, by=request.user)
        messages.success(request, _("The program is saved."))
        return redirect("program-detail", slug=program.slug)
    return render(request, "programs/program_form.html", {"program": program, "form": form})


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Everything the signed-in person has to do in programs: applications, reviews, mentees."""
    user = request.user
    applications = Application.objects.filter(organisation_id__in=member_organisation_ids(user)).select_related(
        "call__program", "organisation", "decision"
    )
    assignments = ReviewAssignment.objects.filter(
        reviewer=user,
        application__call__program_id__in=roles.program_ids(user, Role.REVIEWER),
        application__status=ApplicationStatus.SUBMITTED,
    ).select_related("application__organisation", "application__call", "review")
    mentorships = Mentorship.objects.filter(mentor=user).select_related("member__organisation", "member__cohort")
    return render(
        request,
        "programs/my_work.html",
        {"applications": applications, "assignments": assignments, "mentorships": mentorships},
    )


# ---------------------------------------------------------------- calls


def _call(request: HttpRequest, pk: int, perm: str = "programs.view_call") -> Call:
    call = get_object_or_404(Call.objects.select_related("program"), pk=pk)
    require(request.user, "programs.view_call", call, hide=True)
    if perm != "programs.view_call":
        # A call the viewer can see, a page of it they may not use: 403 (docs/architecture.md, "Proving
        # permissions"); only what they may not see at all is hidden with 404.
        require(request.user, perm, call)
    return call


def _in_program_zone(program: Program):
    return timezone.override(zoneinfo.ZoneInfo(program.time_zone))


@login_required
def call_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    program = get_object_or_404(Program, slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    require(request.user, "programs.change_program", program)
    call = get_object_or_404(Call, pk=pk, program=program) if pk else None
    with _in_program_zone(program):  # times are typed, and shown in the form, in the program's zone
        form = CallForm(request.POST or None, instance=call, program=program)
        if request.method == "POST" and form.is_valid():
            call = services.save_call(form=form, by=request.user)
            messages.success(request, _("The call is saved."))
            return redirect("call-detail", pk=call.pk)
        return render(request, "programs/call_form.html", {"form": form, "program": program, "call": call})


@login_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    user = request.user
    mine = Application.objects.filter(call=call, organisation_id__in=member_organisation_ids(user)).first()
    manages = user.has_perm("programs.change_call", call)
    applications, counts = [], []
    if manages:
        applications = list(
            call.applications.select_related("organisation")
            .annotate(
                assigned=Count("assignments", distinct=True),
                reviewed=Count(
                    "assignments", filter=Q(assignments__review__status=ReviewStatus.SUBMITTED), distinct=True
                ),
            )
            .order_by("organisation__name_en", "pk")
        )
        by_status = {}
        for application in applications:
            by_status[application.status] = by_status.get(application.status, 0) + 1
        counts = [(label, by_status.get(value, 0)) for value, label in ApplicationStatus.choices]
    return render(
        request,
        "programs/call_detail.html",
        {
            "call": call,
            "program": call.program,
            "fields": call.fields.all(),
            "criteria": call.criteria.all(),
            "manages": manages,
            "mine": mine,
            "mine_status": mine.get_applicant_status_display() if mine else "",
            "startups": services.startups_of(user),
            "can_apply": user.has_perm("programs.apply", call),
            "applications": applications,
            "status_counts": counts,
        },
    )


@login_required
def form_builder(request: HttpRequest, pk: int, field_id: int | None = None) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    instance = get_object_or_404(FormField, pk=field_id, call=call) if field_id else None
    form = FormFieldForm(request.POST or None, instance=instance, call=call)
    if request.method == "POST" and "delete" in request.POST and instance:
        services.delete_form_field(field=instance, by=request.user)
        messages.success(request, _("The question is deleted."))
        return redirect("call-form", pk=call.pk)
    if request.method == "POST" and form.is_valid():
        services.save_form_field(form=form, by=request.user)
        messages.success(request, _("The question is saved."))
        return redirect("call-form", pk=call.pk)
    return render(
        request,
        "programs/form_builder.html",
        {"call": call, "program": call.program, "fields": call.fields.all(), "form": form, "editing": instance},
    )


@login_required
def rubric(request: HttpRequest, pk: int, criterion_id: int | None = None) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    instance = get_object_or_404(Criterion, pk=criterion_id, call=call) if criterion_id else None
    form = CriterionForm(request.POST or None, instance=instance)
    locked = services.rubric_is_locked(call)
    if locked:  # the wording can still be corrected; the service refuses anything else whatever is posted
        for name in services.RUBRIC_SCORING_FIELDS:
            form.fields[name].disabled = True
    if request.method == "POST" and "delete" in request.POST and instance:
        services.delete_criterion(criterion=instance, by=request.user)
        return redirect("call-rubric", pk=call.pk)
    if request.method == "POST" and form.is_valid():
        services.save_criterion(form=form, call=call, by=request.user)
        messages.success(request, _("The criterion is saved."))
        return redirect("call-rubric", pk=call.pk)
    return render(
        request,
        "programs/rubric.html",
        {
            "call": call,
            "program": call.program,
            "criteria": call.criteria.all(),
            "form": form,
            "editing": instance,
            "locked": locked,
        },
    )


# ---------------------------------------------------------------- applications


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    chosen = request.POST.get("organisation", "")
    organisation = Organisation.objects.filter(pk=chosen).first() if chosen.isdigit() else None
    if organisation is None:
        raise Http404
    try:
        application = services.start_application(call=call, organisation=organisation, by=request.user)
    except Refused as exc:
        refusals.flash_or_raise(request, exc)
        return redirect("call-detail", pk=call.pk)
    return redirect("application-edit", pk=application.pk)


def _application(request: HttpRequest, pk: int, perm: str = "programs.view_application") -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call__program", "organisation", "created_by"), pk=pk
    )
    require(request.user, "programs.view_application", application, hide=True)
    if perm != "programs.view_application":
        require(request.user, perm, application, hide=False)
    return application


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, "programs.change_application")
    call = application.call
    initial = dict(application.answers)
    form = ApplicationForm(request.POST or None, request.FILES or None, call=call, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_application(
                application=application, answers=form.answers(), uploads=form.uploads(), by=request.user
            )
            if "submit" in request.POST and application.status == ApplicationStatus.DRAFT:
                services.submit_application(application=application, by=request.user)
                messages.success(request, _("Your application is submitted. You can still edit it until the deadline."))
                return redirect("application-detail", pk=application.pk)
            messages.success(request, _("Saved."))
            return redirect("application-edit", pk=application.pk)
        except Refused as exc:
            refusals.flash_or_raise(request, exc)
    files = {f.field_key: f for f in application.files.all()}
    return render(
        request,
        "programs/application_form.html",
        {
            "application": application,
            "call": call,
            "program": call.program,
            "form": form,
            "files": files,
            "missing": services.missing_answers(application) if application.status == ApplicationStatus.DRAFT else [],
        },
    )


def _answers(application: Application, user) -> list[tuple[FormField, object, object]]:
    """(question, shown value, stored file) per question: choices and sectors by name, never by raw code."""
    files = {f.field_key: f for f in application.files.all()}
    korean = (getattr(user, "language", "") or "").startswith("ko")
    fields = list(application.call.fields.all())
    codes = {code for f in fields if f.kind == FieldKind.SECTORS for code in application.answers.get(f.key) or []}
    sectors = {s.code: s.name for s in Sector.objects.filter(code__in=codes)}
    answers = []
    for field in fields:
        value = application.answers.get(field.key)
        if field.kind == FieldKind.CHOICE:
            value = next(
                (c.get("ko" if korean else "en") or c["value"] for c in field.choices if c["value"] == value), value
            )
        elif field.kind == FieldKind.SECTORS and value:
            value = ", ".join(sectors.get(code, code) for code in value)
        answers.append((field, value, files.get(field.key)))
    return answers


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user = request.user
    call = application.call
    manages = user.has_perm("programs.decide_application", application)
    is_applicant = user.has_perm("programs.change_application", application)
    my_assignment = application.assignments.filter(reviewer=user).first()
    reviews = []
    if manages:
        reviews = application.assignments.select_related("reviewer", "review").prefetch_related(
            "review__scores__criterion"
        )
    decision = getattr(application, "decision", None)
    history = application.history.select_related("by")
    if not manages:  # the applicant learns a decision when its e-mail is sent, not when it is recorded
        history = history.exclude(action=HistoryAction.DECIDED)
    return render(
        request,
        "programs/application_detail.html",
        {
            "application": application,
            "call": call,
            "program": call.program,
            "answers": _answers(application, user),
            "history": history,
            "manages": manages,
            "is_applicant": is_applicant,
            "my_assignment": my_assignment,
            "reviews": reviews,
            "decision": decision,
            "status_label": application.get_status_display() if manages else application.get_applicant_status_display(),
            "queued": decision.messages.filter(status=MessageStatus.QUEUED).count() if manages and decision else 0,
            "outcomes": Outcome.choices,
        },
    )


@login_required
def application_file(request: HttpRequest, pk: int, key: str) -> FileResponse:
    application = _application(request, pk)
    stored = get_object_or_404(application.files, field_key=key)
    return uploads.attachment(stored.file, name=stored.original_name, content_type=stored.content_type)


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, "programs.change_application")
    try:
        services.withdraw_application(application=application, by=request.user)
        messages.success(request, _("Your application is withdrawn."))
    except Refused as exc:
        refusals.flash_or_raise(request, exc)
    return redirect("application-detail", pk=application.pk)


def _next_url(request: HttpRequest, data) -> str:
    next_url = data.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return next_url
    return ""


CONFIRM_QUESTIONS = {
    Outcome.ACCEPT: gettext_lazy("Accept %(startup)s? The applicant will be told once you send the outbox."),
    Outcome.WAITLIST: gettext_lazy(
        "Put %(startup)s on the waiting list? The applicant will be told once you send the outbox."
    ),
    Outcome.REJECT: gettext_lazy("Reject %(startup)s? The applicant will be told once you send the outbox."),
}


@login_required
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Deciding takes two steps: the chosen outcome opens a confirmation that says what will happen (and
    warns about incomplete reviews); only the confirmed POST records it. The e-mail then waits in the outbox."""
    application = _application(request, pk, "programs.decide_application")
    data = request.POST if request.method == "POST" else request.GET
    next_url = _next_url(request, data)
    form = DecisionForm(data)
    if not form.is_valid() and "outcome" in form.errors:
        messages.error(
            request, _("Choose a decision for %(startup)s first.") % {"startup": application.organisation.name}
        )
        return redirect(next_url or reverse("application-detail", args=[application.pk]))
    refusal = None
    if request.method == "POST" and data.get("confirmed") and form.is_valid():
        try:
            services.decide(
                application=application,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
                despite_incomplete=form.cleaned_data["despite_incomplete"],
            )
            messages.success(
                request, _("Decision recorded. The e-mail to the applicant waits in the outbox until you send it.")
            )
            return redirect(next_url or reverse("application-detail", args=[application.pk]))
        except Refused as exc:
            if exc.kind in refusals.PAGE_KINDS:
                raise
            refusal = exc
    outcome = form.cleaned_data["outcome"]
    decision = getattr(application, "decision", None)
    if request.method == "GET":  # the confirmation opens with the note already written, if any
        form = DecisionForm(initial={"outcome": outcome, "note": decision.note if decision else ""})
    return render(
        request,
        "programs/decision_confirm.html",
        {
            "application": application,
            "call": application.call,
            "program": application.call.program,
            "form": form,
            "outcome": outcome,
            "outcome_label": Outcome(outcome).label,
            "decision": decision,
            "question": CONFIRM_QUESTIONS[Outcome(outcome)] % {"startup": application.organisation.name},
            "warning": services.review_warning(application),
            "refusal": refusal,
            "next": next_url or reverse("application-detail", args=[application.pk]),
        },
    )


# ---------------------------------------------------------------- reviews


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The assigned reviewer scores an application. Unassigned or conflicted → 404."""
    application = _application(request, pk, "programs.review_application")
    assignment = get_object_or_404(ReviewAssignment, application=application, reviewer=request.user)
    criteria = list(application.call.criteria.all())
    existing = getattr(assignment, "review", None)
    initial = {"comment": existing.comment} if existing else {}
    if existing:
        for score in existing.scores.all():
            initial[f"score_{score.criterion_id}"] = score.value
            initial[f"comment_{score.criterion_id}"] = score.comment
    form = ReviewForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_review(
                assignment=assignment,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit="submit" in request.POST,
                by=request.user,
            )
            messages.success(request, _("Your review is submitted.") if "submit" in request.POST else _("Saved."))
            return redirect("my-work")
        except Refused as exc:
            refusals.flash_or_raise(request, exc)
    return render(
        request,
        "programs/review_form.html",
        {
            "application": application,
            "call": application.call,
            "form": form,
            "review": existing,
            "conflict_form": ConflictDeclarationForm(),
            "answers": _answers(application, request.user),
        },
    )


@login_required
@require_POST
def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, "programs.review_application")
    form = ConflictDeclarationForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.declare_conflict(application=application, reviewer=request.user, reason=reason, by=request.user)
    messages.success(request, _("Conflict declared: the application is withdrawn from your reviews."))
    return redirect("my-work")


# ---------------------------------------------------------------- assignment


@login_required
def assignment_page(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    panel_form = PanelForm(call=call)
    confirm_drop = None
    settings_form = AssignmentSettingsForm(
        initial={
            "reviews_per_application": call.reviews_per_application,
            "max_reviews_per_reviewer": call.max_reviews_per_reviewer,
        }
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_reviewer":
                panel_form = PanelForm(request.POST, call=call)
                if panel_form.is_valid():
                    services.add_panel_member(form=panel_form, call=call, by=request.user)
                    return redirect("call-assignment", pk=call.pk)
            elif action == "run":
                settings_form = AssignmentSettingsForm(request.POST)
                if settings_form.is_valid():
                    services.save_assignment_settings(call=call, by=request.user, **settings_form.cleaned_data)
                    kind = request.POST.get("kind") if request.POST.get("kind") in RunKind.values else RunKind.ASSIGN
                    assigning.queue_assignment(call=call, by=request.user, kind=kind)
                    return redirect("call-assignment", pk=call.pk)
            elif action == "drop":
                member = get_object_or_404(
                    CallReviewer.objects.select_related("user"),
                    call=call,
                    is_active=True,
                    pk=request.POST.get("member"),
                )
                if request.POST.get("confirmed"):
                    assigning.drop_reviewer(member=member, by=request.user)
                    return redirect("call-assignment", pk=call.pk)
                confirm_drop = (
                    member,
                    ReviewAssignment.objects.filter(application__call=call, reviewer=member.user)
                    .exclude(review__status=ReviewStatus.SUBMITTED)
                    .count(),
                )
            elif action == "assign":
                application = get_object_or_404(Application, call=call, pk=request.POST.get("application"))
                reviewer = get_object_or_404(User, pk=request.POST.get("reviewer"))
                assigning.add_manual_assignment(application=application, reviewer=reviewer, by=request.user)
                return redirect("call-assignment", pk=call.pk)
            elif action == "remove":
                pair = get_object_or_404(ReviewAssignment, application__call=call, pk=request.POST.get("assignment"))
                assigning.remove_assignment(assignment=pair, by=request.user)
                return redirect("call-assignment", pk=call.pk)
        except Refused as exc:
            refusals.flash_or_raise(request, exc)
    applications = list(
        call.applications.filter(status=ApplicationStatus.SUBMITTED)
        .select_related("organisation", "created_by")
        .prefetch_related("assignments__reviewer", "assignments__review")
    )
    panel = list(call.panel.select_related("user"))
    conflicts = conflict_map(applications, [m.user_id for m in panel if m.is_active])
    loads = dict(
        ReviewAssignment.objects.filter(application__call=call).values_list("reviewer").annotate(n=Count("pk"))
    )
    return render(
        request,
        "programs/assignment.html",
        {
            "call": call,
            "program": call.program,
            "panel": [(m, loads.get(m.user_id, 0)) for m in panel],
            "applications": applications,
            "conflict_count": len(conflicts),
            "panel_form": panel_form,
            "settings_form": settings_form,
            "run": call.assignment_runs.first(),
            "active_reviewers": [m.user for m in panel if m.is_active],
            "confirm_drop": confirm_drop,
        },
    )


@login_required
def run_status(request: HttpRequest, pk: int, run_id: int) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    run = get_object_or_404(AssignmentRun, pk=run_id, call=call)
    return render(request, "programs/_run_status.html", {"call": call, "run": run})


@login_required
def ranking_page(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    criteria, rows = ranking(call)
    if request.GET.get("format") == "xlsx":
        return download(exports.ranking_xlsx(call, criteria, rows), f"ranking-{call.slug}.xlsx", XLSX_TYPE)
    return render(
        request,
        "programs/ranking.html",
        {
            "call": call,
            "program": call.program,
            "criteria": criteria,
            "rows": rows,
            "outcomes": Outcome.choices,
            "waiting": DecisionMessage.objects.filter(program=call.program, status=MessageStatus.QUEUED).count(),
        },
    )


# ---------------------------------------------------------------- decisions, cohorts, mentoring


@login_required
def decision_templates(request: HttpRequest, slug: str, outcome: str = Outcome.ACCEPT) -> HttpResponse:
    program = get_object_or_404(Program, slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    require(request.user, "programs.change_program", program)
    if outcome not in Outcome.values:
        raise Http404
    template = services.decision_template(program=program, outcome=outcome)
    form = DecisionTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        services.save_decision_template(form=form, by=request.user)
        messages.success(request, _("The e-mail template is saved."))
        return redirect("decision-templates", slug=program.slug, outcome=outcome)
    return render(
        request,
        "programs/decision_templates.html",
        {"program": program, "form": form, "outcome": outcome, "outcomes": Outcome.choices},
    )


def _outbox_program(request: HttpRequest, slug: str, *, hide: bool = False) -> Program:
    """The program whose outbox is asked for. The outbox page of a program the viewer can see answers 403;
    one waiting e-mail (``hide=True``) is only ever seen by managers, so to anyone else it does not exist."""
    program = get_object_or_404(Program, slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    require(request.user, "programs.change_program", program, hide=hide)
    return program


def _message_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("message") if v.isdigit()]


@login_required
def outbox(request: HttpRequest, slug: str) -> HttpResponse:
    """The program's decision e-mails waiting to be sent: read, then send one, the selected or all."""
    program = _outbox_program(request, slug)
    if request.method == "POST":
        action = request.POST.get("action")
        ids = None if action == "send_all" else _message_ids(request)
        try:
            if ids == []:
                messages.error(request, _("Select at least one e-mail first."))
            elif action in ("send_all", "send_selected"):
                sent = services.send_messages(program=program, message_ids=ids, by=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s e-mail sent; the applicants are notified.",
                        "%(count)s e-mails sent; the applicants are notified.",
                        sent,
                    )
                    % {"count": sent},
                )
            elif action == "discard_selected":
                discarded = services.discard_messages(program=program, message_ids=ids, by=request.user)
                messages.success(
                    request,
                    ngettext("%(count)s e-mail discarded.", "%(count)s e-mails discarded.", discarded)
                    % {"count": discarded},
                )
        except Refused as exc:
            refusals.flash_or_raise(request, exc)
        return redirect("program-outbox", slug=program.slug)
    base = DecisionMessage.objects.filter(program=program).select_related(
        "recipient", "decision__application__organisation", "decision__application__call", "sent_by"
    )
    return render(
        request,
        "programs/outbox.html",
        {
            "program": program,
            "queued": base.filter(status=MessageStatus.QUEUED).order_by("created_at", "pk"),
            "sent": base.filter(status=MessageStatus.SENT).order_by("-sent_at", "-pk")[:50],
        },
    )


@login_required
def outbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    """One waiting e-mail: edit its text, send it alone, or discard it."""
    message = get_object_or_404(
        DecisionMessage.objects.select_related(
            "program", "recipient", "decision__application__organisation", "decision__application__call"
        ),
        pk=pk,
    )
    program = _outbox_program(request, message.program.slug, hide=True)
    form = OutboxMessageForm(request.POST or None, initial={"subject": message.subject, "body": message.body})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "discard":
                services.discard_messages(program=program, message_ids=[message.pk], by=request.user)
                messages.success(request, _("The e-mail is discarded."))
                return redirect("program-outbox", slug=program.slug)
            if form.is_valid():
                services.edit_message(
                    message=message,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    by=request.user,
                )
                if action == "send":
                    services.send_messages(program=program, message_ids=[message.pk], by=request.user)
                    messages.success(
                        request, _("The e-mail is sent to %(to)s.") % {"to": message.to or str(message.recipient)}
                    )
                    return redirect("program-outbox", slug=program.slug)
                messages.success(request, _("The e-mail is saved; it is still waiting in the outbox."))
                return redirect("outbox-message", pk=message.pk)
        except Refused as exc:
            refusals.flash_or_raise(request, exc)
    return render(request, "programs/outbox_message.html", {"program": program, "message": message, "form": form})


@login_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program", "call"), pk=pk)
    require(request.user, "programs.view_cohort", cohort, hide=True)
    manages = request.user.has_perm("programs.change_cohort", cohort)
    form = MentorMatchingForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "programs.change_cohort", cohort)  # the same refusal as the service's
        if form.is_valid():
            mentors = list(
                User.objects.filter(roles__role=Role.MENTOR, roles__program=cohort.program, is_active=True).distinct()
            )
            try:
                made = assigning.match_mentors(
                    cohort=cohort,
                    mentors=mentors,
                    by=request.user,
                    per_startup=form.cleaned_data["mentors_per_startup"],
                    max_mentees=form.cleaned_data["max_mentees"],
                )
                messages.success(request, _("%(count)s mentor pairs created.") % {"count": made})
            except Refused as exc:
                refusals.flash_or_raise(request, exc)
            return redirect("cohort-detail", pk=cohort.pk)
    members = (
        visible_members(request.user, cohort).select_related("organisation").prefetch_related("mentorships__mentor")
    )
    return render(
        request,
        "programs/cohort_detail.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "members": members,
            "manages": manages,
            "form": form,
            # an ended membership is news to the startup only when the changed decision is sent
            "sees_status": request.user.has_perm("programs.view_program", cohort.program),
        },
    )


@login_required
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_object_or_404(
        Mentorship.objects.select_related("member__cohort__program", "mentor", "member__organisation"), pk=pk
    )
    require(request.user, "programs.view_mentorship", mentorship, hide=True)
    can_log = request.user.has_perm("programs.log_session", mentorship)
    form = SessionForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "programs.log_session", mentorship)  # the same refusal as the service's
        if form.is_valid():
            services.log_session(mentorship=mentorship, form=form, by=request.user)
            messages.success(request, _("The session is logged."))
            return redirect("mentorship-detail", pk=mentorship.pk)
    return render(
        request,
        "programs/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "sessions": mentorship.sessions.select_related("logged_by"),
            "form": form,
            "can_log": can_log,
            "ended": not mentorship.member.is_active,
        },
    )


@login_required
def call_edit_by_pk(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    return call_edit(request, call.program.slug, pk)
