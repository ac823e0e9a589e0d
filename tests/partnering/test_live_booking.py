"""Live booking: after publication, an accepted meeting gets a slot and table at once, nobody moves, both
sides are told and their calendar entries change SEQUENCE; no common slot is said plainly with options;
concurrent bookings never double-book a person or a table (PostgreSQL, real threads)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from bridgehead.core.errors import Refused
from bridgehead.core.models import Notification
from bridgehead.partnering import calendar, scheduling, services
from bridgehead.partnering.models import Meeting, MeetingRequest
from tests.factories import UserFactory, grant
from tests.partnering.factories import EventFactory, add_session, participant


def published(tables: int = 2, virtual: bool = True):
    """An event with one published meeting (s0 × investor) and a manager; 4 slots, ``tables`` tables."""
    event = EventFactory(tables=tables, max_meetings=8, request_quota=20, virtual_allowed=virtual)
    add_session(event, dt.date(2026, 6, 1), "09:00", "11:00")
    manager = grant(UserFactory(username=f"pm-{event.slug}"), "program_manager", program=event.program)
    investor = participant(event, "investor", f"inv-{event.slug}")
    first = participant(event, "startup", f"s0-{event.slug}", language="ko", zone="Asia/Seoul")
    req = services.send_request(sender=first, recipient=investor, by=first.person.user)
    services.accept_request(request=req, by=investor.person.user)
    return event, manager, investor


def accept(event, investor, name: str):
    newcomer = participant(event, "startup", name)
    req = services.send_request(sender=newcomer, recipient=investor, by=newcomer.person.user)
    return services.accept_request(request=req, by=investor.person.user)


def unbooked(event, first, second) -> Meeting:
    """An accepted meeting written directly (no live booking yet), as a request accepted elsewhere."""
    req = MeetingRequest.objects.create(event=event, sender=first, recipient=second, status="accepted")
    return Meeting.objects.create(event=event, request=req, first=first, second=second)


def publish(event, manager, capture) -> None:
    with capture(execute=True):
        run = scheduling.start_solve(event=event, by=manager, time_limit=5)
    run.refresh_from_db()
    scheduling.publish_run(run=run, by=manager)


@pytest.mark.django_db
def test_accepting_after_publication_books_at_once_next_to_the_busy_side(
    django_capture_on_commit_callbacks, mailoutbox
):
    event, manager, investor = published()
    publish(event, manager, django_capture_on_commit_callbacks)
    before = {m.pk: (m.slot_id, m.table, m.sequence) for m in Meeting.objects.all()}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = accept(event, investor, "late")
    assert meeting.booking.placed is True
    assert (meeting.status, meeting.mode, meeting.sequence, meeting.table) == ("scheduled", "in_person", 1, 1)
    held = Meeting.objects.get(pk=next(iter(before)))
    slots = list(event.slots.order_by("starts_at").values_list("pk", flat=True))
    assert abs(slots.index(meeting.slot_id) - slots.index(held.slot_id)) == 1  # the investor's block grows
    assert {m.pk: (m.slot_id, m.table, m.sequence) for m in Meeting.objects.exclude(pk=meeting.pk)} == before
    told = {mail.to[0] for mail in mailoutbox}
    assert {meeting.first.person.email, meeting.second.person.email} <= told
    for side in (meeting.first, meeting.second):
        assert Notification.objects.filter(user=side.person.user, kind="partnering.meeting_scheduled").count() == 1
    assert b"SEQUENCE:1" in calendar.ical(meeting.first)


@pytest.mark.django_db
def test_before_publication_accepting_books_nothing(django_capture_on_commit_callbacks):
    event, _manager, investor = published()
    meeting = accept(event, investor, "early")
    assert (meeting.booking, meeting.slot_id, meeting.status) == (None, None, "unscheduled")


@pytest.mark.django_db
def test_no_common_free_slot_is_said_and_a_full_house_offers_virtual(django_capture_on_commit_callbacks):
    event, manager, investor = published(tables=1)
    publish(event, manager, django_capture_on_commit_callbacks)
    nowhere = participant(event, "startup", "nowhere")
    services.set_availability(
        participant=nowhere, unavailable=event.slots.values_list("pk", flat=True), by=nowhere.person.user
    )
    req = services.send_request(sender=nowhere, recipient=investor, by=nowhere.person.user)
    meeting = services.accept_request(request=req, by=investor.person.user)
    assert (meeting.booking.placed, meeting.booking.reason, meeting.booking.options) == (
        False,
        "no common free slot",
        (),
    )
    assert (meeting.slot_id, meeting.status, meeting.unplaced_reason) == (None, "unscheduled", "no_common_slot")
    # One table per slot; three other pairs book the three slots the published meeting left free.
    for k in range(3):
        a, b = participant(event, "startup", f"a{k}"), participant(event, "investor", f"b{k}")
        other = services.accept_request(
            request=services.send_request(sender=a, recipient=b, by=a.person.user), by=b.person.user
        )
        assert other.booking.placed and other.table == 1
    late = accept(event, investor, "late")
    assert (late.booking.placed, late.booking.reason) == (False, "no table free in any common free slot")
    assert [mode for _slot, mode, _why in late.booking.options] == ["virtual", "virtual", "virtual"]
    assert late.unplaced_reason == "no_free_common_slot"


@pytest.mark.django_db
def test_the_requests_page_says_where_the_meeting_went(client, django_capture_on_commit_callbacks):
    event, manager, investor = published()
    publish(event, manager, django_capture_on_commit_callbacks)
    newcomer = participant(event, "startup", "late")
    req = services.send_request(sender=newcomer, recipient=investor, by=newcomer.person.user)
    client.force_login(investor.person.user)
    response = client.post(reverse("request-action", args=[req.pk, "accept"]), follow=True)
    assert "Accepted and booked at once:" in response.content.decode()
    assert "table 1. Nobody else&#x27;s meeting moved." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_double_book_a_person_or_a_table(django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers by locking the whole file)")
    # Four tables per slot: whatever order the threads run in, every booking has a table (the test is about
    # collisions, not capacity).
    event, manager, investor = published(tables=4)
    publish(event, manager, django_capture_on_commit_callbacks)
    meetings = [unbooked(event, participant(event, "startup", f"rush{k}"), investor) for k in range(3)]
    others = [  # and three unrelated pairs want tables at the same time
        unbooked(event, participant(event, "startup", f"x{k}"), participant(event, "investor", f"y{k}"))
        for k in range(3)
    ]
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def book(meeting) -> None:
        try:
            barrier.wait()
            scheduling.book_live(meeting=meeting)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(m,)) for m in meetings + others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    live = list(
        Meeting.objects.filter(event=event, slot__isnull=False).values_list("slot_id", "table", "first_id", "second_id")
    )
    tables = [(slot, table) for slot, table, _a, _b in live if table is not None]
    assert len(tables) == len(set(tables))
    seats = [(slot, person) for slot, _t, a, b in live for person in (a, b)]
    assert len(seats) == len(set(seats))
    assert Meeting.objects.filter(pk__in=[m.pk for m in meetings + others], slot__isnull=False).count() == 6


def in_threads(*calls) -> list:
    """Run the calls at once, each in its own thread and database connection; their results (or errors)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(k: int) -> None:
        try:
            barrier.wait()
            results[k] = calls[k]()
        except BaseException as exc:
            results[k] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_bookings_for_one_participants_last_free_slot_one_wins_the_other_is_told_why(
    django_capture_on_commit_callbacks,
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers by locking the whole file)")
    event, manager, investor = published(tables=4)
    publish(event, manager, django_capture_on_commit_callbacks)
    held = Meeting.objects.get(event=event).slot_id
    free = [pk for pk in event.slots.order_by("starts_at").values_list("pk", flat=True) if pk != held]
    investor.unavailable.add(*free[1:])  # the investor has one free slot left
    rivals = [unbooked(event, participant(event, "startup", f"rival{k}"), investor) for k in range(2)]
    results = in_threads(*(lambda m=m: scheduling.book_live(meeting=m) for m in rivals))
    assert not any(isinstance(r, BaseException) for r in results), results
    assert sorted(r.placed for r in results) == [False, True]
    winner = next(r for r in results if r.placed).meeting
    loser = next(r for r in results if not r.placed)
    assert (winner.slot_id, winner.table) == (free[0], 1)
    assert (loser.reason, loser.options) == ("no common free slot", ())
    loser_row = Meeting.objects.get(pk=loser.meeting.pk)
    assert (loser_row.slot_id, loser_row.status, loser_row.unplaced_reason) == (None, "unscheduled", "no_common_slot")


