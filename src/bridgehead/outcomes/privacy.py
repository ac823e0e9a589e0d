"""The outcomes app's share of privacy rights (``core.privacy``).

Export: outcomes the person reported or confirmed (the organisation's figures as they stated them), the
status changes they made and the changes they proposed.

Erase: outcomes are the organisation's and feed the program's KPIs, so every one stays, evidence included;
the person shows as "Former user" wherever they reported, confirmed or proposed something.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from bridgehead.core.privacy import Collector, ExportPart, Step, Subject, as_row
from bridgehead.outcomes.models import ChangeProposal, Outcome, StatusChange


def _outcomes(subject: Subject):
    return Outcome.objects.filter(Q(reported_by=subject.user) | Q(confirmed_by=subject.user)).distinct()


def export(subject: Subject) -> ExportPart:
    part = ExportPart()
    user = subject.user
    if user is None:
        return part
    part.sections["outcomes"] = [
        as_row(o, extra={"organisation": o.organisation.name, "program": o.program.title})
        for o in _outcomes(subject).select_related("organisation", "program").order_by("pk")
    ]
    part.sections["status_changes"] = [as_row(c) for c in StatusChange.objects.filter(by=user).order_by("pk")]
    part.sections["change_proposals"] = [
        as_row(p) for p in ChangeProposal.objects.filter(proposed_by=user).order_by("pk")
    ]
    return part


def erase(subject: Subject) -> list[Step]:
    if subject.user is None:
        return []
    kept = _outcomes(subject).count()
    return [Step("outcomes", kept, _("outcomes kept with the organisation, shown as by a former user"))]


COLLECTOR = Collector(app="outcomes", export=export, erase=erase)
