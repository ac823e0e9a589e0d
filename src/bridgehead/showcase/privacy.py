"""The showcase's share of privacy rights (``core.privacy``).

Export: the invitation requests sent from the public pages with one of the person's e-mail addresses.

Erase: those requests are only the visitor's (no one else's work relies on them), so they are deleted.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bridgehead.core.privacy import Collector, ExportPart, Step, Subject, as_row
from bridgehead.showcase.models import InvitationRequest


def _requests(subject: Subject) -> QuerySet[InvitationRequest]:
    emails = subject.emails()
    if not emails:
        return InvitationRequest.objects.none()
    match = Q()
    for email in emails:
        match |= Q(email__iexact=email)
    return InvitationRequest.objects.filter(match)


def export(subject: Subject) -> ExportPart:
    part = ExportPart()
    part.sections["invitation_requests"] = [
        as_row(r, exclude=("handled_by",), extra={"event": r.event.title})
        for r in _requests(subject).select_related("event").order_by("pk")
    ]
    return part


def erase(subject: Subject) -> list[Step]:
    deleted, _by_model = _requests(subject).delete()
    return [Step("showcase", deleted, _("invitation requests deleted"))] if deleted else []


COLLECTOR = Collector(app="showcase", export=export, erase=erase)
