"""The pages and API endpoints the load benchmark (bench/load) hits hardest ask the database a fixed number of
times, however many meetings, requests or partners a participant has: no query per row (an N+1 would cost a
BIO-scale event one round trip per meeting on every phone refresh). Each test counts a small case, grows it,
and asserts the count did not grow. Query counts, not timings: timings are bench/load's business."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bridgehead.partnering import services
from bridgehead.partnering.enums import MeetingStatus
from bridgehead.partnering.models import Meeting, Participant, Recommendation
from bridgehead.registry.enums import OrganisationKind
from tests.factories import SectorFactory
from tests.partnering.factories import EventFactory, add_session, participant

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def fair():
    """A published event with a session today (so every meeting offers a check-in) and a startup."""
    today = dt.datetime.now(LA).date()
    event = EventFactory(slug="load", tables=20)
    add_session(event, today, "00:00", "23:30")
    startup = participant(event, "startup", "haeum", language="ko", zone="Asia/Seoul")
    other_event = EventFactory(slug="elsewhere")  # a second tenant: its rows must never be read or counted
    add_session(other_event, today, "09:00", "12:00")
    outsider = participant(other_event, "investor", "outsider")
    return {"event": event, "startup": startup, "n": 0, "outsider": outsider}


def add_partners(fair, count: int, *, meet: bool, ask: bool = False) -> None:
    """``count`` more investors; with ``meet`` each gets a scheduled meeting with the startup (own slot, table),
    with ``ask`` each sends the startup a request that waits for an answer."""
    event, startup = fair["event"], fair["startup"]
    slots = list(event.slots.order_by("starts_at"))
    for _ in range(count):
        fair["n"] += 1
        investor = participant(event, "investor", f"investor{fair['n']}")
        if ask:
            services.send_request(sender=investor, recipient=startup, by=investor.person.user)
        if not meet:
            continue
        request = services.send_request(sender=startup, recipient=investor, by=startup.person.user)
        meeting = services.accept_request(request=request, by=investor.person.user)
        Meeting.objects.filter(pk=meeting.pk).update(slot=slots[fair["n"]], table=1, status=MeetingStatus.SCHEDULED)


def count(client, url: str) -> int:
    client.get(url)  # caches filled (site, translations, content types), as on a warm server
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_name",
    ["event-agenda", "api-agenda"],
)
def test_agenda_queries_do_not_grow_with_meetings(client, fair, url_name, django_assert_max_num_queries):
    url = reverse("event-agenda", args=["load"]) if url_name == "event-agenda" else "/api/partnering/events/load/agenda"
    client.force_login(fair["startup"].person.user)
    add_partners(fair, 1, meet=True)
    small = count(client, url)
    add_partners(fair, 6, meet=True)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    if url_name == "api-agenda":
        assert response.json()["count"] == 7 == len(response.json()["items"])  # every meeting listed (one page)
    else:
        body = response.content.decode()
        assert all(f"Investor{i}" in body for i in range(1, 8))  # every meeting listed
        assert "Outsider" not in body  # and no other tenant's


def test_requests_page_queries_do_not_grow_with_requests(client, fair, django_assert_max_num_queries):
    url = reverse("event-requests", args=["load"])
    startup = fair["startup"]
    client.force_login(startup.person.user)
    add_partners(fair, 1, meet=True)
    small = count(client, url)
    add_partners(fair, 3, meet=True)
    add_partners(fair, 3, meet=False, ask=True)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200


def test_recommendations_queries_do_not_grow_with_partners(client, fair, django_assert_max_num_queries):
    url = reverse("event-recommendations", args=["load"])
    event, startup = fair["event"], fair["startup"]
    client.force_login(startup.person.user)

    def recommend_everyone() -> None:
        Recommendation.objects.filter(participant=startup).delete()
        partners = event.participants.exclude(pk=startup.pk).order_by("pk")
        Recommendation.objects.bulk_create(
            Recommendation(event=event, participant=startup, partner=p, rank=i, score=0.5, reasons=[])
            for i, p in enumerate(partners, start=1)
        )

    add_partners(fair, 1, meet=False)
    recommend_everyone()
    small = count(client, url)
    add_partners(fair, 6, meet=False)
    recommend_everyone()
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200


def test_other_participants_are_listed_by_organisation_name(client, fair):
    """The recommendations page lists the other participants by organisation name (the order the query was
    rewritten to keep while letting PostgreSQL use the name index), never another event's."""
    event, startup = fair["event"], fair["startup"]
    for name in ("zebra", "acme", "mango"):
        participant(event, "investor", name)
    client.force_login(startup.person.user)
    response = client.get(reverse("event-recommendations", args=["load"]))
    names = dict(Participant.objects.values_list("pk", "organisation__name_en"))
    others = [names[card.pk] for card in response.context["others"]]
    assert others == ["Acme Org", "Mango Org", "Zebra Org"]


def test_participant_cards_show_kind_sectors_and_the_request_address_in_the_viewers_language(client, fair):
    """The list of all participants is worked out in Python (PartnerCard): each card still shows the kind,
    the sectors in the viewer's language (in code order), and posts to that participant's request address;
    another event's participant is never listed, and one with no sector shows no chip."""
    event, startup = fair["event"], fair["startup"]  # the startup reads Korean
    partner = participant(event, "investor", "acme")
    bare = participant(event, "investor", "plain")
    partner.organisation.sectors.add(
        SectorFactory(code="health", name_en="Health", name_ko="보건"),
        SectorFactory(code="ai", name_en="AI", name_ko="인공지능"),
    )
    client.force_login(startup.person.user)
    cards = {card.pk: card for card in client.get(reverse("event-recommendations", args=["load"])).context["others"]}
    assert set(cards) == {partner.pk, bare.pk}  # never the other event's outsider
    assert cards[partner.pk].sectors == ["인공지능", "보건"] and cards[bare.pk].sectors == []
    with translation.override("ko"):
        investor_label = str(OrganisationKind("investor").label)
    assert cards[partner.pk].kind == investor_label != "investor"  # the Korean label, not the code
    assert cards[partner.pk].action == reverse("event-send-request", args=["load", partner.pk])
    body = client.get(reverse("event-recommendations", args=["load"])).content.decode()
    assert '<span class="chip">인공지능</span><span class="chip">보건</span>' in body
    assert f'action="{reverse("event-send-request", args=["load", partner.pk])}"' in body
