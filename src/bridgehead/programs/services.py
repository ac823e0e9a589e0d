"""Programs domain logic: calls, applications, conflicts, reviews, decisions, cohorts and mentoring.

Every function takes keyword-only arguments, makes its whole change in one transaction (django-auditlog
records the field changes) and queues mail only after commit. Pages and the API call these same functions.
Reviewer and mentor assignment lives in :mod:`bridgehead.programs.assignment`.
"""

from __future__ import annotations

import hashlib
import re
import zoneinfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.core.models import User
from bridgehead.programs.conflicts import conflicts_between
from bridgehead.programs.enums import (
    ApplicationStatus,
    FieldKind,
    HistoryAction,
    MessageStatus,
    Outcome,
    ReviewStatus,
)
from bridgehead.programs.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    Call,
    Cohort,
    CohortMember,
    ConflictDeclaration,
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
from bridgehead.programs.scoring import weighted_score
from bridgehead.programs.uploads import CONTENT_TYPES
from bridgehead.registry.enums import OrganisationKind
from bridgehead.registry.models import Organisation


class ProgramsError(Exception):
    """A refused change; the message is for the person who asked, in their language."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------- programs and calls


def save_program(*, form, by: User):
    with transaction.atomic():
        program = form.save()
    return program


def save_call(*, form, by: User) -> Call:
    with transaction.atomic():
        call = form.save(commit=False)
        call.program = form.program
        call.save()
    return call


def save_form_field(*, form, by: User) -> FormField:
    with transaction.atomic():
        return form.save()


def save_criterion(*, form, call: Call, by: User):
    with transaction.atomic():
        criterion = form.save(commit=False)
        criterion.call = call
        criterion.save()
    return criterion


# ---------------------------------------------------------------- applications


def deadline_text(call: Call, user: User) -> str:
    """The call's deadline in the user's own time zone, e.g. to explain a refused late submission."""
    zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    return f"{date_format(timezone.localtime(call.closes_at, zone), 'DATETIME_FORMAT')} ({user.time_zone})"


def _log(application: Application, action: str, by: User | None, detail: str = "") -> None:
    ApplicationEvent.objects.create(application=application, action=action, by=by, detail=detail[:300])


def startups_of(user: User):
    """Startups the user may apply for: organisations of kind startup where they are a startup member."""
    ids = {g.organisation_id for g in roles.grants(user) if g.role == Role.STARTUP_MEMBER and g.organisation_id}
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.STARTUP)


def start_application(*, call: Call, organisation: Organisation, by: User) -> Application:
    """Open (or return the existing) draft of ``organisation`` for ``call``."""
    if not startups_of(by).filter(pk=organisation.pk).exists():
        raise ProgramsError(_("You can only apply for a startup you are a member of."))
    if not call.is_open():
        raise ProgramsError(_("This call is not open for applications."))
    with transaction.atomic():
        application, created = Application.objects.get_or_create(
            call=call, organisation=organisation, defaults={"created_by": by}
        )
        if created:
            _log(application, HistoryAction.CREATED, by)
    return application


def _check_editable(application: Application, by: User) -> None:
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise ProgramsError(
            _("This application can no longer be changed (%(status)s).")
            % {"status": application.get_applicant_status_display()}
        )
    if timezone.now() >= application.call.closes_at:
        raise ProgramsError(
            _("The call closed on %(deadline)s; applications can no longer be changed.")
            % {"deadline": deadline_text(application.call, by)}
        )


def save_application(*, application: Application, answers: dict, uploads: dict, by: User) -> Application:
    """Store answers (and files already checked by the form) — a draft, or an edit before the deadline."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
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
        transaction.on_commit(lambda: old_file.delete(save=False))
        existing.delete()
    stored = ApplicationFile(
        application=application,
        field_key=key,
        original_name=(upload.name or "upload")[:255],
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


def submit_application(*, application: Application, by: User) -> Application:
    """Submit before the deadline (checked here, on the server, against the stored close time)."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        if application.status == ApplicationStatus.SUBMITTED:
            raise ProgramsError(_("This application was already submitted."))
        if application.status != ApplicationStatus.DRAFT:
            raise ProgramsError(
                _("This application can no longer be submitted (%(status)s).")
                % {"status": application.get_status_display()}
            )
        if timezone.now() >= application.call.closes_at:
            raise ProgramsError(
                _("The deadline has passed: the call closed on %(deadline)s.")
                % {"deadline": deadline_text(application.call, by)}
            )
        missing = missing_answers(application)
        if missing:
            raise ProgramsError(
                _("Please answer the required questions: %(fields)s.") % {"fields": ", ".join(f.label for f in missing)}
            )
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = timezone.now()
        application.save()
        _log(application, HistoryAction.SUBMITTED, by)
    return application


def withdraw_application(*, application: Application, by: User) -> Application:
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
            raise ProgramsError(
                _("This application can no longer be withdrawn (%(status)s).")
                % {"status": application.get_applicant_status_display()}
            )
        application.status = ApplicationStatus.WITHDRAWN
        application.withdrawn_at = timezone.now()
        application.save()
        _log(application, HistoryAction.WITHDRAWN, by)
    return application


# ---------------------------------------------------------------- conflicts


def declare_conflict(*, application: Application, reviewer: User, reason: str, by: User) -> ConflictDeclaration:
    """Record a conflict; an assignment without a submitted review is withdrawn so it can be filled again."""
    with transaction.atomic():
        declaration, _created = ConflictDeclaration.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"reason": reason[:300], "declared_by": by}
        )
        ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exclude(
            review__status=ReviewStatus.SUBMITTED
        ).delete()
    return declaration


# ---------------------------------------------------------------- reviews


def save_review(
    *, assignment: ReviewAssignment, scores: dict[int, tuple[int | None, str]], comment: str, submit: bool, by: User
) -> Review:
    """Save (or submit) a review. Scores outside a criterion's scale are refused whatever the client sent."""
    application = assignment.application
    if assignment.reviewer_id != by.pk:
        raise ProgramsError(_("This review is assigned to someone else."))
    if conflicts_between(application, by):
        raise ProgramsError(_("You have a conflict of interest with this application."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise ProgramsError(
            _("This application is not open for review (%(status)s).") % {"status": application.get_status_display()}
        )
    criteria = list(application.call.criteria.all())
    known = {c.pk: c for c in criteria}
    unknown = set(scores) - set(known)
    if unknown:
        raise ProgramsError(_("Unknown criterion."), field="scores")
    for cid, (value, _comment) in scores.items():
        criterion = known[cid]
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            raise ProgramsError(
                _("The score for “%(criterion)s” must be between %(low)s and %(high)s.")
                % {"criterion": criterion.name, "low": criterion.scale_min, "high": criterion.scale_max},
                field=f"score_{cid}",
            )
    if submit:
        missing = [c.name for c in criteria if scores.get(c.pk, (None, ""))[0] is None]
        if missing:
            raise ProgramsError(
                _("Score every criterion before submitting: %(criteria)s.") % {"criteria": ", ".join(missing)}
            )
    with transaction.atomic():
        review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
        for cid, (value, note) in scores.items():
            if value is None:
                Score.objects.filter(review=review, criterion_id=cid).delete()
                continue
            Score.objects.update_or_create(review=review, criterion_id=cid, defaults={"value": value, "comment": note})
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
    """Starting texts for a program's decision e-mails, written in each language (the manager edits them)."""
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
                    "Dear {name},\n\nCongratulations: {startup} has been selected for {call}. "
                    "We will contact you shortly about the program schedule.\n\n{program}"
                ),
                Outcome.WAITLIST: _(
                    "Dear {name},\n\n{startup} is on the waiting list for {call}. We will let you "
                    "know if a place becomes available.\n\n{program}"
                ),
                Outcome.REJECT: _(
                    "Dear {name},\n\nThank you for applying to {call}. We regret that {startup} "
                    "was not selected this time.\n\n{program}"
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
    """Subject and body in the recipient's language; only the four known placeholders are replaced. The body
    ends with an absolute link to the application, where the decision can be read."""
    from bridgehead.core.mail import absolute_url

    application = decision.application
    template = decision_template(program=application.call.program, outcome=decision.outcome)
    language = recipient_language(user)
    with translation.override(language):
        values = {
            "startup": application.organisation.name,
            "call": application.call.title,
            "program": application.call.program.title,
            "name": str(user),
        }
        subject = getattr(template, f"subject_{language}") or template.subject_en
        body = getattr(template, f"body_{language}") or template.body_en
        subject = PLACEHOLDER.sub(lambda m: values[m.group(1)], subject).replace("\n", " ")
        body = PLACEHOLDER.sub(lambda m: values[m.group(1)], body)
        if decision.note:
            body += "\n\n" + _("Note from the program:") + "\n" + decision.note
        body += "\n\n" + _("Your application and the decision: %(url)s") % {
            "url": absolute_url(reverse("application-detail", args=[application.pk]))
        }
    return subject, body


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


def decide(
    *, application: Application, outcome: str, note: str, by: User, despite_incomplete: bool = False
) -> Decision:
    """Record accept / waitlist / reject; accepted startups join the call's cohort. The applicant is NOT told
    here: the e-mails wait in the program's outbox until a manager sends them (:func:`send_messages`).

    Deciding with incomplete reviews is refused unless ``despite_incomplete`` says the manager saw the warning.
    """
    if outcome not in Outcome.values:
        raise ProgramsError(_("Choose accept, waiting list or reject."), field="outcome")
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("call__program", "organisation")
            .get(pk=application.pk)
        )
        if application.status not in (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.WAITLISTED,
            ApplicationStatus.REJECTED,
        ):
            raise ProgramsError(
                _("Only submitted applications can be decided (%(status)s).")
                % {"status": application.get_status_display()}
            )
        warning = review_warning(application)
        if warning and not despite_incomplete:
            raise ProgramsError(warning, field="despite_incomplete")
        previous = Decision.objects.filter(application=application).first()
        unchanged = previous is not None and (previous.outcome, previous.note) == (outcome, note)
        decision, _created = Decision.objects.update_or_create(
            application=application,
            defaults={"outcome": outcome, "note": note, "decided_by": by, "decided_at": timezone.now()},
        )
        application.status = outcome
        application.save()
        _log(application, HistoryAction.DECIDED, by, str(Outcome(outcome).label))
        if outcome == Outcome.ACCEPT:
            CohortMember.objects.get_or_create(
                cohort=cohort_for_call(application.call),
                organisation=application.organisation,
                defaults={"application": application},
            )
        else:
            CohortMember.objects.filter(application=application).delete()
        if not (unchanged and decision.messages.filter(status=MessageStatus.QUEUED).exists()):
            queue_decision_messages(decision=decision)
    return decision


def queue_decision_messages(*, decision: Decision) -> list[DecisionMessage]:
    """Replace the decision's waiting e-mails with one per recipient, rendered in their language. Nothing is
    queued when the applicant was already told exactly this decision."""
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
                subject=subject[:300],
                body=body,
            )
        )
    return DecisionMessage.objects.bulk_create(queued)