@pytest.mark.django_db(transaction=True)
def test_bookings_of_unrelated_people_do_not_wait_for_each_other(django_capture_on_commit_callbacks, monkeypatch):
    # Regression (issue 15 item 4): each booking locked the event's row (select_for_update with a join)
    # and its candidate slots' rows, so every booking of the event waited for the one before it to commit
    # (p95 1.26 s with 4 concurrent bookers at 20,000 participants).
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers by locking the whole file)")
    event, manager, _investor = published(tables=4)
    publish(event, manager, django_capture_on_commit_callbacks)
    first, second = (
        unbooked(event, participant(event, "startup", f"p{k}"), participant(event, "investor", f"q{k}"))
        for k in range(2)
    )
    inside, release = threading.Event(), threading.Event()
    told = scheduling.notify.schedule_changes

    def held_open(participant, changes):  # the first booking stops before its commit, locks held
        told(participant, changes)
        if changes["scheduled"][0].pk == first.pk:
            inside.set()
            release.wait(timeout=20)

    monkeypatch.setattr(scheduling.notify, "schedule_changes", held_open)
    holder = threading.Thread(target=lambda: (scheduling.book_live(meeting=first), connection.close()))
    holder.start()
    try:
        assert inside.wait(timeout=20)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting for the first booking's locks fails the test
        booked = scheduling.book_live(meeting=second)
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert booked.placed
    rows = {m.pk: (m.slot_id, m.table) for m in Meeting.objects.filter(pk__in=[first.pk, second.pk])}
    assert None not in {slot for slot, _table in rows.values()}
    assert len(set(rows.values())) == 2


