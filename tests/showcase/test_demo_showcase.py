"""After ``make demo`` the showcase has something to show: the demo agreement and program are public, a few
cohort startups consented, and their confirmed public outcomes and the upcoming live event appear."""

from __future__ import annotations

import pytest
from django.test import Client

from bridgehead.demo.scenario import SHOWCASE_STARTUPS, load_demo
from bridgehead.registry.models import PublicListingConsent
from bridgehead.showcase import public

pytestmark = pytest.mark.django_db


def test_demo_fills_the_showcase():
    load_demo()
    load_demo()  # twice: no second consent row
    consents = PublicListingConsent.objects.filter(withdrawn_at__isnull=True)
    assert consents.count() == SHOWCASE_STARTUPS == PublicListingConsent.objects.count()
    programs = list(public.programs())
    assert len(programs) == 1
    startups = public.startups([programs[0].pk])
    assert startups.count() == SHOWCASE_STARTUPS
    outcomes = public.outcomes([programs[0].pk])
    assert outcomes and all(o.is_confirmed and not o.is_confidential for o in outcomes)
    assert public.events().exists()
    body = Client().get("/showcase/ko/").content.decode()
    assert startups[0].name_ko in body
