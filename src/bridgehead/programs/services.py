"""Programs domain logic: calls, applications, conflicts, reviews, decisions, cohorts and mentoring.

Every state-changing function is a domain action (:func:`~bridgehead.core.actions.domain_action`): it takes
keyword-only arguments, checks the acting user ``by`` against the app's rules (``programs/rules.py``) with
:func:`~bridgehead.core.permissions.require`, makes its whole change in one transaction (django-auditlog
records the field changes, naming ``by``) and queues mail only after commit. A refused change raises
:class:`~bridgehead.core.errors.Refused` with a ``programs.<thing>.<reason>`` code. Pages and the API call
these same functions. Reviewer and mentor assignment lives in :mod:`bridgehead.programs.assignment`.
"""

from __future__ import annotations

import hashlib
import re
import zoneinfo

from django.core.files.base import ContentFile
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bridgehead.core import uploads
from bridgehead.core.actions import after_commit, domain_action
from bridgehead.core.deletion import refuse_if_protected
from bridgehead.core.enums import Role
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.mail import absolute_url, recipient_name, send_after_commit, tidy
from bridgehead.core.models import User
from bridgehead.core.notifications import notify
from bridgehead.core.permissions import require
from bridgehead.programs import limits
from bridgehead.programs.assignment import drop_unsubmitted
from bridgehead.programs.enums import (
    ApplicationStatus,
    FieldKind,
    HistoryAction,
    MemberStatus,
    MessageStatus,
    Outcome,
    ReviewStatus,
)
from bridgehead.programs.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    Call,
    CallReviewer,
    Cohort,
    CohortMember,
    ConflictDeclaration,
    Criterion,
    Decision,
    DecisionMessage,
    DecisionTemplate,
    FormField,
    MentoringSession,
    Mentorship,
    Program,
    Review,
    ReviewAssignment,
    Score,
)
from bridgehead.programs.rules import ONLY_OUTBOX_MANAGERS, ONLY_OWN_STARTUP, member_organisation_ids
from bridgehead.programs.scoring import weighted_score
from bridgehead.programs.uploads import CONTENT_TYPES
from bridgehead.registry.enums import OrganisationKind
from bridgehead.registry.models import Organisation

# ---------------------------------------------------------------- programs and calls


@domain_action
def save_program(*, form, by: User) -> Program:
    require(by, "programs.change_program", form.instance)
    return form.save()


@domain_action
def save_call(*, form, by: User) -> Call:
    require(by, "programs.change_program", form.program)
    call = form.save(commit=False)
    call.program = form.program
    call.save()
    return call


@domain_action
def save_form_field(*, form, by: User) -> FormField:
    require(by, "programs.change_call", form.call)
    return form.save()


def answered_applications(field: FormField):
    """Applications past the draft stage that answered ``field`` (a value or a file): the startups' work."""
    return (
        Application.objects.filter(call_id=field.call_id)
        .exclude(status=ApplicationStatus.DRAFT)
        .filter(Q(answers__has_key=field.key) | Q(files__field_key=field.key))
        .distinct()
    )


@domain_action
def delete_form_field(*, field: FormField, by: User) -> None:
    """Remove a question. Refused once a submitted application answered it: the answer would vanish from
    the application its reviewers and managers read (the question can still be reworded or made optional)."""
    require(by, "programs.change_call", field.call)
    answered = answered_applications(field).count()
    if answered:
        raise Refused(
            "programs.form.field_answered",
            ngettext(
                "%(count)s submitted application answered “%(field)s”; the question cannot be deleted.",
                "%(count)s submitted applications answered “%(field)s”; the question cannot be deleted.",
                answered,
            )
            % {"count": answered, "field": field.label},
        )
    field.delete()


#: What a scored criterion may not change: its weight and scale decide every weighted score already given.
RUBRIC_SCORING_FIELDS = ("weight", "scale_min", "scale_max")


def rubric_is_locked(call: Call) -> bool:
    """A call's rubric is locked as soon as any review (draft or submitted) exists for it: adding, removing,
    reweighting or rescaling a criterion would change — or silently leave stale — scores reviewers gave."""
    return Review.objects.filter(assignment__application__call=call).exists()


def _lock_rubric(call: Call) -> None:
    """Serialise rubric changes with the call's first review (``save_review`` takes the same row lock), so a
    criterion is never changed or removed while a review of it is being started."""
    list(Call.objects.select_for_update().filter(pk=call.pk).values_list("pk", flat=True))


