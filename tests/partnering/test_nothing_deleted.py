"""Partnering deletes never take meetings with them (issue 13): removing a session whose slots hold meetings
is refused with a code, instead of the database's ProtectedError (a server error before the fix)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bridgehead.partnering import services
from bridgehead.partnering.forms import EventForm, SessionFormSet
from bridgehead.partnering.models import EventSession, Meeting
from tests.partnering.factories import refused

pytestmark = pytest.mark.django_db


def _edit_data(event) -> dict:
    """The event form as the page shows it, ready to post back."""
    form, sessions = EventForm(instance=event), SessionFormSet(instance=event)
    data: dict = {}
    for part in (form, sessions.management_form, *sessions.forms):
        for name in part.fields:
            bound = part[name]
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = list(value)
            else:
                data[bound.html_name] = bound.field.widget.format_value(value) or ""
    return data


@pytest.fixture
def booked(fair):
    meeting = fair["meeting"]
    session = fair["event"].sessions.get()
    if meeting.slot_id is None:
        meeting.slot = session.slots.first()
        meeting.save(update_fields=["slot"])
    return session, meeting


@pytest.mark.parametrize("status", ["scheduled", "cancelled"])
def test_removing_a_session_with_booked_meetings_is_refused_on_the_page(client, fair, booked, status):
    session, meeting = booked
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    client.force_login(fair["manager"])
    data = _edit_data(fair["event"])
    data["sessions-0-DELETE"] = "on"

    response = client.post(reverse("event-edit", args=[fair["event"].slug]), data, follow=True)

    assert response.status_code == 200
    assert 'data-refusal-code="partnering.event.slots_in_use"' in response.content.decode()
    assert EventSession.objects.filter(pk=session.pk).exists()
    assert Meeting.objects.get(pk=meeting.pk).slot_id is not None


def test_the_refusal_names_what_depends_on_the_session(fair, booked):
    session, _meeting = booked
    with refused("partnering.event.slots_in_use") as caught:
        services.check_sessions_removable(event=fair["event"], sessions=[session], by=fair["manager"])
    assert "1 × Meetings" in caught.value.params["dependants"]


def test_an_empty_session_can_still_be_removed(client, fair, booked):
    session, _meeting = booked
    empty = EventSession.objects.create(
        event=fair["event"], date=session.date.replace(day=2), starts=session.starts, ends=session.ends
    )
    services.check_sessions_removable(event=fair["event"], sessions=[empty], by=fair["manager"])


def test_another_events_manager_is_refused(fair, booked):
    """Second tenant: the manager of another program's event cannot even ask about ours."""
    session, _meeting = booked
    with refused("permission.partnering.manage_event"):
        services.check_sessions_removable(event=fair["event"], sessions=[session], by=fair["other_manager"])
