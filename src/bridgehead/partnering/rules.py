"""Who may see and run a partnering event.

Staff (site admins, the program managers of the event's program) run it. A published event is visible to
everyone signed in, so partners can register; a draft is visible only to its staff (404 for others).
Participant-level checks (my requests, my agenda) are made in the services against the participant row.
"""

import rules

from bridgehead.partnering.enums import EventStatus


@rules.predicate
def is_event_staff(user, event) -> bool:
    from bridgehead.partnering.services import is_event_staff as check

    return event is not None and getattr(user, "is_authenticated", False) and check(user, event)


@rules.predicate
def is_published(user, event) -> bool:
    return event is not None and event.status != EventStatus.DRAFT


@rules.predicate
def is_participant(user, event) -> bool:
    return event is not None and event.participants.filter(person__user_id=user.pk).exists()


rules.add_perm("partnering.view_event", rules.is_authenticated & (is_published | is_event_staff | is_participant))
rules.add_perm("partnering.manage_event", is_event_staff)