@pytest.mark.django_db
def test_a_table_taken_by_a_concurrent_booking_is_retried_then_refused(django_capture_on_commit_callbacks, monkeypatch):
    event, manager, _investor = published(tables=2)
    publish(event, manager, django_capture_on_commit_callbacks)
    taken = Meeting.objects.get(event=event)
    pair = unbooked(event, participant(event, "startup", "p0"), participant(event, "investor", "q0"))
    real, calls = scheduling._first_with_table, []

    def stale_once(ranked, mode):  # the first read missed a booking that committed the same table
        calls.append(mode)
        return (taken.slot, taken.table) if len(calls) == 1 else real(ranked, mode)

    monkeypatch.setattr(scheduling, "_first_with_table", stale_once)
    booked = scheduling.book_live(meeting=pair)
    assert booked.placed and len(calls) == 2
    assert (booked.meeting.slot_id, booked.meeting.table) != (taken.slot_id, taken.table)
    assert (booked.meeting.sequence, booked.meeting.status) == (1, "scheduled")

    # Lost every time: a clear refusal, the meeting unchanged.
    other = unbooked(event, participant(event, "startup", "p1"), participant(event, "investor", "q1"))
    monkeypatch.setattr(scheduling, "_first_with_table", lambda ranked, mode: (taken.slot, taken.table))
    with pytest.raises(Refused) as refused:
        scheduling.book_live(meeting=other)
    assert refused.value.code == "partnering.meeting.booking_contended"
    other.refresh_from_db()
    assert (other.slot_id, other.table, other.status, other.sequence) == (None, None, "unscheduled", 0)
