"""The ranking page: decision selects show the current decision (or ask for a choice), are labelled with the
application they decide, deciding takes a confirmation that warns about incomplete reviews, and dropping a
reviewer out takes a confirmation too (issue 11, items 6 and 11)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bridgehead.core.errors import Refused
from bridgehead.programs import services
from bridgehead.programs.enums import ApplicationStatus, Outcome, ReviewStatus
from bridgehead.programs.models import CallReviewer, Decision, Review, ReviewAssignment
from tests.factories import OrganisationFactory, UserFactory, grant
from tests.programs.factories import ApplicationFactory, CallReviewerFactory, ReviewAssignmentFactory

pytestmark = pytest.mark.django_db


def _select(html: str, pk: int) -> str:
    match = re.search(rf'<select[^>]*data-testid="outcome-{pk}"[^>]*>.*?</select>', html, re.S)
    assert match, f"no decision select for application {pk}"
    return match.group(0)


def _selected(select_html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected', select_html)


def test_each_select_shows_the_current_decision_or_asks_for_a_choice(world, login, call):
    manager = world["users"]["manager"]
    rejected = ApplicationFactory(call=call, organisation=OrganisationFactory(kind="startup", name_en="Rejecta"))
    waitlisted = ApplicationFactory(call=call, organisation=OrganisationFactory(kind="startup", name_en="Waitco"))
    undecided = ApplicationFactory(call=call, organisation=OrganisationFactory(kind="startup", name_en="Opena"))
    services.decide(application=rejected, outcome=Outcome.REJECT, note="", by=manager)
    services.decide(application=waitlisted, outcome=Outcome.WAITLIST, note="", by=manager)

    html = login(manager).get(reverse("call-ranking", args=[call.pk])).content.decode()

    assert _selected(_select(html, rejected.pk)) == ["rejected"]
    assert _selected(_select(html, waitlisted.pk)) == ["waitlisted"]
    assert _selected(_select(html, undecided.pk)) == [""]
    assert '<option value="" selected>— choose —</option>' in _select(html, undecided.pk)
    assert 'aria-label="Decision for Opena"' in _select(html, undecided.pk)
    assert 'aria-label="Decide on Opena"' in html


def test_one_click_on_decide_no_longer_decides(world, login, call):
    application = ApplicationFactory(call=call, organisation=world["startup"])

    response = login(world["users"]["manager"]).post(
        reverse("application-decide", args=[application.pk]), {"outcome": "accepted"}
    )

    assert response.status_code == 200
    assert "Accept Startup Co? The applicant will be told once you send the outbox." in response.content.decode()
    assert Decision.objects.count() == 0
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_confirmation_page_names_what_will_happen_per_outcome(world, login, call):
    application = ApplicationFactory(call=call, organisation=world["startup"])
    client = login(world["users"]["manager"])
    url = reverse("application-decide", args=[application.pk])

    texts = {outcome: client.get(url, {"outcome": outcome}).content.decode() for outcome in Outcome.values}

    assert "Accept Startup Co? The applicant will be told once you send the outbox." in texts["accepted"]
    assert (
        "Put Startup Co on the waiting list? The applicant will be told once you send the outbox."
        in texts["waitlisted"]
    )
    assert "Reject Startup Co? The applicant will be told once you send the outbox." in texts["rejected"]
    assert client.get(url, {"outcome": "maybe"}).status_code == 302  # back to choose a real outcome


def test_confirmed_decision_is_recorded(world, login, call):
    application = ApplicationFactory(call=call, organisation=world["startup"])

    response = login(world["users"]["manager"]).post(
        reverse("application-decide", args=[application.pk]),
        {"outcome": "accepted", "note": "Welcome", "confirmed": "1", "next": reverse("call-ranking", args=[call.pk])},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("call-ranking", args=[call.pk])
    decision = Decision.objects.get()
    assert (decision.outcome, decision.note, decision.sent_outcome) == ("accepted", "Welcome", "")


def _half_reviewed(call, world):
    application = ApplicationFactory(call=call, organisation=world["startup"])
    done = ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    Review.objects.create(assignment=done, status=ReviewStatus.SUBMITTED, weighted=80.0, submitted_at=timezone.now())
    ReviewAssignmentFactory(application=application, reviewer=UserFactory(username="late-reviewer"))
    return application


def test_incomplete_reviews_warn_in_the_confirmation_and_on_the_ranking(world, login, call):
    application = _half_reviewed(call, world)
    client = login(world["users"]["manager"])

    confirm = client.get(reverse("application-decide", args=[application.pk]), {"outcome": "accepted"})
    ranking = client.get(reverse("call-ranking", args=[call.pk])).content.decode()

    text = confirm.content.decode()
    assert "Only 1 of 2 reviews is complete, and the call is still open." in text
    assert 'name="despite_incomplete"' in text
    assert 'data-testid="incomplete-reviews"' in ranking
    assert "1 review incomplete" in ranking


def test_deciding_with_incomplete_reviews_needs_an_explicit_yes(world, login, call):
    application = _half_reviewed(call, world)
    client = login(world["users"]["manager"])
    url = reverse("application-decide", args=[application.pk])

    refused = client.post(url, {"outcome": "accepted", "confirmed": "1"})
    assert refused.status_code == 200
    assert Decision.objects.count() == 0
    assert "Only 1 of 2 reviews is complete" in refused.content.decode()

    client.post(url, {"outcome": "accepted", "confirmed": "1", "despite_incomplete": "on"})
    assert Decision.objects.get().outcome == Outcome.ACCEPT


def test_service_refuses_an_incomplete_decision_unless_told_explicitly(world, call):
    application = _half_reviewed(call, world)
    manager = world["users"]["manager"]

    with pytest.raises(Refused) as refused:
        services.decide(application=application, outcome=Outcome.REJECT, note="", by=manager)
    assert (refused.value.code, refused.value.field) == ("programs.decision.reviews_incomplete", "despite_incomplete")
    assert refused.value.message == services.review_warning(application)

    call.opens_at = timezone.now() - dt.timedelta(days=30)
    call.closes_at = timezone.now() - dt.timedelta(days=1)
    call.save()
    application.refresh_from_db()
    assert services.review_warning(application) == (
        "Only 1 of 2 reviews is complete. Confirm that you decide without the missing reviews."
    )
    services.decide(application=application, outcome=Outcome.REJECT, note="", by=manager, despite_incomplete=True)
    assert Decision.objects.get().outcome == Outcome.REJECT


def test_decision_confirmation_is_for_this_programs_managers_only(world, login, call):
    application = ApplicationFactory(call=call, organisation=world["startup"])
    their_manager = grant(UserFactory(username="their-manager"), "program_manager", program=world["their_program"])
    url = reverse("application-decide", args=[application.pk])

    for user in (their_manager, world["users"]["reviewer"], world["users"]["observer"]):
        assert login(user).get(url, {"outcome": "accepted"}).status_code == 404
        assert login(user).post(url, {"outcome": "accepted", "confirmed": "1"}).status_code == 404
    assert login(world["users"]["startup"]).post(url, {"outcome": "accepted", "confirmed": "1"}).status_code == 403
    assert Decision.objects.count() == 0


def test_reviewer_drop_out_asks_for_confirmation(world, login, call):
    member = CallReviewerFactory(call=call, user=world["users"]["reviewer"])
    application = ApplicationFactory(call=call)
    ReviewAssignmentFactory(application=application, reviewer=member.user)
    client = login(world["users"]["manager"])
    url = reverse("call-assignment", args=[call.pk])

    unconfirmed = client.post(url, {"action": "drop", "member": member.pk})

    assert unconfirmed.status_code == 200
    text = unconfirmed.content.decode()
    assert (
        "Drop reviewer out of this call? Their 1 review not yet submitted is removed and given to other "
        "reviewers; submitted reviews stay."
    ) in text
    assert 'data-testid="confirm-drop"' in text
    member.refresh_from_db()
    assert member.is_active is True

    client.post(url, {"action": "drop", "member": member.pk, "confirmed": "1"})
    member.refresh_from_db()
    assert member.is_active is False
    assert ReviewAssignment.objects.filter(reviewer=member.user).count() == 0


def test_drop_out_button_names_the_reviewer(world, login, call):
    CallReviewerFactory(call=call, user=world["users"]["reviewer"])
    html = login(world["users"]["manager"]).get(reverse("call-assignment", args=[call.pk])).content.decode()
    assert "Drop out reviewer and reassign" in html
    assert CallReviewer.objects.count() == 1


def test_deciding_without_choosing_goes_back_with_a_message(world, login, call):
    application = ApplicationFactory(call=call, organisation=world["startup"])
    ranking = reverse("call-ranking", args=[call.pk])

    response = login(world["users"]["manager"]).get(
        reverse("application-decide", args=[application.pk]), {"outcome": "", "next": ranking}, follow=True
    )

    assert response.redirect_chain == [(ranking, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Choose a decision for Startup Co first."]
    assert Decision.objects.count() == 0
