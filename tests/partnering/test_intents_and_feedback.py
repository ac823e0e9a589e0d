"""Matching v2 in the web app: intent tags on the profile, intents and specific reasons on Find partners,
and participants' actions steering their own recommendations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bridgehead.partnering import recommending, services
from bridgehead.partnering.models import Feedback, Participant, Recommendation
from tests.partnering.factories import EventFactory, participant


def test_profile_form_saves_intent_tags_from_the_picker(client, fair):
    startup = fair["startup"]
    client.force_login(startup.person.user)
    page = client.get(reverse("event-me", args=["sd-day"])).content.decode()
    assert 'data-testid="seeks_intents"' in page and 'value="manufacturing"' in page
    assert "위탁생산(CDMO)" in page  # the startup's user reads Korean: labels, not codes
    response = client.post(
        reverse("event-me", args=["sd-day"]),
        {
            "language": "ko",
            "seeks": "미국 투자 유치",
            "offers": "갑상선 진단 앱",
            "attendance": "in_person",
            "seeks_intents": ["investment", "manufacturing"],
            "offers_intents": ["data"],
        },
    )
    assert response.status_code == 302
    startup.refresh_from_db()
    assert (startup.seeks_intents, startup.offers_intents) == (["investment", "manufacturing"], ["data"])
    bad = client.post(
        reverse("event-me", args=["sd-day"]),
        {
            "language": "ko",
            "seeks": "x",
            "offers": "y",
            "attendance": "in_person",
            "seeks_intents": ["money"],
        },
    )
    assert bad.status_code == 200
    assert "money" in bad.content.decode()  # "Select a valid choice. money is not one of the available choices."
    startup.refresh_from_db()
    assert startup.seeks_intents == ["investment", "manufacturing"]


def test_find_partners_shows_intents_and_a_reason_naming_the_need(client, fair):
    startup, investor = fair["startup"], fair["investor"]
    startup.seeks_intents = ["investment"]
    startup.save()
    client.force_login(investor.person.user)
    body = client.get(reverse("event-recommendations", args=["sd-day"])).content.decode()
    assert 'data-testid="partner-seeks"' in body
    assert 'Looking for: <span class="chip">Investment</span>' in body
    # The investor offers "seed investment and US market access": the startup's tagged need is named.
    rec = Recommendation.objects.get(participant=investor)
    codes = [r["code"] for r in rec.reasons]
    assert "intent" in codes
    intent = next(r for r in rec.reasons if r["code"] == "intent")
    assert (intent["direction"], intent["intent"], intent["b_field"]) == ("b_seeks", "investment", "seeks")
    assert intent["a"] == "seed investment and US market access" and intent["a_field"] == "offers"
    assert "They are looking for investment" in body


@pytest.mark.django_db
def test_description_stands_in_for_offers_only():
    event = EventFactory(slug="desc-day")
    p = participant(event, "startup", "solo", seeks="", offers="")
    p.organisation.description_en = "We want a US pilot. We build ECG patches."
    p.organisation.save()
    prof = recommending.profile(Participant.objects.get(pk=p.pk))
    assert (prof.seeks, prof.offers) == ("", "We want a US pilot. We build ECG patches.")


@pytest.mark.django_db
def test_feedback_signals_come_from_blocks_answers_and_meeting_feedback(fair):
    event, startup, investor = fair["event"], fair["startup"], fair["investor"]
    other = participant(event, "company", "maker", seeks="wearables", offers="contract manufacturing")
    third = participant(event, "hospital", "clinic", seeks="AI", offers="clinical trials")
    declined = services.send_request(sender=startup, recipient=other, message="", by=startup.person.user)
    services.decline_request(request=declined, by=other.person.user)
    unwanted = services.send_request(sender=third, recipient=startup, message="", by=third.person.user)
    services.decline_request(request=unwanted, by=startup.person.user, no_thanks=True)
    Feedback.objects.create(meeting=fair["meeting"], participant=investor, valuable=True, follow_up=False)
    signals = recommending.feedback_for(event)
    assert sorted(signals[str(startup.pk)]) == sorted(
        [
            (str(investor.pk), "accepted"),
            (str(other.pk), "declined"),
            (str(third.pk), "no_thanks"),
        ]
    )
    assert signals[str(third.pk)] == [(str(startup.pk), "declined")]
    assert sorted(signals[str(investor.pk)]) == sorted(
        [(str(startup.pk), "accepted"), (str(startup.pk), "met_positive")]
    )
    # A second event's participants are not mixed in.
    elsewhere = EventFactory(slug="elsewhere")
    assert recommending.feedback_for(elsewhere) == {}


@pytest.mark.django_db
def test_no_two_recommendations_on_a_page_open_with_the_same_reason():
    event = EventFactory(slug="many-day")
    me = participant(
        event,
        "startup",
        "seeker",
        seeks="We need seed investment. We need a contract manufacturer.",
        offers="Wearable ECG patch for arrhythmia.",
    )
    for i in range(6):
        participant(
            event,
            "investor",
            f"fund{i}",
            seeks="Wearable cardiac devices.",
            offers="We invest in seed rounds of device startups.",
        )
    recommending.refresh(event=event)
    openers = [
        recommending.render_reasons(r.reasons, "en")[0]
        for r in Recommendation.objects.filter(participant=me).order_by("rank")
    ]
    assert len(openers) == 6
    assert len(set(openers)) == 6
