"""The programs app's share of privacy rights (``core.privacy``).

Export: applications the person started (answers, history, the files they uploaded, copied into the archive),
reviews they wrote with their scores, declared conflicts, review panels, mentorships and mentoring sessions
they logged, and the decision e-mails addressed to them.

Erase: applications belong to the startup, and decided ones are the program's record, so they stay, with the
person's e-mail address and names replaced by "[erased]" wherever an answer repeats them; their files stay
with the application. Submitted reviews stay, so rankings and decisions do not move; the reviewer shows as
"Former user". Like a reviewer dropping out, their panel places end and their unsubmitted assignments go
(a manager re-runs the assignment to fill them). Decision e-mails still waiting in an outbox are discarded
(there is no address left to send them to); sent ones keep their text with the person's names redacted.
Mentorships and sessions stay with the startup.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from bridgehead.core.privacy import Collector, ExportPart, Step, Subject, as_row, redact_text
from bridgehead.programs.enums import MessageStatus, ReviewStatus
from bridgehead.programs.models import (
    Application,
    ApplicationFile,
    CallReviewer,
    ConflictDeclaration,
    DecisionMessage,
    MentoringSession,
    Mentorship,
    Review,
    ReviewAssignment,
)


def export(subject: Subject) -> ExportPart:
    part = ExportPart()
    user = subject.user
    if user is None:
        return part
    applications = Application.objects.filter(created_by=user).select_related("call", "organisation").order_by("pk")
    part.sections["applications"] = [
        as_row(
            application,
            extra={
                "call": application.call.title,
                "organisation": application.organisation.name,
                "history": [as_row(event, exclude=("application",)) for event in application.history.all()],
            },
        )
        for application in applications
    ]
    files = ApplicationFile.objects.filter(uploaded_by=user).order_by("pk")
    part.sections["application_files"] = []
    for upload in files:
        path = f"applications/{upload.application_id}/{upload.field_key}-{upload.pk}-{_safe(upload.original_name)}"
        part.sections["application_files"].append(as_row(upload, extra={"archive_path": f"files/{path}"}))
        part.files.append((path, upload.file))
    reviews = Review.objects.filter(assignment__reviewer=user).select_related("assignment__application__call")
    part.sections["reviews"] = [
        as_row(
            review,
            extra={
                "application_id": review.assignment.application_id,
                "call": review.assignment.application.call.title,
                "scores": [as_row(score, exclude=("review",)) for score in review.scores.all()],
            },
        )
        for review in reviews.order_by("pk")
    ]
    part.sections["review_assignments"] = [
        as_row(a) for a in ReviewAssignment.objects.filter(reviewer=user).order_by("pk")
    ]
    part.sections["declared_conflicts"] = [
        as_row(c) for c in ConflictDeclaration.objects.filter(reviewer=user).order_by("pk")
    ]
    part.sections["review_panels"] = [as_row(p) for p in CallReviewer.objects.filter(user=user).order_by("pk")]
    part.sections["mentorships"] = [as_row(m) for m in Mentorship.objects.filter(mentor=user).order_by("pk")]
    part.sections["mentoring_sessions"] = [
        as_row(s) for s in MentoringSession.objects.filter(logged_by=user).order_by("pk")
    ]
    part.sections["decision_emails"] = [
        as_row(m) for m in DecisionMessage.objects.filter(recipient=user).order_by("pk")
    ]
    return part


def _safe(name: str) -> str:
    """A file name safe inside a ZIP on every system (the stored name may hold anything the uploader typed)."""
    cleaned = "".join(c if c.isalnum() or c in "._-" else "_" for c in name).strip("._")
    return cleaned[:80] or "file"


def erase(subject: Subject) -> list[Step]:
    user = subject.user
    if user is None:
        return []
    emails, names = subject.emails(), subject.names()
    redacted = 0
    for application in Application.objects.filter(created_by=user):
        answers = redact_text(application.answers, emails=emails, names=names)
        if answers != application.answers:
            Application.objects.filter(pk=application.pk).update(answers=answers)
            redacted += 1
    kept_applications = Application.objects.filter(created_by=user).count()
    kept_reviews = Review.objects.filter(assignment__reviewer=user, status=ReviewStatus.SUBMITTED).count()
    open_assignments = (
        ReviewAssignment.objects.filter(reviewer=user).exclude(review__status=ReviewStatus.SUBMITTED).delete()[0]
    )
    panels = CallReviewer.objects.filter(user=user, is_active=True).update(is_active=False, dropped_at=timezone.now())
    discarded = DecisionMessage.objects.filter(recipient=user, status=MessageStatus.QUEUED).update(
        status=MessageStatus.DISCARDED, to=""
    )
    sent = 0
    for message in DecisionMessage.objects.filter(recipient=user).exclude(status=MessageStatus.QUEUED):
        body = redact_text(message.body, emails=emails, names=names)
        subject_line = redact_text(message.subject, emails=emails, names=names)
        DecisionMessage.objects.filter(pk=message.pk).update(body=body, subject=subject_line, to="")
        sent += 1
    return [
        Step("programs", kept_applications, _("applications kept with their startup")),
        Step("programs", redacted, _("applications whose answers named them, redacted")),
        Step("programs", kept_reviews, _("submitted reviews kept, shown as by a former user")),
        Step("programs", open_assignments, _("unsubmitted review assignments removed")),
        Step("programs", panels, _("review panel places ended")),
        Step("programs", discarded, _("decision e-mails waiting in an outbox discarded")),
        Step("programs", sent, _("sent decision e-mails kept without their address and names")),
    ]


COLLECTOR = Collector(app="programs", export=export, erase=erase)