def _refuse_locked_rubric(call: Call, what) -> None:
    if rubric_is_locked(call):
        raise Refused(
            "programs.rubric.locked",
            gettext_lazy(
                "The rubric is locked because reviews have started: %(what)s would change the scores reviewers "
                "already gave. Names and descriptions can still be corrected."
            ),
            params={"what": what},
        )


@domain_action
def save_criterion(*, form, call: Call, by: User) -> Criterion:
    """Add or change a rubric line. Once reviews exist only its wording and order may change."""
    require(by, "programs.change_call", call)
    _lock_rubric(call)
    criterion = form.save(commit=False)
    if criterion.pk is None:
        _refuse_locked_rubric(call, gettext_lazy("adding a criterion"))
    else:
        stored = Criterion.objects.select_for_update().get(pk=criterion.pk)
        if any(getattr(stored, f) != getattr(criterion, f) for f in RUBRIC_SCORING_FIELDS):
            _refuse_locked_rubric(call, gettext_lazy("changing a weight or a scale"))
    criterion.call = call
    criterion.save()
    return criterion


@domain_action
def delete_criterion(*, criterion: Criterion, by: User) -> None:
    """Remove a rubric line while no review exists; its scores would go with it otherwise (they are
    protected in the database too: ``Score.criterion`` is PROTECT)."""
    require(by, "programs.change_call", criterion.call)
    _lock_rubric(criterion.call)
    _refuse_locked_rubric(criterion.call, gettext_lazy("removing a criterion"))
    refuse_if_protected(criterion, "programs.rubric.locked")
    criterion.delete()


@domain_action
def save_decision_template(*, form, by: User) -> DecisionTemplate:
    require(by, "programs.change_program", form.instance.program)
    return form.save()


# ---------------------------------------------------------------- the review panel


@domain_action
def add_panel_member(*, form, call: Call, by: User) -> CallReviewer:
    """Put a reviewer of the program on the call's panel (the form checks they are not on it already)."""
    require(by, "programs.assign_reviewers", call)
    member = form.save(commit=False)
    member.call = call
    member.save()
    return member


@domain_action
def save_assignment_settings(
    *, call: Call, reviews_per_application: int, max_reviews_per_reviewer: int, by: User
) -> Call:
    """How many reviews each application needs and each reviewer may carry (ranges: ``limits``, via the form)."""
    require(by, "programs.assign_reviewers", call)
    call.reviews_per_application = reviews_per_application
    call.max_reviews_per_reviewer = max_reviews_per_reviewer
    call.save()
    return call


# ---------------------------------------------------------------- applications


def deadline_text(call: Call, user: User) -> str:
    """The call's deadline in the user's own time zone, e.g. to explain a refused late submission."""
    zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    return f"{date_format(timezone.localtime(call.closes_at, zone), 'DATETIME_FORMAT')} ({user.time_zone})"


def _log(application: Application, action: str, by: User | None, detail: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application, action=action, by=by, detail=detail[: limits.HISTORY_DETAIL_MAX]
    )


def startups_of(user: User):
    """Startups the user may apply for (``programs.apply_for``): startups where they are a member."""
    return Organisation.objects.filter(pk__in=member_organisation_ids(user), kind=OrganisationKind.STARTUP)


@domain_action
def start_application(*, call: Call, organisation: Organisation, by: User) -> Application:
    """Open (or return the existing) draft of ``organisation`` for ``call``."""
    require(by, "programs.apply_for", organisation, message=ONLY_OWN_STARTUP)
    if not call.is_open():
        raise Refused("programs.call.not_open", gettext_lazy("This call is not open for applications."))
    application, created = Application.objects.get_or_create(
        call=call, organisation=organisation, defaults={"created_by": by}
    )
    if created:
        _log(application, HistoryAction.CREATED, by)
    return application


def _check_editable(application: Application, by: User) -> None:
    """The state refusals of a change to an application (who may change it is ``programs.change_application``)."""
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise Refused(
            "programs.application.not_editable",
            gettext_lazy("This application can no longer be changed (%(status)s)."),
            params={"status": application.get_applicant_status_display()},
        )
    if timezone.now() >= application.call.closes_at:
        raise Refused(
            "programs.application.closed",
            gettext_lazy("The call closed on %(deadline)s; applications can no longer be changed."),
            params={"deadline": deadline_text(application.call, by)},
        )


