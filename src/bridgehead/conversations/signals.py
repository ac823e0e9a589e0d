"""A meeting request opens its conversation: the thread exists from the moment the request does, with the
request's note as its first message, and it joins the meeting the request becomes."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from bridgehead.conversations.models import Thread
from bridgehead.conversations.services import ensure_request_thread
from bridgehead.partnering.models import Meeting, MeetingRequest


@receiver(post_save, sender=MeetingRequest, dispatch_uid="conversations.request_opens_thread")
def request_opens_thread(sender, instance: MeetingRequest, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        ensure_request_thread(instance)


@receiver(post_save, sender=Meeting, dispatch_uid="conversations.meeting_keeps_thread")
def meeting_keeps_thread(sender, instance: Meeting, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        Thread.objects.filter(request_id=instance.request_id, meeting__isnull=True).update(meeting=instance)
