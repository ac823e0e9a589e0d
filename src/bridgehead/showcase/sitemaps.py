"""``/sitemap.xml``: every public showcase page, once per language, read through the same rules as the pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from bridgehead.showcase import public

LANGUAGES = ("ko", "en")


class ShowcaseSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[tuple[str, str, dict]]:
        pages: list[tuple[str, dict]] = [("showcase-home", {})]
        pages += [("showcase-agreement", {"slug": a.slug}) for a in public.agreements()]
        pages += [("showcase-program", {"slug": p.slug}) for p in public.programs()]
        pages += [("showcase-event", {"slug": e.slug}) for e in public.events()]
        return [(name, lang, kwargs) for name, kwargs in pages for lang in LANGUAGES]

    def get_protocol(self, protocol=None) -> str:
        """The public address (``SITE_URL``), like every other absolute link, not the request's host."""
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def location(self, item: tuple[str, str, dict]) -> str:
        name, lang, kwargs = item
        return reverse(name, kwargs={**kwargs, "lang": lang})


SITEMAPS = {"showcase": ShowcaseSitemap}
