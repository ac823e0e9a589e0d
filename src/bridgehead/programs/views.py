"""Program pages (thin: parse, check permissions, call a service, render)."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.core.http import XLSX_TYPE, download, require
from bridgehead.core.models import User
from bridgehead.programs import assignment as assigning
from bridgehead.programs import exports, services
from bridgehead.programs.conflicts import conflict_map
from bridgehead.programs.enums import ApplicationStatus, FieldKind, Outcome, RunKind
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
    FormField,
    Mentorship,
    Program,
    ReviewAssignment,
)
from bridgehead.programs.rules import member_organisation_ids, visible_calls, visible_programs
from bridgehead.programs.scoring import ranking


def _error(request: HttpRequest, exc: services.ProgramsError) -> None:
    messages.error(request, exc.message)


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
    return render(request, "programs/program_detail.html", {
        "program": program,
        "operators": program.operators.all(),
        "commitments": program.commitments.all(),
        "calls": visible_calls(request.user, program.calls.all()).annotate(
            submitted=Count("applications", filter=~Q(applications__status__in=[
                ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]))),
        "cohorts": program.cohorts.annotate(size=Count("members")),
        "managers": User.objects.filter(roles__role=Role.PROGRAM_MANAGER, roles__program=program).distinct(),
        "manages": manages,
    })


@login_required
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("agreement"), slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    require(request.user, "programs.change_program", program, hide=True)
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
        "call__program", "organisation")
    assignments = ReviewAssignment.objects.filter(
        reviewer=user, application__call__program_id__in=roles.program_ids(user, Role.REVIEWER),
        application__status=ApplicationStatus.SUBMITTED,
    ).select_related("application__organisation", "application__call", "review")
    mentorships = Mentorship.objects.filter(mentor=user).select_related("member__organisation", "member__cohort")
    return render(request, "programs/my_work.html", {
        "applications": applications, "assignments": assignments, "mentorships": mentorships})


# ---------------------------------------------------------------- calls


def _call(request: HttpRequest, pk: int, perm: str = "programs.view_call") -> Call:
    call = get_object_or_404(Call.objects.select_related("program"), pk=pk)
    require(request.user, "programs.view_call", call, hide=True)
    if perm != "programs.view_call":
        require(request.user, perm, call, hide=True)
    return call


def _in_program_zone(program: Program):
    return timezone.override(zoneinfo.ZoneInfo(program.time_zone))


@login_required
def call_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    program = get_object_or_404(Program, slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    require(request.user, "programs.change_program", program, hide=True)
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
    return render(request, "programs/call_detail.html", {
        "call": call, "program": call.program, "fields": call.fields.all(), "criteria": call.criteria.all(),
        "manages": user.has_perm("programs.change_call", call), "mine": mine,
        "startups": services.startups_of(user), "can_apply": user.has_perm("programs.apply", call),
    })


@login_required
def form_builder(request: HttpRequest, pk: int, field_id: int | None = None) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    instance = get_object_or_404(FormField, pk=field_id, call=call) if field_id else None
    form = FormFieldForm(request.POST or None, instance=instance, call=call)
    if request.method == "POST" and "delete" in request.POST and instance:
        instance.delete()
        messages.success(request, _("The question is deleted."))
        return redirect("call-form", pk=call.pk)
    if request.method == "POST" and form.is_valid():
        services.save_form_field(form=form, by=request.user)
        messages.success(request, _("The question is saved."))
        return redirect("call-form", pk=call.pk)
    return render(request, "programs/form_builder.html", {
        "call": call, "program": call.program, "fields": call.fields.all(), "form": form, "editing": instance})


@login_required
def rubric(request: HttpRequest, pk: int, criterion_id: int | None = None) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    instance = get_object_or_404(Criterion, pk=criterion_id, call=call) if criterion_id else None
    form = CriterionForm(request.POST or None, instance=instance)
    if request.method == "POST" and "delete" in request.POST and instance:
        instance.delete()
        return redirect("call-rubric", pk=call.pk)
    if request.method == "POST" and form.is_valid():
        services.save_criterion(form=form, call=call, by=request.user)
        messages.success(request, _("The criterion is saved."))
        return redirect("call-rubric", pk=call.pk)
    return render(request, "programs/rubric.html", {
        "call": call, "program": call.program, "criteria": call.criteria.all(), "form": form, "editing": instance})


# ---------------------------------------------------------------- applications


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk)
    organisation = services.startups_of(request.user).filter(pk=request.POST.get("organisation")).first()
    if organisation is None:
        raise Http404
    try:
        application = services.start_application(call=call, organisation=organisation, by=request.user)
    except services.ProgramsError as exc:
        _error(request, exc)
        return redirect("call-detail", pk=call.pk)
    return redirect("application-edit", pk=application.pk)


def _application(request: HttpRequest, pk: int, perm: str = "programs.view_application") -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call__program", "organisation", "created_by"), pk=pk)
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
            services.save_application(application=application, answers=form.answers(), uploads=form.uploads(),
                                      by=request.user)
            if "submit" in request.POST and application.status == ApplicationStatus.DRAFT:
                services.submit_application(application=application, by=request.user)
                messages.success(request, _("Your application is submitted. You can still edit it until the "
                                            "deadline."))
                return redirect("application-detail", pk=application.pk)
            messages.success(request, _("Saved."))
            return redirect("application-edit", pk=application.pk)
        except services.ProgramsError as exc:
            _error(request, exc)
    files = {f.field_key: f for f in application.files.all()}
    return render(request, "programs/application_form.html", {
        "application": application, "call": call, "program": call.program, "form": form, "files": files,
        "missing": services.missing_answers(application) if application.status == ApplicationStatus.DRAFT else []})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user = request.user
    call = application.call
    manages = user.has_perm("programs.decide_application", application)
    files = {f.field_key: f for f in application.files.all()}
    answers = []
    for field in call.fields.all():
        value = application.answers.get(field.key)
        if field.kind == FieldKind.CHOICE:
            value = next((c.get("ko" if (user.language or "").startswith("ko") else "en") or c["value"]
                          for c in field.choices if c["value"] == value), value)
        answers.append((field, value, files.get(field.key)))
    my_assignment = application.assignments.filter(reviewer=user).first()
    reviews = []
    if manages:
        reviews = application.assignments.select_related("reviewer", "review").prefetch_related(
            "review__scores__criterion")
    decision = getattr(application, "decision", None)
    return render(request, "programs/application_detail.html", {
        "application": application, "call": call, "program": call.program, "answers": answers,
        "history": application.history.select_related("by"), "manages": manages,
        "is_applicant": user.has_perm("programs.change_application", application),
        "my_assignment": my_assignment, "reviews": reviews, "decision": decision,
        "decision_form": DecisionForm(initial={"outcome": decision.outcome} if decision else None),
    })


@login_required
def application_file(request: HttpRequest, pk: int, key: str) -> FileResponse:
    application = _application(request, pk)
    stored = get_object_or_404(application.files, field_key=key)
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type, as_attachment=True,
                            filename=stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, "programs.change_application")
    try:
        services.withdraw_application(application=application, by=request.user)
        messages.success(request, _("Your application is withdrawn."))
    except services.ProgramsError as exc:
        _error(request, exc)
    return redirect("application-detail", pk=application.pk)


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, "programs.decide_application")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide(application=application, outcome=form.cleaned_data["outcome"],
                            note=form.cleaned_data["note"], by=request.user)
            messages.success(request, _("Decision recorded; the applicant is notified by e-mail."))
        except services.ProgramsError as exc:
            _error(request, exc)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("application-detail", pk=application.pk)


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
            services.save_review(assignment=assignment, scores=form.scores(), comment=form.cleaned_data["comment"],
                                 submit="submit" in request.POST, by=request.user)
            messages.success(request, _("Your review is submitted.") if "submit" in request.POST else _("Saved."))
            return redirect("my-work")
        except services.ProgramsError as exc:
            _error(request, exc)
    return render(request, "programs/review_form.html", {
        "application": application, "call": application.call, "form": form, "review": existing,
        "conflict_form": ConflictDeclarationForm()})


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
    settings_form = AssignmentSettingsForm(initial={
        "reviews_per_application": call.reviews_per_application,
        "max_reviews_per_reviewer": call.max_reviews_per_reviewer})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_reviewer":
                panel_form = PanelForm(request.POST, call=call)
                if panel_form.is_valid():
                    member = panel_form.save(commit=False)
                    member.call = call
                    member.save()
                    return redirect("call-assignment", pk=call.pk)
            elif action == "run":
                settings_form = AssignmentSettingsForm(request.POST)
                if settings_form.is_valid():
                    call.reviews_per_application = settings_form.cleaned_data["reviews_per_application"]
                    call.max_reviews_per_reviewer = settings_form.cleaned_data["max_reviews_per_reviewer"]
                    call.save()
                    kind = request.POST.get("kind") if request.POST.get("kind") in RunKind.values else RunKind.ASSIGN
                    assigning.queue_assignment(call=call, by=request.user, kind=kind)
                    return redirect("call-assignment", pk=call.pk)
            elif action == "drop":
                member = get_object_or_404(CallReviewer, call=call, pk=request.POST.get("member"))
                assigning.drop_reviewer(member=member, by=request.user)
                return redirect("call-assignment", pk=call.pk)
            elif action == "assign":
                application = get_object_or_404(Application, call=call, pk=request.POST.get("application"))
                reviewer = get_object_or_404(User, pk=request.POST.get("reviewer"))
                assigning.add_manual_assignment(application=application, reviewer=reviewer, by=request.user)
                return redirect("call-assignment", pk=call.pk)
            elif action == "remove":
                pair = get_object_or_404(ReviewAssignment, application__call=call, pk=request.POST.get("assignment"))
                assigning.remove_assignment(assignment=pair, by=request.user)
                return redirect("call-assignment", pk=call.pk)
        except services.ProgramsError as exc:
            _error(request, exc)
    applications = list(call.applications.filter(status=ApplicationStatus.SUBMITTED).select_related(
        "organisation", "created_by").prefetch_related("assignments__reviewer", "assignments__review"))
    panel = list(call.panel.select_related("user"))
    conflicts = conflict_map(applications, [m.user_id for m in panel if m.is_active])
    loads = dict(ReviewAssignment.objects.filter(application__call=call).values_list("reviewer").annotate(
        n=Count("pk")))
    return render(request, "programs/assignment.html", {
        "call": call, "program": call.program, "panel": [(m, loads.get(m.user_id, 0)) for m in panel],
        "applications": applications, "conflict_count": len(conflicts), "panel_form": panel_form,
        "settings_form": settings_form, "run": call.assignment_runs.first(),
        "active_reviewers": [m.user for m in panel if m.is_active],
    })


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
    return render(request, "programs/ranking.html", {
        "call": call, "program": call.program, "criteria": criteria, "rows": rows, "outcomes": Outcome.choices})


# ---------------------------------------------------------------- decisions, cohorts, mentoring


@login_required
def decision_templates(request: HttpRequest, slug: str, outcome: str = Outcome.ACCEPT) -> HttpResponse:
    program = get_object_or_404(Program, slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    require(request.user, "programs.change_program", program, hide=True)
    if outcome not in Outcome.values:
        raise Http404
    template = services.decision_template(program=program, outcome=outcome)
    form = DecisionTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The e-mail template is saved."))
        return redirect("decision-templates", slug=program.slug, outcome=outcome)
    return render(request, "programs/decision_templates.html", {
        "program": program, "form": form, "outcome": outcome, "outcomes": Outcome.choices})


@login_required
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program", "call"), pk=pk)
    require(request.user, "programs.view_cohort", cohort, hide=True)
    manages = request.user.has_perm("programs.change_cohort", cohort)
    form = MentorMatchingForm(request.POST or None)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if form.is_valid():
            mentors = list(User.objects.filter(roles__role=Role.MENTOR, roles__program=cohort.program, is_active=True)
                           .distinct())
            try:
                made = assigning.match_mentors(cohort=cohort, mentors=mentors, by=request.user,
                                               per_startup=form.cleaned_data["mentors_per_startup"],
                                               max_mentees=form.cleaned_data["max_mentees"])
                messages.success(request, _("%(count)s mentor pairs created.") % {"count": made})
            except services.ProgramsError as exc:
                _error(request, exc)
            return redirect("cohort-detail", pk=cohort.pk)
    members = cohort.members.select_related("organisation").prefetch_related("mentorships__mentor")
    return render(request, "programs/cohort_detail.html", {
        "cohort": cohort, "program": cohort.program, "members": members, "manages": manages, "form": form})


@login_required
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_object_or_404(Mentorship.objects.select_related("member__cohort__program", "mentor",
                                                                     "member__organisation"), pk=pk)
    require(request.user, "programs.view_mentorship", mentorship, hide=True)
    can_log = request.user.has_perm("programs.log_session", mentorship)
    form = SessionForm(request.POST or None)
    if request.method == "POST":
        if not can_log:
            raise PermissionDenied
        if form.is_valid():
            services.log_session(mentorship=mentorship, form=form, by=request.user)
            messages.success(request, _("The session is logged."))
            return redirect("mentorship-detail", pk=mentorship.pk)
    return render(request, "programs/mentorship_detail.html", {
        "mentorship": mentorship, "sessions": mentorship.sessions.select_related("logged_by"), "form": form,
        "can_log": can_log})


@login_required
def call_edit_by_pk(request: HttpRequest, pk: int) -> HttpResponse:
    call = _call(request, pk, "programs.change_call")
    return call_edit(request, call.program.slug, pk)
