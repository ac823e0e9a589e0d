"""Partnering pages. Thin: find what the visitor may see, call a service, render.

Who may act is the services' check (``rules.py``); a refusal is a ``core.errors.Refused``. A permission
refusal goes on to the "Not allowed" page (``RefusedMiddleware``); a refusal of the event's state (a
deadline, a full agenda) is flashed with its code on the page the view returns to, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bridgehead.core import refusals
from bridgehead.core.bilingual import pick
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.http import download, require
from bridgehead.partnering import calendar, day, recommending, scheduling, services
from bridgehead.partnering.enums import REQUEST_MESSAGE_MAX, MeetingStatus, RequestStatus, RunStatus
from bridgehead.partnering.forms import (
    EventForm,
    FeedbackForm,
    PinForm,
    ProfileForm,
    RequestForm,
    SessionFormSet,
    SolveForm,
)
from bridgehead.partnering.models import (
    Event,
    Meeting,
    MeetingRequest,
    Participant,
    ScheduleRun,
    Slot,
)
from bridgehead.programs.models import Program
from bridgehead.registry.enums import OrganisationKind
from bridgehead.registry.memberships import acting_organisations
from bridgehead.registry.models import Organisation, Person, Sector
from bridgehead.registry.search import search


def _event(request: HttpRequest, slug: str, *, manage: bool = False) -> Event:
    event = get_object_or_404(Event.objects.select_related("program"), slug=slug)
    require(request.user, "partnering.view_event", event, hide=True)
    if manage:
        require(request.user, "partnering.manage_event", event)
    return event


def _me(request: HttpRequest, event: Event) -> Participant:
    """The viewer's participation. The event is visible (``_event``), so a page of it they cannot use is a 403
    with the code the API answers (docs/architecture.md, "Proving permissions"), not a 404."""
    participant = services.participant_for(request.user, event)
    if participant is None:
        raise Refused(
            "partnering.participant.not_registered", _("You are not a participant of this event."), kind=Kind.FORBIDDEN
        )
    return participant


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    events = [
        e
        for e in Event.objects.select_related("program").order_by("-pk")
        if request.user.has_perm("partnering.view_event", e)
    ]
    programs = [p for p in Program.objects.all() if request.user.has_perm("programs.change_program", p)]
    return render(request, "partnering/event_list.html", {"events": events, "can_create": bool(programs)})


@login_required
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    me = services.participant_for(request.user, event)
    staff = request.user.has_perm("partnering.manage_event", event)
    context = {
        "event": event,
        "me": me,
        "staff": staff,
        "sessions": event.sessions.annotate(slot_count=Count("slots")),
        "counts": {
            "participants": event.participants.count(),
            "pending": event.requests.filter(status=RequestStatus.PENDING).count(),
            "meetings": event.meetings.exclude(status=MeetingStatus.CANCELLED).count(),
            "scheduled": event.meetings.filter(slot__isnull=False).exclude(status=MeetingStatus.CANCELLED).count(),
        },
    }
    return render(request, "partnering/event_detail.html", context)


@login_required
def event_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    event = _event(request, slug, manage=True) if slug else None
    program = None
    if event is None:
        program = get_object_or_404(Program, slug=request.GET.get("program") or request.POST.get("program"))
        require(request.user, "programs.view_program", program, hide=True)  # another tenant's program: 404
        require(request.user, "programs.change_program", program)
    form = EventForm(request.POST or None, instance=event)
    sessions = SessionFormSet(request.POST or None, instance=event or Event())
    if request.method == "POST" and form.is_valid() and sessions.is_valid():
        with refusals.flashed(request), transaction.atomic():
            saved = form.save(commit=False)
            if program is not None:
                saved.program = program
            saved.save()
            sessions.instance = saved
            services.check_sessions_removable(
                event=saved, sessions=[f.instance for f in sessions.deleted_forms if f.instance.pk], by=request.user
            )
            sessions.save()
            services.build_slots(event=saved, by=request.user)
            messages.success(request, _("The event was saved."))
            return redirect("event-detail", slug=saved.slug)
    return render(
        request, "partnering/event_form.html", {"form": form, "sessions": sessions, "event": event, "program": program}
    )


@login_required
@require_POST
def event_publish(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    with refusals.flashed(request):
        services.publish_event(event=event, by=request.user)
        messages.success(request, _("The event is open for registration and requests."))
    return redirect("event-detail", slug=slug)


@login_required
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, manage=True)
    if request.method == "POST":
        person = get_object_or_404(Person.objects.select_related("organisation", "user"), pk=request.POST.get("person"))
        with refusals.flashed(request):
            services.register_participant(event=event, person=person, by=request.user)
            messages.success(request, _("%(name)s is registered.") % {"name": person.name})
        return redirect("event-participants", slug=slug)
    query = request.GET.get("q", "")
    candidates = Person.objects.none()
    if query:
        candidates = search(Person.objects.select_related("organisation"), query).exclude(participations__event=event)[
            :20
        ]
    rows = (
        event.participants.select_related("person", "organisation")
        .prefetch_related("organisation__sectors")
        .annotate(
            meeting_count=Count("meetings_first", filter=Q(meetings_first__slot__isnull=False), distinct=True)
            + Count("meetings_second", filter=Q(meetings_second__slot__isnull=False), distinct=True)
        )
        .order_by("organisation__name_en", "pk")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "partnering/participants.html",
        {"event": event, "page": page, "query": query, "candidates": candidates},
    )


@login_required
@require_POST
def refresh_recommendations(request: HttpRequest, slug: str) -> HttpResponse:
    """Recompute every participant's recommendations in the background (after profiles changed)."""
    services.refresh_recommendations(event=_event(request, slug), by=request.user)
    messages.success(request, _("Recommendations are being recomputed for every participant."))
    return redirect("event-participants", slug=slug)


