"""Who may see and do what at a partnering event: every "who may" rule of the app, in one place.

* Events: staff (site admins, the program managers of the event's program) run them. A published event is
  visible to everyone signed in, so partners can register; a draft only to its staff and participants (404
  for others).
* Participants: a person registers themselves (for an event they can see) or staff register them; a
  participant's own profile and availability are theirs, or staff's, to change.
* Requests: the participant behind a request sends and withdraws it; the invited participant answers it.
* Meetings: either side or staff check a meeting in, record a no-show or cancel it; only the two sides give
  feedback; only staff move a meeting by hand.

Services ask through :func:`bridgehead.core.permissions.require` with the acting user (``by``), passing
:data:`WHY_NOT` for the sentence a refused person reads; pages ask :func:`why_not` to explain a missing
button. Whether the *state* allows an action (a deadline, a full agenda) is the services' business.
"""

from __future__ import annotations

import rules
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bridgehead.core import permissions, roles
from bridgehead.core.enums import Role
from bridgehead.core.errors import Refused
from bridgehead.partnering.enums import EventStatus


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


@rules.predicate
def is_event_staff(user, event) -> bool:
    """Site admins and the program managers of the event's program run the event."""
    if event is None or not _signed_in(user):
        return False
    if roles.is_site_admin(user):
        return True
    return event.program_id is not None and event.program_id in roles.program_ids(user, Role.PROGRAM_MANAGER)


def _is_user(user, participant) -> bool:
    """Is ``participant`` (saved or about to be) this user's own registration?"""
    return participant is not None and _signed_in(user) and participant.person.user_id == user.pk


# --- events ------------------------------------------------------------------------------------------------


@rules.predicate
def is_published(user, event) -> bool:
    return event is not None and event.status != EventStatus.DRAFT


@rules.predicate
def is_participant(user, event) -> bool:
    return event is not None and event.participants.filter(person__user_id=user.pk).exists()


# --- participants ------------------------------------------------------------------------------------------


@rules.predicate
def is_self(user, participant) -> bool:
    return _is_user(user, participant)


@rules.predicate
def runs_participants_event(user, participant) -> bool:
    return participant is not None and is_event_staff(user, participant.event)


@rules.predicate
def event_is_open_to_register(user, participant) -> bool:
    return participant is not None and participant.event.status != EventStatus.DRAFT


# --- requests ----------------------------------------------------------------------------------------------


@rules.predicate
def is_recipient(user, request) -> bool:
    return request is not None and _is_user(user, request.recipient)


@rules.predicate
def is_sender(user, request) -> bool:
    return request is not None and _is_user(user, request.sender)


# --- meetings ----------------------------------------------------------------------------------------------


@rules.predicate
def is_side(user, meeting) -> bool:
    return meeting is not None and (_is_user(user, meeting.first) or _is_user(user, meeting.second))


@rules.predicate
def runs_meetings_event(user, meeting) -> bool:
    return meeting is not None and is_event_staff(user, meeting.event)


rules.add_perm("partnering.view_event", rules.is_authenticated & (is_published | is_event_staff | is_participant))
rules.add_perm("partnering.manage_event", is_event_staff)
# On a Participant, saved or not yet: registering someone for ``participant.event``.
rules.add_perm("partnering.register_participant", (is_self & event_is_open_to_register) | runs_participants_event)
rules.add_perm("partnering.change_participant", is_self | runs_participants_event)
rules.add_perm("partnering.rotate_calendar_token", is_self | runs_participants_event)
rules.add_perm("partnering.send_request", is_self)  # on the sending Participant
rules.add_perm("partnering.accept_request", is_recipient)
rules.add_perm("partnering.decline_request", is_recipient)
rules.add_perm("partnering.withdraw_request", is_sender)
rules.add_perm("partnering.check_in", is_side | runs_meetings_event)
rules.add_perm("partnering.record_no_show", is_side | runs_meetings_event)
rules.add_perm("partnering.cancel_meeting", is_side | runs_meetings_event)
rules.add_perm("partnering.give_feedback", is_side)
rules.add_perm("partnering.move_meeting", runs_meetings_event)

# What a refused person reads for each permission (else the generic "You do not have permission to do this.").
WHY_NOT: dict[str, Promise] = {
    "partnering.register_participant": _("You can register only yourself for this event."),
    "partnering.change_participant": _("Only the participant or the event staff can change this registration."),
    "partnering.rotate_calendar_token": _("Only the participant or the event staff can renew this calendar address."),
    "partnering.send_request": _("You can send requests only as yourself."),
    "partnering.accept_request": _("Only the invited participant can accept this request."),
    "partnering.decline_request": _("Only the invited participant can decline this request."),
    "partnering.withdraw_request": _("Only the participant who sent this request can withdraw it."),
    "partnering.check_in": _("Only the two participants or the event staff can check this meeting in."),
    "partnering.record_no_show": _("Only the two participants or the event staff can record a no-show."),
    "partnering.cancel_meeting": _("Only the two participants or the event staff can cancel this meeting."),
    "partnering.give_feedback": _("Only the two participants can give feedback on this meeting."),
    "partnering.move_meeting": _("Only the event staff can move meetings by hand."),
}


def require(by, perm: str, obj=None) -> None:
    """Refuse unless ``by`` holds ``perm`` on ``obj`` (``permission.<perm>``, 403), saying why in words."""
    permissions.require(by, perm, obj, message=WHY_NOT.get(perm))


def why_not(by, perm: str, obj=None) -> Refused | None:
    """The refusal :func:`require` would raise, or None: for a page that hides a button it would refuse."""
    if by is None or not by.has_perm(perm, obj):
        return permissions.refusal(perm, WHY_NOT.get(perm))
    return None