@domain_action
def save_application(*, application: Application, answers: dict, uploads: dict, by: User) -> Application:
    """Store answers (and files already checked by the form) — a draft, or an edit before the deadline."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    require(by, "programs.change_application", application)
    _check_editable(application, by)
    keys = {f.key for f in application.call.fields.all()}
    application.answers = {**application.answers, **{k: v for k, v in answers.items() if k in keys}}
    application.save()
    for key, upload in uploads.items():
        _store_file(application, key, upload, by)
    edited = application.status == ApplicationStatus.SUBMITTED
    _log(application, HistoryAction.EDITED if edited else HistoryAction.SAVED, by)
    return application


def _store_file(application: Application, key: str, upload, by: User) -> ApplicationFile:
    upload.seek(0)
    content = upload.read()
    kind = upload.sniffed_type
    existing = ApplicationFile.objects.filter(application=application, field_key=key).first()
    if existing is not None:
        old_file = existing.file
        after_commit(lambda: old_file.delete(save=False))
        existing.delete()
    stored = ApplicationFile(
        application=application,
        field_key=key,
        original_name=uploads.clean_name(upload.name or ""),
        content_type=CONTENT_TYPES[kind],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    stored.file.save("upload", ContentFile(content), save=False)
    stored.save()
    _log(application, HistoryAction.FILE_ADDED, by, stored.original_name)
    return stored


def missing_answers(application: Application) -> list[FormField]:
    files = set(application.files.values_list("field_key", flat=True))
    missing = []
    for field in application.call.fields.filter(required=True):
        if field.kind == FieldKind.FILE:
            if field.key not in files:
                missing.append(field)
            continue
        value = application.answers.get(field.key)
        if value in (None, "", []):
            missing.append(field)
    return missing


@domain_action
def submit_application(*, application: Application, by: User) -> Application:
    """Submit before the deadline (checked here, on the server, against the stored close time)."""
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    require(by, "programs.change_application", application)
    if application.status == ApplicationStatus.SUBMITTED:
        raise Refused("programs.application.already_submitted", gettext_lazy("This application was already submitted."))
    if application.status != ApplicationStatus.DRAFT:
        raise Refused(
            "programs.application.not_submittable",
            gettext_lazy("This application can no longer be submitted (%(status)s)."),
            params={"status": application.get_status_display()},
        )
    if timezone.now() >= application.call.closes_at:
        raise Refused(
            "programs.application.closed",
            gettext_lazy("The deadline has passed: the call closed on %(deadline)s."),
            params={"deadline": deadline_text(application.call, by)},
        )
    missing = missing_answers(application)
    if missing:
        raise Refused(
            "programs.application.incomplete",
            gettext_lazy("Please answer the required questions: %(fields)s."),
            kind=Kind.INVALID,
            params={"fields": ", ".join(str(f.label) for f in missing)},
        )
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    application.save()
    _log(application, HistoryAction.SUBMITTED, by)
    return application


@domain_action
def withdraw_application(*, application: Application, by: User) -> Application:
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    require(by, "programs.change_application", application)
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise Refused(
            "programs.application.not_withdrawable",
            gettext_lazy("This application can no longer be withdrawn (%(status)s)."),
            params={"status": application.get_applicant_status_display()},
        )
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save()
    _log(application, HistoryAction.WITHDRAWN, by)
    return application


# ---------------------------------------------------------------- conflicts


@domain_action
def declare_conflict(*, application: Application, reviewer: User, reason: str, by: User) -> ConflictDeclaration:
    """Record a conflict; an assignment without a submitted review is withdrawn so it can be filled again.

    A reviewer declares their own (``programs.declare_conflict``); the call's managers may record one for a
    reviewer of the panel (``programs.assign_reviewers``)."""
    if reviewer.pk == by.pk:
        require(by, "programs.declare_conflict", application)
    else:
        require(by, "programs.assign_reviewers", application.call)
    declaration, _created = ConflictDeclaration.objects.get_or_create(
        application=application,
        reviewer=reviewer,
        defaults={"reason": reason[: limits.CONFLICT_REASON_MAX], "declared_by": by},
    )
    drop_unsubmitted(ReviewAssignment.objects.filter(application=application, reviewer=reviewer))
    return declaration


# ---------------------------------------------------------------- reviews


@domain_action
def save_review(
    *, assignment: ReviewAssignment, scores: dict[int, tuple[int | None, str]], comment: str, submit: bool, by: User
) -> Review:
    """Save (or submit) a review. Scores outside a criterion's scale are refused whatever the client sent.

    Only the assigned reviewer, still a reviewer of the program and without a conflict, writes it
    (``programs.write_review``)."""
    require(by, "programs.write_review", assignment)
    application = assignment.application
    if application.status != ApplicationStatus.SUBMITTED:
        raise Refused(
            "programs.review.not_open",
            gettext_lazy("This application is not open for review (%(status)s)."),
            params={"status": application.get_status_display()},
        )
    if not Review.objects.filter(assignment=assignment).exists():
        _lock_rubric(application.call)  # the first review locks the rubric: wait for a change in flight
    criteria = list(application.call.criteria.all())
    known = {c.pk: c for c in criteria}
    unknown = set(scores) - set(known)
    if unknown:
        raise Refused(
            "programs.review.unknown_criterion", gettext_lazy("Unknown criterion."), kind=Kind.INVALID, field="scores"
        )
    for cid, (value, _comment) in scores.items():
        criterion = known[cid]
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            raise Refused(
                "programs.review.score_out_of_range",
                gettext_lazy("The score for “%(criterion)s” must be between %(low)s and %(high)s."),
                kind=Kind.INVALID,
                field=f"score_{cid}",
                params={"criterion": criterion.name, "low": criterion.scale_min, "high": criterion.scale_max},
            )
    if submit:
        missing = [c.name for c in criteria if scores.get(c.pk, (None, ""))[0] is None]
        if missing:
            raise Refused(
                "programs.review.incomplete",
                gettext_lazy("Score every criterion before submitting: %(criteria)s."),
                kind=Kind.INVALID,
                params={"criteria": ", ".join(missing)},
            )
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    for cid, (value, note) in scores.items():
        if value is None:
            Score.objects.filter(review=review, criterion_id=cid).delete()
            continue
        # The criterion object, not its id: a new score then has it at hand for its audit entry's "criterion:
        # value" text, instead of one query per score (four per review, 480 when the demo is loaded).
        Score.objects.update_or_create(review=review, criterion=known[cid], defaults={"value": value, "comment": note})
    review.comment = comment
    values = dict(review.scores.values_list("criterion_id", "value"))
    review.weighted = weighted_score(criteria, values) if set(values) >= set(known) and criteria else None
    if submit:
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = timezone.now()
    review.save()
    return review


# ---------------------------------------------------------------- decisions and cohorts

PLACEHOLDER = re.compile(r"\{(startup|call|program|name)\}")


def default_template_texts(outcome: str) -> dict[str, str]:
    """Starting texts for a program's decision letters, written in each language (the manager edits them).

    Only the subject and the body proper: the letter around them (수신, greeting, the link, the closing and the
    office that signs, with its contact) is ``programs/email/decision_letter.txt``, so every letter keeps the
    form a Korean public body's letter has whatever the manager writes.
    """
    out = {}
    for lang in ("ko", "en"):
        with translation.override(lang):
            subject = {
                Outcome.ACCEPT: _("{program}: {startup} is selected"),
                Outcome.WAITLIST: _("{program}: {startup} is on the waiting list"),
                Outcome.REJECT: _("{program}: result of your application"),
            }[Outcome(outcome)]
            body = {
                Outcome.ACCEPT: _(
                    "We are pleased to inform you that {startup} has been selected for {call}. "
                    "We will write to you shortly about the program schedule and the agreement to sign."
                ),
                Outcome.WAITLIST: _(
                    "We would like to inform you that {startup} is on the waiting list for {call}. "
                    "Should a place become available, we will contact you at once."
                ),
                Outcome.REJECT: _(
                    "Thank you for applying to {call}. We regret to inform you that {startup} was not "
                    "selected this time. We hope you will apply to our future calls."
                ),
            }[Outcome(outcome)]
            out[f"subject_{lang}"], out[f"body_{lang}"] = str(subject), str(body)
    return out


def decision_template(*, program, outcome: str) -> DecisionTemplate:
    template, _created = DecisionTemplate.objects.get_or_create(
        program=program, outcome=outcome, defaults=default_template_texts(outcome)
    )
    return template


def render_decision_email(*, decision: Decision, user: User) -> tuple[str, str]:
    """Subject and letter in the recipient's language; only the four known placeholders are replaced.

    The program's template gives the subject and the body; ``programs/email/decision_letter.txt`` sets them in
    a letter: in Korean the form of a public body's letter (수신, 제목, 본문, the link, "감사합니다.", "… 운영
    사무국 드림", 연락처), in English a business letter (Dear …, Sincerely, the office and its contact). The
    program's office signs (``Program.office_name``), not the program, and the link to the application is
    absolute.
    """
    application = decision.application
    program = application.call.program
    template = decision_template(program=program, outcome=decision.outcome)
    language = recipient_language(user)
    with translation.override(language):
        values = {
            "startup": application.organisation.name,
            "call": application.call.title,
            "program": program.title,
            "name": str(user),
        }
        subject = getattr(template, f"subject_{language}") or template.subject_en
        body = getattr(template, f"body_{language}") or template.body_en
        subject = PLACEHOLDER.sub(lambda m: values[m.group(1)], subject).replace("\n", " ")
        body = PLACEHOLDER.sub(lambda m: values[m.group(1)], body)
        letter = render_to_string(
            "programs/email/decision_letter.txt",
            {
                "subject": subject,
                "body": body.strip(),
                "note": decision.note.strip(),
                "name": recipient_name(user),
                "organisation": application.organisation.name,
                "office": program,
                "url": absolute_url(reverse("application-detail", args=[application.pk])),
            },
            using="text",
        )
    return subject, tidy(letter)


def recipient_language(user: User) -> str:
    return "ko" if (user.language or "en").startswith("ko") else "en"


def decision_recipients(application: Application) -> list[User]:
    members = User.objects.filter(
        roles__role=Role.STARTUP_MEMBER, roles__organisation=application.organisation, is_active=True
    )
    return list((members | User.objects.filter(pk=application.created_by_id)).distinct().order_by("pk"))


def cohort_for_call(call: Call) -> Cohort:
    year = timezone.localtime(call.closes_at, zoneinfo.ZoneInfo(call.program.time_zone)).year
    cohort, _created = Cohort.objects.get_or_create(
        call=call,
        defaults={
            "program": call.program,
            "year": year,
            "name_ko": f"{call.title_ko or call.title_en} 선정 기업",
            "name_en": f"{call.title_en or call.title_ko} cohort",
            "is_synthetic": call.is_synthetic,
        },
    )
    return cohort


def review_counts(application: Application) -> tuple[int, int]:
    """(submitted reviews, assigned reviewers) of an application."""
    assigned = application.assignments.count()
    done = application.assignments.filter(review__status=ReviewStatus.SUBMITTED).count()
    return done, assigned


def review_warning(application: Application) -> str | None:
    """Why deciding now is premature, or None: fewer reviews are complete than were assigned (worse while the
    call is still open, since more may come). A decision is still possible, but only when asked explicitly."""
    done, assigned = review_counts(application)
    if done >= assigned:
        return None
    count = ngettext(
        "Only %(done)s of %(assigned)s reviews is complete", "Only %(done)s of %(assigned)s reviews are complete", done
    ) % {"done": done, "assigned": assigned}
    if application.call.is_open():
        return _("%(count)s, and the call is still open. Confirm that you decide without the missing reviews.") % {
            "count": count
        }
    return _("%(count)s. Confirm that you decide without the missing reviews.") % {"count": count}


@domain_action
def decide(
    *, application: Application, outcome: str, note: str, by: User, despite_incomplete: bool = False
) -> Decision:
    """Record accept / waitlist / reject; accepted startups join the call's cohort. The applicant is NOT told
    here: the e-mails wait in the program's outbox until a manager sends them (:func:`send_messages`).

    Deciding with incomplete reviews is refused unless ``despite_incomplete`` says the manager saw the warning.
    """
    require(by, "programs.decide_application", application)
    if outcome not in Outcome.values:
        raise Refused(
            "programs.decision.unknown_outcome",
            gettext_lazy("Choose accept, waiting list or reject."),
            kind=Kind.INVALID,
            field="outcome",
        )
    application = (
        Application.objects.select_for_update().select_related("call__program", "organisation").get(pk=application.pk)
    )
    if application.status not in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
    ):
        raise Refused(
            "programs.decision.not_submitted",
            gettext_lazy("Only submitted applications can be decided (%(status)s)."),
            params={"status": application.get_status_display()},
        )
    warning = review_warning(application)
    if warning and not despite_incomplete:
        raise Refused("programs.decision.reviews_incomplete", warning, field="despite_incomplete")
    previous = Decision.objects.filter(application=application).first()
    unchanged = previous is not None and (previous.outcome, previous.note) == (outcome, note)
    decision, _created = Decision.objects.update_or_create(
        application=application,
        defaults={"outcome": outcome, "note": note, "decided_by": by, "decided_at": timezone.now()},
    )
    application.status = outcome
    application.save()
    effect = _join_cohort(application) if outcome == Outcome.ACCEPT else _leave_cohort(application)
    _log(application, HistoryAction.DECIDED, by, _decision_detail(outcome, previous, effect))
    if not (unchanged and decision.messages.filter(status=MessageStatus.QUEUED).exists()):
        _queue_decision_messages(decision=decision)
    return decision


def _join_cohort(application: Application) -> str:
    """Accepting makes the startup a member of the call's cohort; a member that had ended (the decision was
    changed away from "accepted" before) is reactivated as it was, mentorships and sessions included."""
    member, created = CohortMember.objects.select_for_update().get_or_create(
        cohort=cohort_for_call(application.call),
        organisation=application.organisation,
        defaults={"application": application},
    )
    if created or member.is_active:
        return ""
    member.status, member.ended_at, member.application = MemberStatus.ACTIVE, None, application
    member.save(update_fields=["status", "ended_at", "application"])
    return _("the startup rejoins the cohort with its mentoring history")


def _leave_cohort(application: Application) -> str:
    """Changing an acceptance ends the membership (withdrawn, dated) instead of deleting it: its mentorships
    and logged sessions are the mentors' work and stay readable; re-accepting reactivates the same member."""
    member = CohortMember.objects.select_for_update().filter(application=application).first()
    if member is None or not member.is_active:
        return ""
    member.status, member.ended_at = MemberStatus.WITHDRAWN, timezone.now()
    member.save(update_fields=["status", "ended_at"])
    mentorships = Mentorship.objects.filter(member=member).count()
    sessions = MentoringSession.objects.filter(mentorship__member=member).count()
    return _("cohort membership ended; %(mentorships)s and %(sessions)s kept") % {
        "mentorships": ngettext("%(n)s mentorship", "%(n)s mentorships", mentorships) % {"n": mentorships},
        "sessions": ngettext("%(n)s session", "%(n)s sessions", sessions) % {"n": sessions},
    }


