"""Partnering events: sessions and slots, participants and their availability, meeting requests, meetings,
schedule runs, check-in and feedback.

Every time is stored in UTC. Sessions are entered in the event's local time and turned into UTC slots once
(``services.build_slots``), so an event that spans a daylight-saving change has the right instants, and each
viewer sees them in their own zone. Requests never reserve slots: only accepted meetings are scheduled, by
the optimiser, and a published schedule changes only through ``services.publish_run``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bridgehead.core.bilingual import bilingual
from bridgehead.core.fields import WebAddressField
from bridgehead.core.models import validate_time_zone
from bridgehead.core.runs import BackgroundRun, one_active_run
from bridgehead.partnering.enums import (
    FEEDBACK_COMMENT_MAX,
    REQUEST_MESSAGE_MAX,
    Attendance,
    EventStatus,
    MeetingMode,
    MeetingStatus,
    RequestStatus,
    UnplacedReason,
)
from bridgehead.programs.models import Program
from bridgehead.registry.models import Organisation, Person

DEFAULT_ALLOWED_PAIRS = [
    "startup:investor",
    "startup:company",
    "startup:hospital",
    "startup:university",
    "startup:agency",
    "startup:government",
    "investor:company",
    "company:hospital",
]


def _token() -> str:
    return secrets.token_urlsafe(24)


def new_calendar_token() -> str:
    """A fresh secret for a participant's calendar-feed address (192 random bits)."""
    return _token()


class Event(models.Model):
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="events", verbose_name=_("program")
    )
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    title_ko = models.CharField(_("title (Korean)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    venue_ko = models.CharField(_("venue (Korean)"), max_length=300, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=300, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    slot_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=30)
    tables = models.PositiveIntegerField(_("tables per slot"), default=20)
    virtual_allowed = models.BooleanField(_("virtual meetings allowed"), default=True)
    video_link_base = WebAddressField(
        _("video link base"), blank=True, help_text=_("Each virtual meeting gets this address plus its own code.")
    )
    allowed_pairs = models.JSONField(_("who may meet whom"), default=list, blank=True)
    request_quota = models.PositiveSmallIntegerField(_("requests each participant may send"), default=20)
    max_meetings = models.PositiveSmallIntegerField(_("meetings per participant at most"), default=16)
    request_deadline = models.DateTimeField(_("requests close"), null=True, blank=True)
    acceptance_deadline = models.DateTimeField(_("pending requests expire"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT)
    schedule_published_at = models.DateTimeField(_("schedule published"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("partnering event")
        verbose_name_plural = _("partnering events")
        constraints = [
            models.CheckConstraint(condition=~(Q(title_ko="") & Q(title_en="")), name="event_has_a_title"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="event_slot_at_least_5_minutes"),
        ]

    def __str__(self) -> str:
        return self.title

    title = bilingual("title")

    venue = bilingual("venue")

    @property
    def office_name(self) -> str:
        """Who signs the event's e-mails, in the active language: the program's office, else its organisers."""
        if self.program is not None:
            return self.program.office_name
        return gettext("%(event)s organisers") % {"event": self.title}

    @property
    def office_contact(self) -> str:
        return self.program.office_contact if self.program is not None else ""

    description = bilingual("description")

    def may_meet(self, kind_a: str, kind_b: str) -> bool:
        pairs = set(self.allowed_pairs or DEFAULT_ALLOWED_PAIRS)
        return f"{kind_a}:{kind_b}" in pairs or f"{kind_b}:{kind_a}" in pairs


class EventSession(models.Model):
    """A block of consecutive meeting slots on one day, in the event's local time."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event"))
    name_ko = models.CharField(_("name (Korean)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    date = models.DateField(_("date"))
    starts = models.TimeField(_("starts (local time)"))
    ends = models.TimeField(_("ends (local time)"))
    tables = models.PositiveIntegerField(
        _("tables"), null=True, blank=True, help_text=_("Leave empty to use the event's number.")
    )

    class Meta:
        ordering = ["event", "date", "starts"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="session_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.date} {self.starts:%H:%M}–{self.ends:%H:%M}"

    name = bilingual("name")


class Slot(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots", verbose_name=_("event"))
    session = models.ForeignKey(EventSession, on_delete=models.CASCADE, related_name="slots", verbose_name=_("session"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    tables = models.PositiveIntegerField(_("tables"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [models.UniqueConstraint(fields=["event", "starts_at"], name="one_slot_per_start")]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"


class Participant(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants", verbose_name=_("event"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="participations", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=20)
    language = models.CharField(_("profile language"), max_length=5, default="en")
    seeks = models.TextField(_("what we are looking for"), blank=True)
    offers = models.TextField(_("what we offer"), blank=True)
    # Intent codes of the matching engine's vocabulary (bridgehead.engines.match.intents), set with a picker;
    # the engine adds the intents it recognises in the texts.
    seeks_intents = models.JSONField(_("we are looking for"), default=list, blank=True)
    offers_intents = models.JSONField(_("we can offer"), default=list, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    max_meetings = models.PositiveSmallIntegerField(_("meetings at most"), null=True, blank=True)
    # Soft: the scheduler prefers slots inside these hours of the participant's own time zone (after the
    # number of meetings and the breaks), so someone joining from Seoul is not put at 03:00 when avoidable.
    preferred_start = models.TimeField(_("preferred hours from"), default=dt.time(8, 0))
    preferred_end = models.TimeField(_("preferred hours until"), default=dt.time(20, 0))
    unavailable = models.ManyToManyField(
        Slot, blank=True, related_name="unavailable_participants", verbose_name=_("unavailable slots")
    )
    calendar_token = models.CharField(max_length=64, default=_token, unique=True, editable=False)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["event", "organisation__name_en"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="one_participation_per_person")]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation})"


class Block(models.Model):
    """'No thanks': the two never see each other recommended again and cannot send each other requests."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("event"))
    by = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="blocks_made",
        verbose_name=pgettext_lazy("blocked by", "by"),
    )
    blocked = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="blocks_received", verbose_name=_("blocked")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [models.UniqueConstraint(fields=["by", "blocked"], name="one_block_per_pair")]

    def __str__(self) -> str:
        return f"{self.by} ⊘ {self.blocked}"


class MeetingRequest(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="requests", verbose_name=_("event"))
    sender = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="requests_sent", verbose_name=_("from")
    )
    recipient = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="requests_received", verbose_name=_("to")
    )
    message = models.TextField(_("message"), blank=True, max_length=REQUEST_MESSAGE_MAX)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.CheckConstraint(condition=~Q(sender=models.F("recipient")), name="no_request_to_oneself"),
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                name="one_open_request_per_pair",
                condition=Q(status__in=[RequestStatus.PENDING, RequestStatus.ACCEPTED]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient} ({self.get_status_display()})"


class Meeting(models.Model):
    """An accepted request. It gets a slot and a table (or a video link) from a published schedule."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("event"))
    request = models.OneToOneField(
        MeetingRequest, on_delete=models.PROTECT, related_name="meeting", verbose_name=_("request")
    )
    first = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="meetings_first", verbose_name=_("participant")
    )
    second = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="meetings_second", verbose_name=_("participant")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.UNSCHEDULED
    )
    slot = models.ForeignKey(
        Slot, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("slot")
    )
    table = models.PositiveIntegerField(_("table"), null=True, blank=True)
    mode = models.CharField(_("where"), max_length=20, choices=MeetingMode.choices, blank=True)
    video_link = WebAddressField(_("video link"), blank=True)
    pinned = models.BooleanField(
        _("pinned by staff"),
        default=False,
        help_text=_("A pinned meeting keeps its slot and table in every later solve."),
    )
    weight = models.FloatField(_("priority"), default=1.0)
    unplaced_reason = models.CharField(
        _("why it has no time"),
        max_length=30,
        choices=UnplacedReason.choices,
        blank=True,
        help_text=_("Set when a published schedule could not place the meeting; both sides were told."),
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slot__starts_at", "table"]
        # Outcome dashboards and KPIs count the rare statuses (checked in, no-show) across a program's events:
        # without the index each count reads every meeting (130 ms at 60,000 meetings, bench/load; 0.6 ms with).
        indexes = [models.Index(fields=["status"], name="meeting_status")]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table"],
                name="one_meeting_per_table_and_slot",
                condition=Q(table__isnull=False) & ~Q(status="cancelled"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first} × {self.second}"

    def partner_of(self, participant: Participant) -> Participant:
        return self.second if participant.pk == self.first_id else self.first


class Feedback(models.Model):
    """The two questions asked after a meeting; they feed the outcomes reports."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("meeting"))
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="feedback_given", verbose_name=_("participant")
    )
    valuable = models.BooleanField(_("Was it valuable?"))
    follow_up = models.BooleanField(_("Is a follow-up planned?"))
    comment = models.TextField(_("comment"), blank=True, max_length=FEEDBACK_COMMENT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("sent"), auto_now=True)

    class Meta:
        verbose_name = _("meeting feedback")
        verbose_name_plural = _("meeting feedback")
        constraints = [models.UniqueConstraint(fields=["meeting", "participant"], name="one_feedback_per_side")]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.participant}"


