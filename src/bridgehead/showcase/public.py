"""What the public showcase may show: every page reads through these functions, so the rule is in one place.

* An **agreement** is public when a site admin turned on ``Agreement.is_public`` (off by default). Its title,
  place, date, summary, signatories and commitments are then public: the signatories made the agreement in
  public, so they are named without a separate consent.
* A **program** is public when ``Program.is_public`` is on *and* its agreement is public.
* A **startup** (or counterparty) is named only while its organisation has a current
  ``registry.PublicListingConsent`` — given and withdrawn by its admin members on the organisation's page;
  a withdrawal takes effect on the next page load (nothing is cached).
* An **outcome** is shown when it belongs to a public program, is confirmed, not lost, its startup consents,
  and the outcomes app's own public rule (``outcomes.reports.named_in(..., public=True)``, the rule of the
  public PDF) would name it — so a confidential outcome never appears, not even as an amount.
* An **event** is shown when it is published, belongs to a public program and its first day has not passed
  in its own time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from bridgehead.agreements.models import Agreement
from bridgehead.outcomes.dashboards import Row
from bridgehead.outcomes.enums import OutcomeStatus
from bridgehead.outcomes.models import Outcome
from bridgehead.outcomes.reports import named_in
from bridgehead.partnering.enums import EventStatus
from bridgehead.partnering.models import Event
from bridgehead.programs.enums import MemberStatus
from bridgehead.programs.models import Program
from bridgehead.registry.models import Organisation, consenting_organisation_ids


def agreements() -> QuerySet[Agreement]:
    return Agreement.objects.filter(is_public=True).order_by("-signed_at")


def programs(agreement: Agreement | None = None) -> QuerySet[Program]:
    found = Program.objects.filter(is_public=True, agreement__is_public=True).select_related("agreement")
    return found.filter(agreement=agreement) if agreement is not None else found


def startups(program_ids) -> QuerySet[Organisation]:
    """Consenting organisations that are (still) active members of a cohort of these programs."""
    return (
        Organisation.objects.filter(
            pk__in=consenting_organisation_ids(),
            cohort_memberships__status=MemberStatus.ACTIVE,
            cohort_memberships__cohort__program_id__in=program_ids,
        )
        .distinct()
        .prefetch_related("sectors")
        .order_by("name_en", "name_ko")
    )


def outcomes(program_ids) -> list[Outcome]:
    """Confirmed outcomes of consenting startups that the public version of a report would name."""
    candidates = (
        Outcome.objects.filter(
            program_id__in=program_ids,
            confirmed_at__isnull=False,
            organisation_id__in=consenting_organisation_ids(),
        )
        .exclude(status=OutcomeStatus.LOST)
        .select_related("organisation", "counterparty", "program")
        .order_by("-occurred_on", "-pk")
    )
    consenting = set(consenting_organisation_ids().values_list("organisation_id", flat=True))
    shown = [o for o in candidates if named_in(Row(o, named=True), public=True)]
    for outcome in shown:
        # A counterparty from the registry is named only with its own consent; otherwise the page says nothing
        # about who it was (the free-text label may name a company that never agreed).
        outcome.public_counterparty = outcome.counterparty if outcome.counterparty_id in consenting else None
    return shown


def events(program_ids=None, *, now: dt.datetime | None = None) -> QuerySet[Event]:
    """Published events of public programs whose first day has not passed where the event takes place.

    "Today" is the event's own (its venue's) date, not the viewer's: an event in San Diego stays announced all
    of its first day there, even when it is already the next day in Ulsan.
    """
    now = now or timezone.now()
    found = (
        Event.objects.filter(status=EventStatus.PUBLISHED, program__in=programs())
        .annotate(first_day=Min("sessions__date"), last_day=Max("sessions__date"))
        # Every time zone's today is at most one day before the UTC date: a cheap first cut in SQL.
        .filter(first_day__gte=now.astimezone(dt.UTC).date() - dt.timedelta(days=1))
    )
    if program_ids is not None:
        found = found.filter(program_id__in=program_ids)
    upcoming = [
        pk
        for pk, first_day, zone in found.values_list("pk", "first_day", "time_zone")
        if first_day >= now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    ]
    return found.filter(pk__in=upcoming).select_related("program").order_by("first_day", "pk")