def _decision_detail(outcome: str, previous: Decision | None, effect: str) -> str:
    """The history line of a decision: the outcome, what it replaced, and what it did to the cohort."""
    detail = str(Outcome(outcome).label)
    if previous is not None and previous.outcome != outcome:
        detail = _("%(outcome)s (was %(previous)s)") % {
            "outcome": detail,
            "previous": Outcome(previous.outcome).label,
        }
    if effect:
        detail = f"{detail}; {effect}"
    return detail[: limits.HISTORY_DETAIL_MAX]


def _queue_decision_messages(*, decision: Decision) -> list[DecisionMessage]:
    """Replace the decision's waiting e-mails with one per recipient, rendered in their language. Nothing is
    queued when the applicant was already told exactly this decision. Part of :func:`decide`'s transaction."""
    decision.messages.filter(status=MessageStatus.QUEUED).delete()
    if not decision.is_pending:
        return []
    queued = []
    for user in decision_recipients(decision.application):
        subject, body = render_decision_email(decision=decision, user=user)
        queued.append(
            DecisionMessage(
                decision=decision,
                program=decision.application.call.program,
                recipient=user,
                outcome=decision.outcome,
                note=decision.note,
                language=recipient_language(user),
                to=user.email or "",
                subject=subject[: limits.MESSAGE_SUBJECT_MAX],
                body=body,
            )
        )
    return DecisionMessage.objects.bulk_create(queued)