def _require_outbox_manager(program: Program, by: User) -> None:
    if not by.has_perm("programs.change_program", program):
        raise ProgramsError(_("Only the program's managers can handle its decision e-mails."))


def _queued(program: Program, message_ids: list[int] | None):
    messages = DecisionMessage.objects.select_for_update(of=("self",)).filter(
        program=program, status=MessageStatus.QUEUED
    )
    return messages if message_ids is None else messages.filter(pk__in=message_ids)


def edit_message(*, message: DecisionMessage, subject: str, body: str, by: User) -> DecisionMessage:
    """The manager rewrites a waiting e-mail before it leaves."""
    _require_outbox_manager(message.program, by)
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise ProgramsError(_("An e-mail needs a subject and a body."))
    with transaction.atomic():
        message = DecisionMessage.objects.select_for_update().get(pk=message.pk)
        if message.status != MessageStatus.QUEUED:
            raise ProgramsError(
                _("This e-mail has already left the outbox (%(status)s).") % {"status": message.get_status_display()}
            )
        if (message.subject, message.body.strip()) == (subject[:300], body):
            return message  # nothing rewritten: not marked as edited
        message.subject, message.body = subject[:300], body
        message.edited_by, message.edited_at = by, timezone.now()
        message.save()
    return message


def discard_messages(*, program: Program, message_ids: list[int] | None, by: User) -> int:
    """Take waiting e-mails out of the outbox without sending them; the decision itself stays recorded."""
    _require_outbox_manager(program, by)
    with transaction.atomic():
        messages = list(_queued(program, message_ids))
        DecisionMessage.objects.filter(pk__in=[m.pk for m in messages]).update(status=MessageStatus.DISCARDED)
    return len(messages)


NOTICES = {
    Outcome.ACCEPT: gettext_lazy("%(startup)s is selected for %(call)s."),
    Outcome.WAITLIST: gettext_lazy("%(startup)s is on the waiting list for %(call)s."),
    Outcome.REJECT: gettext_lazy("The result of %(startup)s's application to %(call)s is ready."),
}


def send_messages(*, program: Program, message_ids: list[int] | None, by: User) -> int:
    """Send waiting decision e-mails of ``program`` (the given ones, or all with ``None``).

    In one transaction: each message is marked sent, its e-mail queued for after commit, its recipient
    notified in-app, and the decision released to the applicant (their pages and the API show it from now on).
    Returns how many messages were sent.
    """
    from bridgehead.core.mail import send_after_commit
    from bridgehead.core.notifications import notify

    _require_outbox_manager(program, by)
    with transaction.atomic():
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


def log_session(*, mentorship: Mentorship, form, by: User) -> MentoringSession:
    with transaction.atomic():
        session = form.save(commit=False)
        session.mentorship = mentorship
        session.logged_by = by
        session.save()
    return session
