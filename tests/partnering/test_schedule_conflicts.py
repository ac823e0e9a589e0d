"""A run refused because the hard rules cannot all hold: the manager's page says which rule, who and when,
in her language, and offers the relaxation; the relaxed run says what it relaxed. Other programs see nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bridgehead.core.errors import Kind
from bridgehead.engines import schedule as engine
from bridgehead.partnering import scheduling
from bridgehead.partnering.models import Meeting, ScheduleRun
from tests.partnering.factories import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def conflict(fair, django_capture_on_commit_callbacks):
    """The fair's meeting pinned at the first slot, which the investor then says she cannot attend."""
    first = fair["event"].slots.order_by("starts_at").first()
    scheduling.pin_meeting(meeting=fair["meeting"], slot=first, table=1, by=fair["manager"])
    fair["investor"].unavailable.add(first)
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduling.start_solve(event=fair["event"], by=fair["manager"], time_limit=5)
    run.refresh_from_db()
    return {**fair, "run": run, "slot": first}


def test_run_is_refused_with_the_conflict_kept_by_key(conflict):
    run = conflict["run"]
    assert run.status == "failed"
    assert run.diagnostics == {
        "conflicts": [
            {
                "rule": "fixed",
                "relaxation": "fixed",
                "participants": [conflict["investor"].pk],
                "meetings": [conflict["meeting"].pk],
                "slots": [conflict["slot"].pk],
            }
        ],
        "proven": True,
    }
    assert Meeting.objects.get(pk=conflict["meeting"].pk).slot_id == conflict["slot"].pk  # nothing published


def test_page_explains_in_the_managers_language_and_offers_the_relaxation(client, conflict):
    conflict["manager"].language = "ko"
    conflict["manager"].save()
    client.force_login(conflict["manager"])
    body = client.get(reverse("run-status", args=[conflict["run"].pk]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    names = f"{conflict['startup'].organisation.name} × {conflict['investor'].organisation.name}"
    assert "규칙을 모두 지킬 수 없어 일정을 만들지 않았습니다" in body
    assert names in body
    assert conflict["investor"].organisation.name in body
    assert 'data-testid="relax-fixed"' in body
    assert "충돌하는 고정 미팅을 옮길 수 있게 하고 다시 계산" in body


def test_relaxed_run_moves_the_pinned_meeting_and_says_so(client, conflict, django_capture_on_commit_callbacks):
    client.force_login(conflict["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("event-schedule", args=[conflict["event"].slug]),
            {"time_limit": "5", "objective": "weight", "relax": "fixed"},
        )
    assert response.status_code == 302
    run = ScheduleRun.objects.filter(event=conflict["event"]).first()
    assert (run.status, run.relax) == ("succeeded", ["fixed"])
    assert run.stats["relaxed"] == [f"fixed: m{conflict['meeting'].pk}"]
    assert run.solution[f"m{conflict['meeting'].pk}"][0] != f"s{conflict['slot'].pk}"
    body = client.get(reverse("run-status", args=[run.pk])).content.decode()
    assert "Relaxed at your request: pinned meetings in conflict could move" in body


def test_other_programs_manager_cannot_see_the_conflict(client, conflict):
    client.force_login(conflict["other_manager"])
    assert client.get(reverse("run-status", args=[conflict["run"].pk])).status_code == 404


def test_unknown_relaxation_is_refused(conflict):
    with refused("partnering.solve.unknown_relaxation", Kind.INVALID):
        scheduling.start_solve(event=conflict["event"], by=conflict["manager"], time_limit=5, relax=["tables"])


def test_preferred_hours_on_the_profile_reach_the_scheduler_in_the_participants_zone(client, fair):
    client.force_login(fair["startup"].person.user)
    url = reverse("event-me", args=[fair["event"].slug])
    data = {"language": "ko", "seeks": "투자", "offers": "앱", "attendance": "in_person"}
    bad = client.post(url, {**data, "preferred_start": "20:00", "preferred_end": "08:00"})
    assert "선호 시간의 끝은 시작보다 늦어야 합니다." in bad.content.decode()
    assert client.post(url, {**data, "preferred_start": "07:00", "preferred_end": "21:00"}).status_code == 302
    compiled = scheduling.compile_event(fair["event"])
    hours = {p.id: p.preferred_hours for p in compiled.instance.participants}
    assert hours[f"p{fair['startup'].pk}"] == engine.PreferredHours("Asia/Seoul", "07:00", "21:00")
    assert hours[f"p{fair['investor'].pk}"] == engine.PreferredHours("America/Los_Angeles", "08:00", "20:00")


def test_a_seoul_participant_meets_inside_her_hours_when_the_schedule_allows(fair, django_capture_on_commit_callbacks):
    # 1 June 2026, 09:00-11:00 in San Diego = 01:00-03:00 in Seoul: she prefers 02:30-03:00 Seoul time.
    fair["startup"].preferred_start, fair["startup"].preferred_end = dt.time(2, 30), dt.time(3, 0)
    fair["startup"].save()
    with django_capture_on_commit_callbacks(execute=True):
        run = scheduling.start_solve(event=fair["event"], by=fair["manager"], time_limit=5)
    run.refresh_from_db()
    last = fair["event"].slots.order_by("-starts_at").first()
    assert run.solution[f"m{fair['meeting'].pk}"][0] == f"s{last.pk}"
    assert (run.stats["scheduled"], run.stats["breaks"], run.stats["preferred"]) == (1, 0, 2)