def _queued(program: Program, message_ids: list[int] | None):
    messages = DecisionMessage.objects.select_for_update(of=("self",)).filter(
        program=program, status=MessageStatus.QUEUED
    )
    return messages if message_ids is None else messages.filter(pk__in=message_ids)


@domain_action
def edit_message(*, message: DecisionMessage, subject: str, body: str, by: User) -> DecisionMessage:
    """The manager rewrites a waiting e-mail before it leaves."""
    require(by, "programs.manage_outbox", message.program, message=ONLY_OUTBOX_MANAGERS)
    subject, body = " ".join(subject.split())[: limits.MESSAGE_SUBJECT_MAX], body.strip()
    if not subject or not body:
        raise Refused(
            "programs.message.empty", gettext_lazy("An e-mail needs a subject and a body."), kind=Kind.INVALID
        )
    message = DecisionMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != MessageStatus.QUEUED:
        raise Refused(
            "programs.message.not_queued",
            gettext_lazy("This e-mail has already left the outbox (%(status)s)."),
            params={"status": message.get_status_display()},
        )
    if (message.subject, message.body.strip()) == (subject, body):
        return message  # nothing rewritten: not marked as edited
    message.subject, message.body = subject, body
    message.edited_by, message.edited_at = by, timezone.now()
    message.save()
    return message


