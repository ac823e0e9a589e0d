"""Programs endpoints: calls, the caller's own applications and reviews, cohorts.

Decisions are not made through the API; they are read here only once released (sent from the outbox).

Same forms, services and permission rules as the pages: an application the caller may not see or an
unassigned (or conflicted) review answers 404; a refused change answers with the service's refusal, in the
one shape of every API refusal (``{"code", "detail", "field"}``, status by kind: ``bridgehead.api.urls``).
"""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bridgehead.api.errors import FormErrors, raise_for_form
from bridgehead.api.schemas import In, Mapped, Page
from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.http import require
from bridgehead.programs import limits, services
from bridgehead.programs.enums import ApplicationStatus, MemberStatus
from bridgehead.programs.forms import ApplicationForm
from bridgehead.programs.models import Application, Call, Cohort, CohortMember, Program, ReviewAssignment
from bridgehead.programs.rules import (
    RELEASED_MEMBER,
    can_see_program,
    member_organisation_ids,
    visible_calls,
    visible_members,
    visible_programs,
)
from bridgehead.registry.models import Organisation

router = Router(tags=["programs"])


class FieldOut(Schema):
    key: str
    kind: str
    label_ko: str
    label_en: str
    required: bool
    choices: list[dict]
    file_types: list[str]
    max_bytes: int


class CriterionOut(Schema):
    id: int
    name_ko: str
    name_en: str
    weight: float
    scale_min: int
    scale_max: int


class CallOut(Schema):
    id: int
    program: str = Field(..., alias="program.slug")
    slug: str
    title_ko: str
    title_en: str
    opens_at: datetime
    closes_at: datetime
    time_zone: str = Field(..., alias="program.time_zone")
    is_open: bool

    @staticmethod
    def resolve_is_open(obj: Call) -> bool:
        return obj.is_open()


class CallDetailOut(CallOut):
    eligibility_ko: str
    eligibility_en: str
    fields: list[FieldOut]
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_fields(obj: Call):
        return obj.fields.all()

    @staticmethod
    def resolve_criteria(obj: Call):
        return obj.criteria.all()


class ApplicationOut(Schema):
    """An application as its applicant may know it: a decision shows only once the program's manager has sent
    its e-mail from the outbox (until then the status stays "submitted"), as on the pages."""

    id: int
    call: int = Field(..., alias="call_id")
    organisation: str = Field(..., alias="organisation.slug")
    status: str = Field(..., alias="applicant_status")
    answers: dict
    submitted_at: datetime | None
    decision: str | None = None

    @staticmethod
    def resolve_decision(obj: Application) -> str | None:
        decision = getattr(obj, "decision", None)
        return decision.sent_outcome or None if decision else None


class ApplicationIn(In):
    organisation: str = Field(
        ..., max_length=Organisation._meta.get_field("slug").max_length, description="slug of your startup"
    )
    answers: dict = Field(default_factory=dict)


class AnswersIn(In):
    answers: dict


class ScoreIn(In):
    criterion: int
    value: int | None
    comment: str = Field("", max_length=limits.SCORE_COMMENT_MAX)


class ReviewIn(In):
    scores: list[ScoreIn]
    comment: str = Field("", max_length=limits.REVIEW_COMMENT_MAX)
    submit: bool = False


class ReviewOut(Schema):
    application: int
    organisation: str
    status: str
    weighted: float | None
    scores: dict[int, int]
    comment: str


class CohortMemberOut(Schema):
    organisation: str
    name_ko: str
    name_en: str
    status: str  # active | withdrawn (the decision was changed; mentoring history kept)


class CohortOut(Schema):
    id: int
    program: str
    year: int
    name_ko: str
    name_en: str
    members: list[CohortMemberOut]


def _application(request, application_id: int, perm: str = "programs.view_application") -> Application:
    """The application, or 404 when ``perm`` says the caller may not know it exists. Changes are refused by
    the services (``programs.change_application``), the same refusal the pages show."""
    application = get_object_or_404(
        Application.objects.select_related("call__program", "organisation"), pk=application_id
    )
    require(request.user, perm, application, hide=True)
    return application


def _save_answers(request, application: Application, answers: dict) -> Application:
    form = ApplicationForm(data=answers, call=application.call)
    unknown = sorted(set(answers) - set(form.fields))
    if unknown:  # dropped silently, a typo in a key would look like a saved answer
        raise FormErrors(
            [
                {
                    "loc": ["body", "payload", f"answers.{key}"],
                    "msg": str(_("This call asks no question with this key.")),
                    "type": "programs.answer.unknown_question",
                }
                for key in unknown
            ]
        )
    raise_for_form(form, field_map={k: f"answers.{k}" for k in form.fields})
    given = {k: v for k, v in form.answers().items() if k in answers}
    return services.save_application(application=application, answers=given, uploads={}, by=request.user)


