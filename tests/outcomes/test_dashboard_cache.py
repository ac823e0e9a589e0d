"""Cached dashboard charts (issue 13, CPU per request): a chart is drawn once per content and never served
stale — a changed outcome shows on the next load of its dashboard, another agreement's dashboard stays as it
was, and a change made without any domain action (a bulk update, another process) shows as well, because the
cache key is the data the chart is drawn from."""

from __future__ import annotations

import re

import pytest
import vl_convert
from django.core.cache import caches
from django.test import Client

from bridgehead.outcomes import services
from tests.factories import UserFactory, grant
from tests.outcomes.factories import OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    caches["charts"].clear()
    yield
    caches["charts"].clear()


@pytest.fixture
def drawn(monkeypatch) -> list[int]:
    """Counts the charts vl-convert actually lays out (a cached chart is not laid out again)."""
    calls: list[int] = []
    real = vl_convert.vegalite_to_svg

    def counting(spec, *args, **kwargs):
        calls.append(1)
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", counting)
    return calls


def charts_of(client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    svgs = re.findall(r'<svg role="img".*?</svg>', page, flags=re.S)
    assert len(svgs) == 4
    return svgs


def login(user) -> Client:
    """A client of its own per viewer (the shared ``login`` fixture hands out one client)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_agreements(world):
    ours = OutcomeFactory(program=world["our_program"], organisation=world["startup"], country="KR")
    theirs = OutcomeFactory(program=world["their_program"], country="DE")
    their_observer = grant(UserFactory(username="their_observer"), "observer", agreement=world["theirs"])
    return {**world, "our_outcome": ours, "their_outcome": theirs, "their_observer": their_observer}


def test_a_changed_outcome_shows_on_the_next_load_and_the_other_agreement_keeps_its_charts(two_agreements):
    w = two_agreements
    observer, their_observer = login(w["users"]["observer"]), login(w["their_observer"])
    ours_before = charts_of(observer, "/outcomes/agreements/ours/")
    theirs_before = charts_of(their_observer, "/outcomes/agreements/theirs/")
    assert ">South Korea<" in ours_before[2]  # by country, named

    # Confirmed through the domain action: the bars move from "unconfirmed" to "confirmed".
    services.confirm_outcome(outcome=w["our_outcome"], by=w["users"]["manager"])
    ours_confirmed = charts_of(observer, "/outcomes/agreements/ours/")
    assert ours_confirmed[2] != ours_before[2] and ours_confirmed[3] != ours_before[3]

    # Changed behind every domain action's back (a bulk update, another process): shown all the same.
    type(w["our_outcome"]).objects.filter(pk=w["our_outcome"].pk).update(country="JP")
    ours_after = charts_of(observer, "/outcomes/agreements/ours/")
    assert ">Japan<" in ours_after[2] and ">South Korea<" not in ours_after[2]

    assert charts_of(their_observer, "/outcomes/agreements/theirs/") == theirs_before
    assert ">Germany<" in theirs_before[2] and ">Japan<" not in theirs_before[2]


def test_an_unchanged_dashboard_is_not_drawn_again(two_agreements, drawn):
    observer = login(two_agreements["users"]["observer"])
    first = charts_of(observer, "/outcomes/agreements/ours/")
    assert len(drawn) == 4
    assert charts_of(observer, "/outcomes/agreements/ours/") == first
    assert len(drawn) == 4  # all four served from the cache

    type(two_agreements["our_outcome"]).objects.filter(pk=two_agreements["our_outcome"].pk).update(country="JP")
    charts_of(observer, "/outcomes/agreements/ours/")
    # by country only: funnel, quarters and counterparty kinds are drawn from data that did not change
    assert len(drawn) == 5


def test_the_language_is_part_of_the_key(two_agreements):
    user = two_agreements["users"]["observer"]
    english = charts_of(login(user), "/outcomes/agreements/ours/")
    user.language = "ko"
    user.save()
    korean = charts_of(login(user), "/outcomes/agreements/ours/")
    assert "Outcomes by country" in english[2] and "국가별 성과" in korean[2]