class Recommendation(models.Model):
    """A partner the matching engine recommends to a participant, with its reasons (structured, rendered
    in the viewer's language at display time)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="recommendations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="recommendations")
    partner = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["participant", "rank"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [models.UniqueConstraint(fields=["participant", "partner"], name="one_recommendation_per_pair")]

    def __str__(self) -> str:
        return f"{self.participant} → {self.partner} ({self.score:.2f})"


class ScheduleRun(BackgroundRun):
    """One solve. Its result stays here until a manager publishes it, so a crashed, cancelled or unpublished
    run never touches the published schedule. Its lifecycle (queue, claim, heartbeat, cancel, failure) is
    :class:`~bridgehead.core.runs.BackgroundRun`'s."""

    subject_field = "event"
    task_path = "bridgehead.partnering.tasks.solve_schedule"
    already_active_message = _("A schedule is already being computed for this event; wait for it or cancel it.")
    stale_message = _("The worker stopped answering; the published schedule was not changed.")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="runs", verbose_name=_("event"))
    time_limit = models.FloatField(_("time limit (seconds)"), default=20.0)
    objective = models.CharField(_("objective"), max_length=20, default="weight")
    # Hard rules relaxed at the manager's request after a run explained they cannot all hold.
    relax = models.JSONField(_("relaxed rules"), default=list, blank=True)
    # What the solver reports while it works: phase, meetings placed so far, bound, breaks, seconds.
    solver_progress = models.JSONField(_("solver progress"), default=dict, blank=True)
    stats = models.JSONField(_("result"), default=dict, blank=True)
    solution = models.JSONField(default=dict, blank=True, editable=False)
    diagnostics = models.JSONField(default=dict, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta(BackgroundRun.Meta):
        ordering = ["-created_at"]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")
        constraints = [one_active_run("event", name="one_active_run_per_event")]

    def __str__(self) -> str:
        return f"{self.event} · {self.created_at:%Y-%m-%d %H:%M} · {self.get_status_display()}"