@router.get("/calls", response=list[CallOut])
@paginate(Page)
def list_calls(request):
    return visible_calls(request.user, Call.objects.select_related("program")).order_by("-opens_at", "pk")


@router.get("/calls/{call_id}", response=CallDetailOut)
def get_call(request, call_id: int):
    call = get_object_or_404(Call.objects.select_related("program"), pk=call_id)
    require(request.user, "programs.view_call", call, hide=True)
    return call


@router.post("/calls/{call_id}/applications", response={201: ApplicationOut})
def create_application(request, call_id: int, payload: ApplicationIn):
    call = get_object_or_404(Call.objects.select_related("program"), pk=call_id)
    require(request.user, "programs.view_call", call, hide=True)
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None:
        raise Refused(
            "programs.application.unknown_startup",
            _("No organisation has this slug."),
            kind=Kind.INVALID,
            field="organisation",
        )
    application = services.start_application(call=call, organisation=organisation, by=request.user)
    if payload.answers:
        application = _save_answers(request, application, payload.answers)
    return Status(201, application)


@router.get("/applications", response=list[ApplicationOut])
@paginate(Page)
def list_applications(request):
    return (
        Application.objects.filter(organisation_id__in=member_organisation_ids(request.user))
        .select_related("organisation", "decision")
        .order_by("pk")
    )


@router.get("/applications/{application_id}", response=ApplicationOut)
def get_application(request, application_id: int):
    return _application(request, application_id, "programs.change_application")  # the caller's own


@router.patch("/applications/{application_id}", response=ApplicationOut)
def update_application(request, application_id: int, payload: AnswersIn):
    return _save_answers(request, _application(request, application_id), payload.answers)


@router.post("/applications/{application_id}/submit", response=ApplicationOut)
def submit_application(request, application_id: int):
    return services.submit_application(application=_application(request, application_id), by=request.user)


@router.post("/applications/{application_id}/withdraw", response=ApplicationOut)
def withdraw_application(request, application_id: int):
    return services.withdraw_application(application=_application(request, application_id), by=request.user)


def _review_out(assignment: ReviewAssignment) -> dict:
    review = getattr(assignment, "review", None)
    return {
        "application": assignment.application_id,
        "organisation": assignment.application.organisation.slug,
        "status": review.status if review else "not_started",
        "weighted": review.weighted if review else None,
        "scores": {s.criterion_id: s.value for s in review.scores.all()} if review else {},
        "comment": review.comment if review else "",
    }


@router.get("/reviews", response=list[ReviewOut])
@paginate(Page)
def list_reviews(request):
    assignments = ReviewAssignment.objects.filter(
        reviewer=request.user,
        application__call__program_id__in=roles.program_ids(request.user, Role.REVIEWER),
        application__status=ApplicationStatus.SUBMITTED,
    ).select_related("application__organisation", "review")
    return [_review_out(a) for a in assignments if request.user.has_perm("programs.review_application", a.application)]


@router.put("/reviews/{application_id}", response=ReviewOut)
def save_review(request, application_id: int, payload: ReviewIn):
    application = get_object_or_404(Application.objects.select_related("call"), pk=application_id)
    require(request.user, "programs.review_application", application, hide=True)
    assignment = get_object_or_404(ReviewAssignment, application=application, reviewer=request.user)
    services.save_review(
        assignment=assignment,
        scores={s.criterion: (s.value, s.comment) for s in payload.scores},
        comment=payload.comment,
        submit=payload.submit,
        by=request.user,
    )
    return _review_out(
        ReviewAssignment.objects.select_related("application__organisation", "review").get(pk=assignment.pk)
    )


@router.get("/cohorts", response=list[CohortOut])
@paginate(Page)
def list_cohorts(request):
    programs = visible_programs(request.user, Program.objects.all())
    mine = CohortMember.objects.filter(RELEASED_MEMBER, organisation_id__in=member_organisation_ids(request.user))
    cohorts = Cohort.objects.filter(program__in=programs) | Cohort.objects.filter(pk__in=mine.values("cohort_id"))

    def out(c: Cohort) -> dict:
        members = visible_members(request.user, c).select_related("organisation")
        return {
            "id": c.pk,
            "program": c.program.slug,
            "year": c.year,
            "name_ko": c.name_ko,
            "name_en": c.name_en,
            "members": [
                {
                    "organisation": m.organisation.slug,
                    "name_ko": m.organisation.name_ko,
                    "name_en": m.organisation.name_en,
                    # the outside sees only released members: active as far as it was told
                    "status": m.status if can_see_program(request.user, c.program) else MemberStatus.ACTIVE,
                }
                for m in members
            ],
        }

    return Mapped(cohorts.distinct().select_related("program").order_by("program__slug", "-year", "pk"), out)
