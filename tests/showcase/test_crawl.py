"""Nothing private is reachable: crawl every same-site link from the showcase's start page as an anonymous
visitor, in both languages, and look for every secret of the world in every page."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.showcase.conftest import SECRETS

#: Pages outside the showcase that anyone may read (the log-in page and the welcome page).
PUBLIC_ELSEWHERE = ("/", "/accounts/login/", "/accounts/password_reset/")
HREF = re.compile(r"""(?:href|action)="([^"#]*)""")


def same_site_path(base: str, link: str) -> str | None:
    if link.startswith(("mailto:", "tel:", "javascript:")):
        return None
    absolute = urljoin("http://testserver" + base, link)
    parts = urlsplit(absolute)
    site = urlsplit(settings.SITE_URL)
    if parts.netloc not in ("testserver", site.netloc):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, start: str) -> dict[str, int]:
    """Every page reached from ``start``: showcase pages are followed, the others only answered."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue:
        path = queue.pop()
        if path in seen or path.startswith(settings.STATIC_URL):
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code in (301, 302):
            target = response["Location"]
            seen[path] = f"302 {target}"
            if path.startswith("/showcase/") and target.startswith("/showcase/"):
                queue.append(target)
            continue
        body = response.content.decode()
        for name, secret in SECRETS.items():
            assert secret not in body, f"{name} ({secret!r}) appears on {path}"
        if not (path.startswith("/showcase/") or path in ("/sitemap.xml", "/robots.txt")):
            continue
        for link in HREF.findall(body) + re.findall(r"<loc>([^<]+)</loc>", body):
            found = same_site_path(path, link)
            if found:
                queue.append(found)
    return seen


@pytest.mark.parametrize("language", ["ko", "en"])
def test_anonymous_crawl_shows_nothing_private(show, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    seen = crawl(client, "/showcase/")
    seen.update(crawl(client, "/sitemap.xml"))
    showcase_pages = [p for p, status in seen.items() if p.startswith("/showcase/") and status == 200]
    # Both language versions of the start, agreement, program and event pages were reached.
    for lang in ("ko", "en"):
        for path in ("", "agreements/ulsan-sd/", "programs/bio-bridge/", "events/sd-day/"):
            assert f"/showcase/{lang}/{path}" in showcase_pages, (lang, path, sorted(seen))
    for path, status in seen.items():
        if path.startswith("/showcase/") or path in ("/sitemap.xml", "/robots.txt") or path in PUBLIC_ELSEWHERE:
            assert status == 200 or str(status).startswith("302 /showcase/"), (path, status)
        else:
            assert status == 404 or str(status).startswith("302 /accounts/login/"), (path, status)
    # The private tenant's, draft, past pages answer 404 to a visitor who guesses their address.
    for path in (
        "/showcase/en/agreements/private-pact/",
        "/showcase/en/programs/private-acc/",
        "/showcase/en/programs/internal/",
        "/showcase/en/events/private-day/",
        "/showcase/en/events/past-day/",
        "/showcase/ko/events/draft-day/",
    ):
        assert client.get(path).status_code == 404, path


def test_crawl_finds_the_public_content(show):
    body = Client().get("/showcase/en/agreements/ulsan-sd/").content.decode()
    for text in (
        "Ulsan–San Diego MOU",
        "Exchange twenty startups a year",
        "Bio Bridge",
        "OpenMed Labs",
        "Seed Round With Harbor Ventures",
        "123,456",
        "San Diego Partnering Day",
        "Ulsan City",
    ):
        assert text in body, text
    korean = Client().get("/showcase/ko/programs/bio-bridge/").content.decode()
    for text in ("바이오 브릿지", "헬스케어 스타트업 액셀러레이터입니다.", "오픈메드랩스", "하버벤처스 시드 투자"):
        assert text in korean, text


def test_private_addresses_next_to_the_showcase_stay_closed(show):
    """What a visitor could guess from the showcase's addresses: the staff list, the organisation's page, the
    events and outcomes behind the log-in."""
    client = Client()
    request = show["event"].invitation_requests.create(name="A", organisation="B", email="a@b.example")
    for path in (
        "/showcase/manage/events/sd-day/invitations/",
        "/organisations/openmed/",
        "/events/sd-day/",
        f"/outcomes/{show['public_outcome'].pk}/",
        "/programs/bio-bridge/",
        "/agreements/ulsan-sd/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path
    response = client.post(f"/showcase/manage/invitations/{request.pk}/handled/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
