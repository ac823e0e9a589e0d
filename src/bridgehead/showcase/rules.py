"""Who may read and handle the invitation requests of an event: the people who run it (site admins and the
managers of its program), the same rule as running the event (``partnering.manage_event``)."""

from __future__ import annotations

import rules

from bridgehead.partnering.rules import is_event_staff


@rules.predicate
def runs_requested_event(user, invitation) -> bool:
    return invitation is not None and is_event_staff(user, invitation.event)


rules.add_perm("showcase.view_invitation_requests", is_event_staff)  # on the Event
rules.add_perm("showcase.handle_invitation_request", runs_requested_event)  # on the InvitationRequest
