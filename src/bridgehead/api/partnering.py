"""Partnering endpoints: events, participants, recommendations, requests, meetings, agenda (JSON and iCal),
schedule runs.

Every endpoint calls the same services as the pages, which check who may act (``partnering/rules.py``).
A refusal reaches the API's one handler as ``{"code", "detail", "field"}``: 403 for a permission
(``permission.partnering.…``), 409 for a rule of the event's state (quota, deadline, block …), 422 for a
value it refuses — the same code the page flashes or shows. Objects the caller may not see answer 404.
"""

from datetime import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from bridgehead.api.schemas import In, Page
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.http import require
from bridgehead.partnering import calendar, recommending, scheduling, services
from bridgehead.partnering.enums import (
    REQUEST_MESSAGE_MAX,
    SOLVE_TIME_LIMIT_DEFAULT,
    SOLVE_TIME_LIMIT_MAX,
    SOLVE_TIME_LIMIT_MIN,
    Objective,
)
from bridgehead.partnering.models import Event, Meeting, MeetingRequest, Participant, ScheduleRun

router = Router(tags=["partnering"])


class EventOut(Schema):
    slug: str
    title_ko: str
    title_en: str
    time_zone: str
    status: str
    slot_minutes: int
    tables: int
    virtual_allowed: bool
    request_deadline: datetime | None
    acceptance_deadline: datetime | None
    schedule_published_at: datetime | None


class ParticipantOut(Schema):
    id: int
    organisation: str = Field(..., alias="organisation.slug")
    organisation_name: str = Field(..., alias="organisation.name")
    kind: str
    language: str
    attendance: str
    seeks: str
    offers: str


class RequestIn(In):
    recipient: int
    message: str = Field("", max_length=REQUEST_MESSAGE_MAX)


class RequestOut(Schema):
    id: int
    sender: int = Field(..., alias="sender_id")
    recipient: int = Field(..., alias="recipient_id")
    message: str
    status: str
    created_at: datetime


class MeetingOut(Schema):
    id: int
    uid: str
    first: int = Field(..., alias="first_id")
    second: int = Field(..., alias="second_id")
    status: str
    starts_at: datetime | None = Field(None, alias="slot.starts_at")
    ends_at: datetime | None = Field(None, alias="slot.ends_at")
    table: int | None
    mode: str
    video_link: str
    pinned: bool
    unplaced_reason: str = Field(
        "",
        description="Why a published schedule holds no time for it: no_common_slot, meeting_limit, "
        "no_free_common_slot; empty otherwise.",
    )

    @staticmethod
    def resolve_uid(obj: Meeting) -> str:
        return str(obj.uid)


class SolveIn(In):
    time_limit: float = Field(SOLVE_TIME_LIMIT_DEFAULT, ge=SOLVE_TIME_LIMIT_MIN, le=SOLVE_TIME_LIMIT_MAX)
    objective: Objective = Objective.WEIGHT


class RunOut(Schema):
    id: int
    status: str
    progress: dict
    stats: dict
    error: str
    published_at: datetime | None

    @staticmethod
    def resolve_progress(run) -> dict:
        return {**run.solver_progress, "fraction": run.progress}  # the solver's figures and the fraction done