@login_required
def my_profile(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    me = services.participant_for(request.user, event)
    if me is None:
        person = Person.objects.filter(user=request.user).select_related("organisation").first()
        if request.method == "POST" and person is not None:
            chosen = request.POST.get("organisation", "")
            organisation = Organisation.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            with refusals.flashed(request):
                services.register_participant(
                    event=event,
                    person=person,
                    organisation=organisation,
                    by=request.user,
                    language=request.user.language,
                )
                messages.success(request, _("You are registered. Tell partners what you seek and offer."))
            return redirect("event-me", slug=slug)
        organisations = list(acting_organisations(person)) if person is not None else []
        return render(
            request, "partnering/register.html", {"event": event, "person": person, "organisations": organisations}
        )
    form = ProfileForm(request.POST or None, instance=me, event=event)
    if request.method == "POST" and form.is_valid():
        services.save_profile(form=form, by=request.user)
        messages.success(request, _("Your profile for this event was saved."))
        return redirect("event-me", slug=slug)
    return render(request, "partnering/profile.html", {"event": event, "me": me, "form": form})


@login_required
def availability(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    me = _me(request, event)
    if request.method == "POST":
        with refusals.flashed(request):
            try:
                available = {int(v) for v in request.POST.getlist("available")}
            except ValueError:
                raise Refused(
                    "partnering.availability.not_understood",
                    gettext_lazy("The form was not understood; reload the page and try again."),
                    kind=Kind.INVALID,
                ) from None
            all_slots = set(event.slots.values_list("pk", flat=True))
            if available - all_slots:
                raise services.unknown_slots(available - all_slots)
            services.set_availability(participant=me, unavailable=all_slots - available, by=request.user)
            messages.success(request, _("Your availability was saved."))
            return redirect("event-availability", slug=slug)
    unavailable = set(me.unavailable.values_list("pk", flat=True))
    sessions = []
    for session in event.sessions.prefetch_related("slots"):
        sessions.append((session, [(slot, slot.pk not in unavailable) for slot in session.slots.all()]))
    return render(request, "partnering/availability.html", {"event": event, "me": me, "sessions": sessions})


def sector_choices() -> list[tuple[str, str]]:
    """Sectors for the filter, by name in the viewer's language (children indented under their parent)."""
    return [(sector.code, ("— " * sector.depth) + sector.name) for sector in Sector.objects.order_by("code")]


@dataclass(frozen=True)
class PartnerCard:
    """One card of the page's list of all participants, its text worked out in Python: the list shows 200
    of them, and resolving each card's names, labels, sectors and address in the template was most of the
    page's CPU (issue 13)."""

    pk: int
    name: str
    kind: str
    country: str
    sectors: list[str]
    refusal: Refused | None
    action: str
    button: str

    @classmethod
    def of(
        cls, participant: Participant, refusal: Refused | None, send_prefix: str, language: str, kinds: dict[str, str]
    ) -> PartnerCard:
        """``organisation.sector_list`` is the page's prefetch; ``kinds`` the kind labels, translated once."""
        organisation = participant.organisation
        name = pick(organisation, "name", language)
        return cls(
            pk=participant.pk,
            name=name,
            kind=kinds.get(organisation.kind, organisation.kind),
            country=organisation.country,
            sectors=[pick(sector, "name", language) for sector in organisation.sector_list],
            refusal=refusal,
            action=f"{send_prefix}{participant.pk}/",
            button=_("Request a meeting with %(name)s") % {"name": name},
        )


@login_required
def recommendations(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    me = _me(request, event)
    recommending.ensure(event)  # small events: compute on first visit; large ones use the task
    kind, sector, country = request.GET.get("kind", ""), request.GET.get("sector", ""), request.GET.get("country", "")
    recs = me.recommendations.select_related("partner__organisation", "partner__person").prefetch_related(
        "partner__organisation__sectors"
    )
    if kind:
        recs = recs.filter(partner__kind=kind)
    if sector:
        recs = recs.filter(
            Q(partner__organisation__sectors__code=sector)
            | Q(partner__organisation__sectors__code__startswith=sector + ".")
        ).distinct()
    if country:
        recs = recs.filter(partner__organisation__country=country.upper())
    recs = list(recs)
    language = (get_language() or "en")[:2]
    others = (
        event.participants.exclude(pk=me.pk)
        .select_related("organisation", "person")
        # into a plain list: a prefetched manager's .all() still builds a queryset, 200 times a page
        .prefetch_related(Prefetch("organisation__sectors", queryset=Sector.objects.all(), to_attr="sector_list"))
    )
    if kind:
        others = others.filter(kind=kind)
    if sector:
        others = others.filter(
            Q(organisation__sectors__code=sector) | Q(organisation__sectors__code__startswith=sector + ".")
        ).distinct()
    if country:
        others = others.filter(organisation__country=country.upper())
    # In the participants' default order (by organisation name) spelt without the event's slug: within one
    # event that sorts nothing, but it kept PostgreSQL from walking the organisation-name index, so every
    # visit sorted all 20,000 participants of a BIO-scale event to show 200 (80 ms; now under 1 ms).
    others = list(others.order_by("organisation__name_en", "organisation__name_ko", "pk")[:200])
    rules = services.RequestRules.load(me, [rec.partner for rec in recs] + others)
    # The send-request address of participant 0, cut before the id: one reverse() for the page, not one a card.
    send_prefix = reverse("event-send-request", args=[event.slug, 0]).removesuffix("0/")
    kinds = {value: str(label) for value, label in OrganisationKind.choices}
    for rec in recs:
        rec.participant = me  # the viewer, already loaded: its kind addresses the reasons
    rows = [
        (
            rec,
            recommending.shown(rec, language),
            rules.refusal(rec.partner),
            recommending.intents_of(rec.partner),
        )
        for rec in recs
    ]
    return render(
        request,
        "partnering/recommendations.html",
        {
            "event": event,
            "me": me,
            "rows": rows,
            "others": [PartnerCard.of(p, rules.refusal(p), send_prefix, language, kinds) for p in others],
            "filters": {"kind": kind, "sector": sector, "country": country},
            "kinds": OrganisationKind.choices,
            "sectors": sector_choices(),
            "message_max": REQUEST_MESSAGE_MAX,
        },
    )


@login_required
@require_POST
def send_request(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    event = _event(request, slug)
    me = _me(request, event)
    recipient = get_object_or_404(Participant, pk=participant_id, event=event)
    form = RequestForm(request.POST)
    with refusals.flashed(request):
        if not form.is_valid():
            raise services.message_too_long()
        services.send_request(sender=me, recipient=recipient, message=form.cleaned_data["message"], by=request.user)
        messages.success(request, _("Your request was sent to %(name)s.") % {"name": recipient.organisation.name})
    return redirect("event-requests", slug=slug)


# Pending requests first (they need an answer), then accepted ones, then the closed ones; newest first within.
REQUEST_ORDER = Case(
    When(status=RequestStatus.PENDING, then=Value(0)),
    When(status=RequestStatus.ACCEPTED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@login_required
def requests_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    me = _me(request, event)
    related = ("sender__organisation", "recipient__organisation", "sender__person", "recipient__person", "event")
    incoming = list(me.requests_received.select_related(*related).order_by(REQUEST_ORDER, "-created_at"))
    outgoing = list(me.requests_sent.select_related(*related).order_by(REQUEST_ORDER, "-created_at"))
    now = timezone.now()
    held = services.meetings_held({me.pk} | {r.sender_id for r in incoming if r.status == RequestStatus.PENDING})
    answers = [
        (
            r,
            services.is_overdue(r, now),
            services.accept_refusal(request=r, by=request.user, now=now, held=held)
            if r.status == RequestStatus.PENDING
            else None,
        )
        for r in incoming
    ]
    return render(
        request,
        "partnering/requests.html",
        {
            "event": event,
            "me": me,
            "incoming": answers,
            "waiting": sum(1 for r, overdue, _refusal in answers if r.status == RequestStatus.PENDING and not overdue),
            "outgoing": [(r, services.is_overdue(r, now)) for r in outgoing],
        },
    )


@login_required
@require_POST
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting_request = get_object_or_404(MeetingRequest.objects.select_related("event"), pk=pk)
    event = _event(request, meeting_request.event.slug)
    with refusals.flashed(request):
        if action == "accept":
            meeting = services.accept_request(request=meeting_request, by=request.user)
            messages.success(request, _accepted_message(meeting))
        elif action in ("decline", "no-thanks"):
            services.decline_request(request=meeting_request, by=request.user, no_thanks=action == "no-thanks")
            messages.success(request, _("Declined."))
        elif action == "withdraw":
            services.withdraw_request(request=meeting_request, by=request.user)
            messages.success(request, _("Withdrawn."))
        else:
            raise Http404
    return redirect("event-requests", slug=event.slug)


def _accepted_message(meeting: Meeting) -> str:
    """What the person who accepted reads: the time booked at once after publication, or why there is none
    and the nearest options, or that the time comes with the schedule."""
    booking = getattr(meeting, "booking", None)
    if booking is None:
        return _("Accepted. The meeting will get a time when the schedule is published.")
    if booking.placed and meeting.slot is not None:
        when = date_format(timezone.localtime(meeting.slot.starts_at), "DATETIME_FORMAT")
        where = _("table %(table)s") % {"table": meeting.table} if meeting.table else _("video call")
        return _("Accepted and booked at once: %(when)s, %(where)s. Nobody else's meeting moved.") % {
            "when": when,
            "where": where,
        }
    options = "; ".join(
        date_format(timezone.localtime(slot.starts_at), "DATETIME_FORMAT")
        + " ("
        + (str(_("as a video call")) if mode == "virtual" else str(_("another day")))
        + ")"
        for slot, mode, _why in booking.options
    )
    if options:
        return _(
            "Accepted, but there is no free time for it in person: the nearest options are %(options)s. "
            "The organisers can place it there."
        ) % {"options": options}
    return _("Accepted, but the two of you have no free slot in common; both of you were told.")


@login_required
def agenda(request: HttpRequest, slug: str, participant_id: int | None = None) -> HttpResponse:
    event = _event(request, slug)
    if participant_id is not None:
        require(request.user, "partnering.manage_event", event)
        participant = get_object_or_404(
            Participant.objects.select_related("person", "organisation"), pk=participant_id, event=event
        )
    else:
        participant = _me(request, event)
    staff = request.user.has_perm("partnering.manage_event", event)
    return render(
        request,
        "partnering/agenda.html",
        {
            "event": event,
            "participant": participant,
            "items": day.agenda_items(participant, request.user),
            "staff": staff,
            "of_participant": participant_id is not None,
            # Staff looking at someone's agenda can move a meeting by hand (it is then pinned).
            "slots": event.slots.order_by("starts_at") if staff and participant_id is not None else (),
        },
    )


@login_required
def agenda_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    me = _me(request, event)
    return download(
        calendar.ical(me, language=get_language()), f"{event.slug}-agenda.ics", "text/calendar; charset=utf-8"
    )


@login_required
@require_POST
def rotate_calendar_token(request: HttpRequest, slug: str, participant_id: int | None = None) -> HttpResponse:
    """A new calendar address for the participant (their own, or as staff anyone's at this event)."""
    event = _event(request, slug)
    if participant_id is None:
        participant = _me(request, event)
        back = redirect("event-me", slug=slug)
    else:
        participant = get_object_or_404(Participant, pk=participant_id, event=event)
        back = redirect("event-agenda-of", slug=slug, participant_id=participant_id)
    services.rotate_calendar_token(participant=participant, by=request.user)
    messages.success(
        request, _("The calendar address was renewed: the old one no longer works. Subscribe again with the new one.")
    )
    return back


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app subscribes to this secret address; it shows only this participant's meetings. A
    deactivated account's address answers 404 like an unknown one: leaving the platform ends the feed."""
    participant = get_object_or_404(
        Participant.objects.select_related("event", "organisation"),
        calendar_token=token,
        person__user__is_active=True,
    )
    response = HttpResponse(calendar.ical(participant), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, manage=True)
    form = SolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals.flashed(request):
            scheduling.start_solve(
                event=event,
                by=request.user,
                time_limit=form.cleaned_data["time_limit"],
                objective=form.cleaned_data["objective"],
                relax=form.cleaned_data["relax"],
            )
            # No flash message: it would still say "being computed" after the run ended, while the run's
            # own card (polled below) always says where the run stands.
        return redirect("event-schedule", slug=slug)
    runs = event.runs.all()[:10]
    return render(
        request,
        "partnering/schedule.html",
        {
            "event": event,
            "form": form,
            "runs": runs,
            "latest": runs[0] if runs else None,
        },
    )


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The live status fragment (htmx polls it while the run is active)."""
    run = get_object_or_404(ScheduleRun.objects.select_related("event"), pk=pk)
    require(request.user, "partnering.manage_event", run.event, hide=True)
    return render(request, "partnering/_run_status.html", {"run": run, **run_report(run)})


def run_report(run: ScheduleRun) -> dict:
    """What the manager reads about a finished run: totals, who got no meeting and why, breaks per person;
    for a run refused because the hard rules cannot all hold, which rule, who, and the relaxation to offer."""
    if run.status == RunStatus.FAILED and run.diagnostics.get("conflicts"):
        return conflict_report(run)
    if run.status != RunStatus.SUCCEEDED:
        return {}
    unscheduled = run.diagnostics.get("unscheduled", {})
    breaks = run.diagnostics.get("breaks", {})
    meetings = Meeting.objects.filter(pk__in=[int(k) for k in unscheduled]).select_related(
        "first__organisation", "second__organisation"
    )
    participants = {
        p.pk: p for p in Participant.objects.filter(pk__in=[int(k) for k in breaks]).select_related("organisation")
    }
    gap = 0.0
    if run.stats.get("upper_bound"):
        gap = 100.0 * (run.stats["upper_bound"] - run.stats["scheduled"]) / run.stats["upper_bound"]
    return {
        "unscheduled": [(m, unscheduled[str(m.pk)]) for m in meetings],
        "breaks": sorted(
            ((participants[int(k)], v) for k, v in breaks.items() if int(k) in participants), key=lambda item: -item[1]
        )[:50],
        "gap": gap,
        "relaxed": [scheduling.RELAXED[r] for r in run.relax if r in scheduling.RELAXED],
    }


def conflict_report(run: ScheduleRun) -> dict:
    """Each conflict as a sentence naming the organisations, meetings and times, and the relaxations."""
    found = run.diagnostics["conflicts"]
    people = {
        p.pk: p.organisation.name
        for p in Participant.objects.filter(pk__in={pk for c in found for pk in c["participants"]}).select_related(
            "organisation"
        )
    }
    meetings = {
        m.pk: f"{m.first.organisation.name} × {m.second.organisation.name}"
        for m in Meeting.objects.filter(pk__in={pk for c in found for pk in c["meetings"]}).select_related(
            "first__organisation", "second__organisation"
        )
    }
    slots = {s.pk: s for s in Slot.objects.filter(pk__in={pk for c in found for pk in c["slots"]})}
    conflicts = []
    for c in found:
        params = {
            "meetings": ", ".join(meetings[pk] for pk in c["meetings"] if pk in meetings),
            "people": ", ".join(people[pk] for pk in c["participants"] if pk in people),
            "times": ", ".join(
                date_format(timezone.localtime(slots[pk].starts_at), "DATETIME_FORMAT")
                for pk in c["slots"]
                if pk in slots
            ),
        }
        if c["rule"] == "fixed":
            text = _("Pinned meeting %(meetings)s cannot stay at %(times)s: %(people)s cannot be there.") % params
        else:
            text = _("The limit on uneven breaks cannot hold: %(people)s (pinned meetings %(meetings)s).") % params
        conflicts.append(text)
    offers = sorted({c["relaxation"] for c in found})
    return {
        "conflicts": conflicts,
        "relaxations": [(r, scheduling.RELAXATIONS[r]) for r in offers if r in scheduling.RELAXATIONS],
        "proven": run.diagnostics.get("proven", True),
    }


@login_required
@require_POST
def run_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    run = get_object_or_404(ScheduleRun.objects.select_related("event"), pk=pk)
    require(request.user, "partnering.manage_event", run.event, hide=True)
    with refusals.flashed(request):
        if action == "publish":
            result = scheduling.publish_run(run=run, by=request.user)
            messages.success(
                request,
                _("The schedule is published: %(changed)s meetings updated, %(moved)s moved (both sides were told).")
                % result,
            )
        elif action == "cancel":
            scheduling.cancel_run(run=run, by=request.user)
            messages.success(request, _("The run will stop; the published schedule is unchanged."))
        else:
            raise Http404
    return redirect("event-schedule", slug=run.event.slug)


@login_required
def table_plan(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug, manage=True)
    meetings = (
        event.meetings.filter(slot__isnull=False, table__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("slot", "first__organisation", "second__organisation")
        .order_by("slot__starts_at", "table")
    )
    by_slot: dict[Slot, list[Meeting]] = {}
    for meeting in meetings:
        by_slot.setdefault(meeting.slot, []).append(meeting)
    return render(request, "partnering/table_plan.html", {"event": event, "by_slot": by_slot.items()})


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "event", "slot", "first__person", "second__person", "first__organisation", "second__organisation"
        ),
        pk=pk,
    )
    event = _event(request, meeting.event.slug)
    with refusals.flashed(request):
        if action == "check-in":
            services.check_in(meeting=meeting, by=request.user)
            side = services.participant_for(request.user, event)
            partner = meeting.partner_of(side) if side in (meeting.first, meeting.second) else None
            if partner is not None:
                messages.success(request, _("Checked in with %(name)s.") % {"name": partner.organisation.name})
            else:
                messages.success(request, _("Checked in."))
        elif action == "no-show":
            services.mark_no_show(meeting=meeting, by=request.user)
            messages.success(request, _("Recorded as a no-show."))
        elif action == "cancel":
            services.cancel_meeting(meeting=meeting, by=request.user)
            messages.success(request, _("The meeting was cancelled."))
        elif action == "feedback":
            form = FeedbackForm(request.POST)
            if not form.is_valid():
                raise Refused(
                    "partnering.feedback.incomplete", gettext_lazy("Answer both questions."), kind=Kind.INVALID
                )
            services.give_feedback(meeting=meeting, by=request.user, **form.cleaned_data)
            messages.success(request, _("Thank you for your feedback. It is kept with the meeting on your agenda."))
        elif action == "pin":
            form = PinForm(request.POST)
            if not form.is_valid():
                raise Refused(
                    "partnering.meeting.no_slot_chosen", gettext_lazy("Choose a slot (and a table)."), kind=Kind.INVALID
                )
            slot = get_object_or_404(Slot, pk=form.cleaned_data["slot"], event=event)
            scheduling.pin_meeting(meeting=meeting, slot=slot, table=form.cleaned_data["table"], by=request.user)
            messages.success(request, _("The meeting was moved and pinned."))
        else:
            raise Http404
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect("event-agenda", slug=event.slug)
