"""Invitation requests sent from the public page of an upcoming partnering event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MESSAGE_LENGTH = 2000
MAX_NAME_LENGTH = 200


class InvitationRequest(models.Model):
    """Someone without an account asks the event's staff to be invited. It holds the visitor's own contact
    details, seen only by the event's staff; a staff member marks it handled once they answered."""

    event = models.ForeignKey(
        "partnering.Event",
        on_delete=models.CASCADE,
        related_name="invitation_requests",
        verbose_name=_("partnering event"),
    )
    name = models.CharField(_("name"), max_length=MAX_NAME_LENGTH)
    organisation = models.CharField(_("organisation"), max_length=MAX_NAME_LENGTH)
    email = models.EmailField(_("e-mail"))
    message = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        ordering = ["handled_at", "-created_at"]
        verbose_name = _("invitation request")
        verbose_name_plural = _("invitation requests")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation}) → {self.event}"