@domain_action
def discard_messages(*, program: Program, message_ids: list[int] | None, by: User) -> int:
    """Take waiting e-mails out of the outbox without sending them; the decision itself stays recorded."""
    require(by, "programs.manage_outbox", program, message=ONLY_OUTBOX_MANAGERS)
    messages = list(_queued(program, message_ids))
    DecisionMessage.objects.filter(pk__in=[m.pk for m in messages]).update(status=MessageStatus.DISCARDED)
    return len(messages)


NOTICES = {
    Outcome.ACCEPT: gettext_lazy("%(startup)s is selected for %(call)s."),
    Outcome.WAITLIST: gettext_lazy("%(startup)s is on the waiting list for %(call)s."),
    Outcome.REJECT: gettext_lazy("The result of %(startup)s's application to %(call)s is ready."),
}


@domain_action
def send_messages(*, program: Program, message_ids: list[int] | None, by: User) -> int:
    """Send waiting decision e-mails of ``program`` (the given ones, or all with ``None``).

    In one transaction: each message is marked sent, its e-mail queued for after commit
    (``core.mail.send_after_commit``), its recipient notified in-app, and the decision released to the
    applicant (their pages and the API show it from now on). Returns how many messages were sent.
    """
    require(by, "programs.manage_outbox", program, message=ONLY_OUTBOX_MANAGERS)
    messages = list(
        _queued(program, message_ids).select_related(
            "recipient", "decision__application__call", "decision__application__organisation"
        )
    )
    now = timezone.now()
    released: dict[int, DecisionMessage] = {}
    for message in messages:
        message.status, message.sent_at, message.sent_by = MessageStatus.SENT, now, by
        message.save(update_fields=["status", "sent_at", "sent_by"])
        if message.to:
            send_after_commit(message.to, message.subject, message.body)
        application = message.decision.application
        with translation.override(message.language):
            params = {"startup": str(application.organisation.name), "call": str(application.call.title)}
        notify(
            user=message.recipient,
            message=NOTICES[Outcome(message.outcome)],
            params=params,
            url=reverse("application-detail", args=[application.pk]),
            kind="decision",
        )
        released[message.decision_id] = message
    for message in released.values():
        Decision.objects.filter(pk=message.decision_id).update(
            sent_outcome=message.outcome, sent_note=message.note, notified_at=now
        )
        _log(message.decision.application, HistoryAction.NOTIFIED, by, str(Outcome(message.outcome).label))
    return len(messages)


# ---------------------------------------------------------------- mentoring


@domain_action
def log_session(*, mentorship: Mentorship, form, by: User) -> MentoringSession:
    """Log a session. A mentorship whose startup left the cohort keeps its log, read-only."""
    require(by, "programs.log_session", mentorship)
    member = CohortMember.objects.get(pk=mentorship.member_id)
    if not member.is_active:
        raise Refused(
            "programs.mentorship.ended",
            gettext_lazy("%(startup)s left the cohort on %(date)s; its mentoring log is kept but closed."),
            params={"startup": str(member.organisation), "date": date_format(timezone.localdate(member.ended_at))},
        )
    session = form.save(commit=False)
    session.mentorship = mentorship
    session.logged_by = by
    session.save()
    return session
