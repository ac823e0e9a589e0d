"""The showcase's two domain actions: a visitor asks to be invited to an event, and its staff mark it handled."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgehead.core import notifications
from bridgehead.core.actions import domain_action
from bridgehead.core.enums import Role
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import User
from bridgehead.core.permissions import require
from bridgehead.partnering.models import Event
from bridgehead.showcase import public
from bridgehead.showcase.models import InvitationRequest

NOTICE = _("%(name)s (%(organisation)s) asks to be invited to %(event)s.")


def event_staff(event: Event) -> list[User]:
    """Who receives the request in their inbox: the managers of the event's program, or the site admins when
    the program has none (a request nobody reads would be worse than one more notice)."""
    managers = list(
        User.objects.filter(roles__role=Role.PROGRAM_MANAGER, roles__program_id=event.program_id).distinct()
    )
    if managers:
        return managers
    return list(User.objects.filter(roles__role=Role.SITE_ADMIN).distinct())


@domain_action
def request_invitation(
    *, event: Event, name: str, organisation: str, email: str, message: str, language: str
) -> InvitationRequest:
    """Record a visitor's request (no account, so no actor) and leave a notice with the event's staff, in the
    same transaction: a request that is not saved notifies nobody."""
    if not public.events().filter(pk=event.pk).exists():
        raise Refused(
            "showcase.event.not_open", _("This event does not take invitation requests."), kind=Kind.NOT_FOUND
        )
    invitation = InvitationRequest.objects.create(
        event=event, name=name, organisation=organisation, email=email, message=message, language=language
    )
    url = reverse("showcase-invitations", kwargs={"slug": event.slug})
    for user in event_staff(event):
        notifications.notify(
            user=user,
            message=NOTICE,
            params={"name": name, "organisation": organisation, "event": event.title},
            url=url,
            kind="invitation",
        )
    return invitation


@domain_action
def mark_handled(*, invitation: InvitationRequest, by: User) -> InvitationRequest:
    """A staff member answered the visitor (by e-mail, outside the platform): the request leaves the to-do list."""
    require(by, "showcase.handle_invitation_request", invitation)
    locked = InvitationRequest.objects.select_for_update().get(pk=invitation.pk)
    if locked.handled_at is not None:
        raise Refused(
            "showcase.invitation.already_handled",
            _("This request was already marked handled."),
            kind=Kind.CONFLICT,
        )
    locked.handled_at = timezone.now()
    locked.handled_by = by
    locked.save(update_fields=["handled_at", "handled_by"])
    return locked
