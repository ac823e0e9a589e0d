"""Consent, invitation requests, and the head every public page carries (hreflang, Open Graph, sitemap)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from bridgehead.core.errors import Refused
from bridgehead.core.models import Notification
from bridgehead.registry import services as registry_services
from bridgehead.registry.models import PublicListingConsent
from bridgehead.showcase import public, services
from bridgehead.showcase.models import InvitationRequest
from bridgehead.showcase.views import REQUESTS_PER_ADDRESS
from tests.factories import UserFactory, grant

SHOWCASE_PAGES = (
    "/showcase/{lang}/",
    "/showcase/{lang}/agreements/ulsan-sd/",
    "/showcase/{lang}/programs/bio-bridge/",
    "/showcase/{lang}/events/sd-day/",
)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("page", SHOWCASE_PAGES)
def test_every_page_has_hreflang_and_open_graph(show, page, lang):
    path = page.format(lang=lang)
    body = Client().get(path).content.decode()
    site = settings.SITE_URL
    assert f'<html lang="{lang}">' in body
    for code in ("ko", "en"):
        assert f'<link rel="alternate" hreflang="{code}" href="{site}{page.format(lang=code)}">' in body
    assert f'<link rel="alternate" hreflang="x-default" href="{site}/showcase/">' in body
    assert f'<meta property="og:url" content="{site}{path}">' in body
    locale, other = ("ko_KR", "en_US") if lang == "ko" else ("en_US", "ko_KR")
    assert f'<meta property="og:locale" content="{locale}">' in body
    assert f'<meta property="og:locale:alternate" content="{other}">' in body
    assert re.search(r'<meta property="og:title" content="[^"]+">', body)
    assert '<meta property="og:type" content="website">' in body


def test_start_page_follows_the_visitor_language(show):
    assert Client(HTTP_ACCEPT_LANGUAGE="ko").get("/showcase/")["Location"] == "/showcase/ko/"
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/showcase/")["Location"] == "/showcase/en/"


def test_welcome_page_links_to_the_showcase(show):
    assert 'href="/showcase/"' in Client().get("/").content.decode()


def test_sitemap_lists_both_languages_and_nothing_private(show):
    body = Client().get("/sitemap.xml").content.decode()
    for lang in ("ko", "en"):
        for page in SHOWCASE_PAGES:
            assert f"<loc>{settings.SITE_URL}{page.format(lang=lang)}</loc>" in body
    for slug in ("private-pact", "private-acc", "internal", "past-day", "draft-day", "private-day"):
        assert slug not in body


def test_robots_points_to_the_sitemap_and_disallows_private_areas(show):
    body = Client().get("/robots.txt").content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body
    for area in ("/admin/", "/api/", "/outcomes/", "/organisations/", "/showcase/manage/"):
        assert f"Disallow: {area}" in body
    assert "Allow: /showcase/" in body


def test_withdrawing_consent_removes_the_startup_at_once(show):
    client = Client()
    assert "OpenMed Labs" in client.get("/showcase/en/").content.decode()
    founder_client = Client()
    founder_client.force_login(show["founder"])
    response = founder_client.post("/organisations/openmed/public-listing/withdraw/")
    assert response.status_code == 302
    body = client.get("/showcase/en/").content.decode()
    assert "OpenMed Labs" not in body and "Seed Round With Harbor Ventures" not in body
    consent = PublicListingConsent.objects.get(organisation=show["startup"])
    assert consent.withdrawn_by == show["founder"] and consent.given_by == show["site_admin"]
    # Given again: a new row, the history keeps both.
    founder_client.post("/organisations/openmed/public-listing/give/")
    assert PublicListingConsent.objects.filter(organisation=show["startup"]).count() == 2
    assert "OpenMed Labs" in client.get("/showcase/en/").content.decode()
    page = founder_client.get("/organisations/openmed/").content.decode()
    assert 'data-listing-consent="given"' in page


def test_only_admins_decide_consent(show):
    with pytest.raises(Refused) as refused:
        registry_services.give_listing_consent(organisation=show["quiet"], by=show["manager"])
    assert refused.value.code == "permission.registry.change_listing_consent"
    client = Client()
    client.force_login(show["manager"])
    assert client.post("/organisations/quiet/public-listing/give/").status_code == 403
    assert "data-listing-consent" not in client.get("/organisations/quiet/").content.decode()
    with pytest.raises(Refused) as twice:
        registry_services.give_listing_consent(organisation=show["startup"], by=show["site_admin"])
    assert twice.value.code == "registry.listing_consent.already_given"
    with pytest.raises(Refused) as nothing:
        registry_services.withdraw_listing_consent(organisation=show["quiet"], by=show["site_admin"])
    assert nothing.value.code == "registry.listing_consent.not_given"


def test_public_outcomes_use_the_report_rule(show):
    shown = public.outcomes([show["program"].pk])
    assert [o.title_en for o in shown] == ["Seed Round With Harbor Ventures"]


def test_a_visitor_requests_an_invitation_and_the_staff_handle_it(show):
    client = Client()
    data = {"name": "Jane Kim", "organisation": "Harbor Ventures", "email": "jane@harbor.example", "message": "Hi"}
    response = client.post("/showcase/en/events/sd-day/", data)
    assert response.status_code == 302
    request = InvitationRequest.objects.get()
    assert (request.name, request.language, request.event) == ("Jane Kim", "en", show["event"])
    notice = Notification.objects.get(user=show["manager"])
    assert "Jane Kim" in notice.text and notice.url == "/showcase/manage/events/sd-day/invitations/"
    assert not Notification.objects.filter(user=show["hidden_manager"]).exists()

    staff = Client()
    staff.force_login(show["manager"])
    page = staff.get(notice.url).content.decode()
    assert "jane@harbor.example" in page and 'data-handled="no"' in page
    staff.post(f"/showcase/manage/invitations/{request.pk}/handled/")
    request.refresh_from_db()
    assert request.handled_by == show["manager"] and request.handled_at is not None
    with pytest.raises(Refused) as again:
        services.mark_handled(invitation=request, by=show["manager"])
    assert again.value.code == "showcase.invitation.already_handled"

    # Another program's manager may not read or handle them.
    other = Client()
    other.force_login(show["hidden_manager"])
    assert other.get(notice.url).status_code == 403
    assert other.post(f"/showcase/manage/invitations/{request.pk}/handled/").status_code == 403


def test_invitation_form_refuses_bad_input_robots_and_floods(show):
    client = Client()
    good = {"name": "Jane", "organisation": "Harbor", "email": "jane@harbor.example"}
    assert client.post("/showcase/en/events/sd-day/", {**good, "email": "not-an-address"}).status_code == 422
    assert client.post("/showcase/en/events/sd-day/", {**good, "name": "Jane\x07"}).status_code in (400, 422)
    assert client.post("/showcase/en/events/sd-day/", {**good, "website": "http://spam"}).status_code == 422
    assert not InvitationRequest.objects.exists()
    statuses = [
        client.post("/showcase/en/events/sd-day/", {**good, "email": f"p{i}@harbor.example"}).status_code
        for i in range(REQUESTS_PER_ADDRESS + 1)
    ]
    assert statuses[:REQUESTS_PER_ADDRESS] == [302] * REQUESTS_PER_ADDRESS and statuses[-1] == 429
    assert InvitationRequest.objects.count() == REQUESTS_PER_ADDRESS


def test_no_request_for_an_event_that_is_not_public(show):
    assert Client().post("/showcase/en/events/private-day/", {"name": "x"}).status_code == 404
    with pytest.raises(Refused) as refused:
        services.request_invitation(
            event=show["hidden_event"], name="a", organisation="b", email="a@b.example", message="", language="en"
        )
    assert refused.value.code == "showcase.event.not_open"


def test_requests_reach_site_admins_when_the_program_has_no_manager(show):
    show["manager"].roles.all().delete()
    admin = grant(UserFactory(username="admin2"), "site_admin")
    services.request_invitation(
        event=show["event"], name="a", organisation="b", email="a@b.example", message="", language="ko"
    )
    assert Notification.objects.filter(user=admin).exists()


def test_an_event_is_upcoming_until_its_first_day_ends_where_it_takes_place(show):
    import datetime as dt
    import zoneinfo

    event = show["event"]  # America/Los_Angeles
    event.sessions.all().delete()
    event.sessions.create(date=dt.date(2026, 11, 30), starts=dt.time(9), ends=dt.time(12))
    # 04:20 on 1 December in Seoul is still 30 November in San Diego: announced.
    late = dt.datetime(2026, 11, 30, 19, 20, tzinfo=dt.UTC)
    assert zoneinfo.ZoneInfo("Asia/Seoul") and late.astimezone(zoneinfo.ZoneInfo("Asia/Seoul")).day == 1
    assert public.events(now=late).filter(pk=event.pk).exists()
    # Midnight in San Diego: the day has passed.
    assert not public.events(now=dt.datetime(2026, 12, 1, 8, 1, tzinfo=dt.UTC)).filter(pk=event.pk).exists()


def test_each_language_version_is_entirely_in_its_language(show):
    """The page's language is the address's, whatever the visitor's preference (cookie or browser)."""
    korean = Client(HTTP_ACCEPT_LANGUAGE="en").get("/showcase/ko/").content.decode()
    assert "울산–샌디에이고 클러스터 협력이 만들어 낸" in korean and "What the Ulsan" not in korean
    english = Client(HTTP_ACCEPT_LANGUAGE="ko").get("/showcase/en/").content.decode()
    assert "What the Ulsan–San Diego cluster cooperation produced" in english


def test_the_signing_date_is_the_date_where_it_was_signed(show):
    import datetime as dt
    import zoneinfo

    agreement = show["agreement"]
    agreement.time_zone = "America/Los_Angeles"
    agreement.signed_at = dt.datetime(2024, 1, 17, 10, 30, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    agreement.save()
    client = Client()
    client.cookies["bridgehead_time_zone"] = "Asia/Seoul"
    assert "17 Jan 2024" in client.get("/showcase/en/agreements/ulsan-sd/").content.decode()


def test_privacy_export_and_erase_cover_invitation_requests(show):
    from bridgehead.core.privacy import Subject
    from bridgehead.showcase import privacy

    show["event"].invitation_requests.create(name="Min", organisation="OpenMed", email="Founder@OpenMed.example")
    show["event"].invitation_requests.create(name="Other", organisation="X", email="other@x.example")
    subject = Subject(user=show["founder"])
    rows = privacy.export(subject).sections["invitation_requests"]
    assert [r["name"] for r in rows] == ["Min"]
    assert privacy.erase(subject)[0].count == 1
    assert list(InvitationRequest.objects.values_list("name", flat=True)) == ["Other"]
