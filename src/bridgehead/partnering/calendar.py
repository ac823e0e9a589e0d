"""iCalendar agendas. Each meeting keeps one UID forever and raises SEQUENCE on every change, so calendar
apps update the event they already have instead of adding a duplicate; a cancelled or unscheduled meeting
that was once sent stays in the feed as STATUS:CANCELLED so it disappears from people's calendars."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from bridgehead.partnering.enums import MeetingStatus
from bridgehead.partnering.models import Meeting, Participant

# What a page or a calendar shows of a meeting: its event, slot, and both sides' organisation and person.
AGENDA_RELATED = ("event", "slot", "first__organisation", "second__organisation", "first__person", "second__person")


def agenda_meetings(participant: Participant, *, related: tuple[str, ...] = AGENDA_RELATED) -> list[Meeting]:
    """The participant's meetings with a slot (or once sent), ordered by start; ``related`` rows loaded (the
    API lists ids and times only, so it asks for the slot alone, not six joined rows a meeting).

    The ids are read with two index look-ups (as first and as second participant) instead of one OR
    query, which PostgreSQL answers with a scan of every meeting of the event (60 ms at 60,000 meetings).
    The look-ups are unordered (``order_by()``): the model's default order by slot start would join every
    meeting's slot and sort, twice, only for the ids.
    """
    ids = list(Meeting.objects.filter(first=participant).order_by().values_list("pk", flat=True))
    ids += Meeting.objects.filter(second=participant).order_by().values_list("pk", flat=True)
    return list(Meeting.objects.filter(pk__in=ids).select_related(*related).order_by("slot__starts_at", "pk"))


def ical(participant: Participant, *, language: str | None = None) -> bytes:
    event = participant.event
    with translation.override(language or participant.language or "en"):
        calendar = Calendar()
        calendar.add("prodid", "-//Bridgehead//Partnering//EN")
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", f"{event.title} — {participant.organisation.name}")
        stamp = dt.datetime.now(dt.UTC)
        for meeting in agenda_meetings(participant):
            if meeting.slot is None and meeting.sequence == 0:
                continue  # never scheduled, never sent: nothing to show or to cancel
            partner = meeting.partner_of(participant)
            item = VEvent()
            item.add("uid", f"{meeting.uid}@bridgehead")
            item.add("sequence", meeting.sequence)
            item.add("dtstamp", stamp)
            item.add("summary", _("Meeting with %(name)s") % {"name": partner.organisation.name})
            if meeting.slot is not None:
                item.add("dtstart", meeting.slot.starts_at.astimezone(dt.UTC))
                item.add("dtend", meeting.slot.ends_at.astimezone(dt.UTC))
            else:
                item.add("dtstart", meeting.updated_at.astimezone(dt.UTC))
                item.add("dtend", meeting.updated_at.astimezone(dt.UTC) + dt.timedelta(minutes=event.slot_minutes))
            cancelled = meeting.status == MeetingStatus.CANCELLED or meeting.slot is None
            item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            if meeting.table:
                item.add("location", _("%(venue)s, table %(table)s") % {"venue": event.venue, "table": meeting.table})
            elif meeting.video_link:
                item.add("location", meeting.video_link)
                item.add("url", meeting.video_link)
            item.add(
                "description",
                _("%(person)s (%(organisation)s) — %(event)s")
                % {"person": partner.person.name, "organisation": partner.organisation.name, "event": event.title},
            )
            calendar.add_component(item)
        return calendar.to_ical()