def _event(request, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    require(request.user, "partnering.view_event", event, hide=True)
    return event


def _me(request, event: Event) -> Participant:
    me = services.participant_for(request.user, event)
    if me is None:
        raise Refused(
            "partnering.participant.not_registered", _("You are not a participant of this event."), kind=Kind.FORBIDDEN
        )
    return me


@router.get("/events", response=list[EventOut])
@paginate(Page)
def list_events(request):
    return [e for e in Event.objects.order_by("slug") if request.user.has_perm("partnering.view_event", e)]


@router.get("/events/{slug}", response=EventOut)
def get_event(request, slug: str):
    return _event(request, slug)


@router.get("/events/{slug}/participants", response=list[ParticipantOut])
@paginate(Page)
def list_participants(request, slug: str):
    event = _event(request, slug)
    if not request.user.has_perm("partnering.manage_event", event):
        _me(request, event)  # participants see each other, to choose whom to meet
    return event.participants.select_related("organisation").order_by("pk")


class ReasonOut(Schema):
    code: str
    text: str


class RecommendationOut(Schema):
    """``score`` is the learned model's probability of a good fit; ``band`` its band (high ≥ 0.95, medium ≥ 0.6,
    low below: docs/engines/match.md "Fit bands"); reasons are in the request's language, addressed to the
    caller."""

    partner_id: int
    partner_name: str
    partner_kind: str
    rank: int
    score: float
    band: str
    reasons: list[ReasonOut]


@router.get("/events/{slug}/recommendations", response=list[RecommendationOut])
@paginate(Page)
def my_recommendations(request, slug: str):
    event = _event(request, slug)
    me = _me(request, event)
    recommending.ensure(event)
    language = (get_language() or "en")[:2]
    out = []
    for rec in me.recommendations.select_related("partner__organisation").order_by("rank"):
        rec.participant = me
        shown = recommending.shown(rec, language)
        out.append(
            {
                "partner_id": rec.partner_id,
                "partner_name": rec.partner.organisation.name,
                "partner_kind": rec.partner.kind,
                "rank": rec.rank,
                "score": rec.score,
                "band": shown["band"],
                "reasons": shown["reasons"],
            }
        )
    return out


class CalendarTokenOut(Schema):
    feed_url: str = Field(..., description="the new secret calendar address; the previous one answers 404")


@router.post("/events/{slug}/participants/{participant_id}/calendar-token", response=CalendarTokenOut)
def rotate_calendar_token(request, slug: str, participant_id: int):
    """Renew a participant's calendar-feed address: the participant's own, or any at the event for its staff."""
    participant = get_object_or_404(Participant, pk=participant_id, event=_event(request, slug))
    services.rotate_calendar_token(participant=participant, by=request.user)
    return {"feed_url": request.build_absolute_uri(reverse("calendar-feed", args=[participant.calendar_token]))}


@router.get("/events/{slug}/requests", response=list[RequestOut])
@paginate(Page)
def my_requests(request, slug: str):
    me = _me(request, _event(request, slug))
    mine = MeetingRequest.objects.filter(event=me.event, sender=me) | MeetingRequest.objects.filter(
        event=me.event, recipient=me
    )
    return mine.order_by("-created_at", "-pk")


@router.post("/events/{slug}/requests", response={201: RequestOut})
def create_request(request, slug: str, payload: RequestIn):
    event = _event(request, slug)
    me = _me(request, event)
    recipient = get_object_or_404(Participant, pk=payload.recipient, event=event)
    return Status(201, services.send_request(sender=me, recipient=recipient, message=payload.message, by=request.user))


@router.post("/requests/{request_id}/{action}", response=RequestOut)
def answer_request(request, request_id: int, action: str):
    meeting_request = get_object_or_404(MeetingRequest.objects.select_related("event"), pk=request_id)
    _event(request, meeting_request.event.slug)
    actions = {
        "accept": lambda: services.accept_request(request=meeting_request, by=request.user).request,
        "decline": lambda: services.decline_request(request=meeting_request, by=request.user),
        "no-thanks": lambda: services.decline_request(request=meeting_request, by=request.user, no_thanks=True),
        "withdraw": lambda: services.withdraw_request(request=meeting_request, by=request.user),
    }
    if action not in actions:
        raise HttpError(404, "Not found.")
    return actions[action]()


@router.get("/events/{slug}/meetings", response=list[MeetingOut])
@paginate(Page)
def list_meetings(request, slug: str):
    event = _event(request, slug)
    meetings = event.meetings.select_related("slot").order_by("slot__starts_at", "pk")
    if request.user.has_perm("partnering.manage_event", event):
        return meetings
    me = _me(request, event)
    return meetings.filter(first=me) | meetings.filter(second=me)


@router.get("/events/{slug}/agenda", response=list[MeetingOut])
@paginate(Page)
def my_agenda(request, slug: str):
    me = _me(request, _event(request, slug))
    return [m for m in calendar.agenda_meetings(me, related=("slot",)) if m.slot_id]


@router.get("/events/{slug}/agenda.ics")
def my_agenda_ics(request, slug: str):
    me = _me(request, _event(request, slug))
    return HttpResponse(calendar.ical(me), content_type="text/calendar; charset=utf-8")


@router.post("/events/{slug}/solve", response={202: RunOut})
def solve(request, slug: str, payload: SolveIn):
    event = _event(request, slug)
    run = scheduling.start_solve(
        event=event, by=request.user, time_limit=payload.time_limit, objective=payload.objective
    )
    return Status(202, run)


@router.get("/runs/{run_id}", response=RunOut)
def get_run(request, run_id: int):
    run = get_object_or_404(ScheduleRun.objects.select_related("event"), pk=run_id)
    require(request.user, "partnering.manage_event", run.event, hide=True)
    return run


@router.post("/runs/{run_id}/publish", response=RunOut)
def publish(request, run_id: int):
    run = get_object_or_404(ScheduleRun.objects.select_related("event"), pk=run_id)
    require(request.user, "partnering.manage_event", run.event, hide=True)
    scheduling.publish_run(run=run, by=request.user)
    run.refresh_from_db()
    return run
