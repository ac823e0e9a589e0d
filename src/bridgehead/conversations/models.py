"""Conversations: threads of messages between the people a partnering request, an application or an outcome
brings together.

A thread names its subject with explicit nullable foreign keys (one per kind, checked by a constraint) rather
than a generic relation: the database keeps them honest, the rules read them without a content-type lookup,
and a cascade from the subject reaches the thread like any other owned detail.

* ``meeting`` threads join the two participants of a meeting request and stay with the meeting it became
  (``Meeting.request`` is one-to-one, so the thread holds both).
* ``application`` and ``outcome`` threads join the startup's members (the organisation's verified members,
  whoever they are when a message is read) and the program's staff.

Who is in a thread is computed by the rules from the subject, never copied; :class:`ReadState` keeps, per
person, what they read and when they were last e-mailed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bridgehead.core.uploads import DOCUMENTS, AcceptedFile, RandomName, recorded

#: The longest message accepted (characters); long enough for a meeting agenda, short enough for a glance.
MAX_MESSAGE_LENGTH = 4000
MAX_REPORT_REASON = 1000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class ThreadKind(models.TextChoices):
    MEETING = "meeting", _("Meeting request")
    APPLICATION = "application", _("Application")
    OUTCOME = "outcome", _("Outcome")


class Thread(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ThreadKind.choices)
    request = models.OneToOneField(
        "partnering.MeetingRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
        verbose_name=_("meeting request"),
    )
    meeting = models.OneToOneField(
        "partnering.Meeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
        verbose_name=_("meeting"),
    )
    application = models.OneToOneField(
        "programs.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
        verbose_name=_("application"),
    )
    outcome = models.OneToOneField(
        "outcomes.Outcome",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
        verbose_name=_("outcome"),
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="thread_subject_matches_kind",
                condition=(
                    Q(
                        kind="meeting",
                        request__isnull=False,
                        application__isnull=True,
                        outcome__isnull=True,
                    )
                    | Q(
                        kind="application",
                        request__isnull=True,
                        meeting__isnull=True,
                        application__isnull=False,
                        outcome__isnull=True,
                    )
                    | Q(
                        kind="outcome",
                        request__isnull=True,
                        meeting__isnull=True,
                        application__isnull=True,
                        outcome__isnull=False,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("thread"))
    # SET_NULL: a message belongs to the conversation (the other side reads it) more than to its author's
    # account; erasure anonymises the account and the text, and a deleted account leaves "former user".
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="conversation_messages",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(_("sent"), db_index=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    erased = models.BooleanField(_("erased"), default=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"], name="message_thread_time")]

    def __str__(self) -> str:
        # Not the text: the audit log keeps each object's name, and a message's words must not outlive erasure.
        return f"message #{self.pk}"


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(
        _("file"),
        upload_to=RandomName("conversations"),
        validators=[AcceptedFile(DOCUMENTS, MAX_ATTACHMENT_BYTES)],
    )
    name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name, self.content_type = recorded(self.file, self.name, self.content_type)
        if self.file:
            self.size = self.file.size or 0
        super().save(*args, **kwargs)


class ReadState(models.Model):
    """One person's place in one thread: what they read, and the e-mail gate (at most one per hour)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    #: When a held-back e-mail is due (an hour after the last one); None when nothing is waiting.
    mail_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_read_state_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.thread_id}"


class Block(models.Model):
    """A participant closed a thread to new messages, both ways; it stays readable."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("thread"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("blocked by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conversation block")
        verbose_name_plural = _("conversation blocks")
        constraints = [models.UniqueConstraint(fields=["thread", "by"], name="one_conversation_block_per_person")]

    def __str__(self) -> str:
        return f"{self.by_id} ⊘ {self.thread_id}"


class Report(models.Model):
    """A message someone in the thread reported to the event's or program's staff."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports", verbose_name=_("message"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("reported by")
    )
    reason = models.TextField(_("reason"), max_length=MAX_REPORT_REASON, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["message", "by"], name="one_report_per_person_and_message")]

    def __str__(self) -> str:
        return f"report #{self.pk}"
