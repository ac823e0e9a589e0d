"""Top-level routes: each app owns its own ``urls.py``; the API is one django-ninja instance."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from bridgehead.api.urls import api
from bridgehead.partnering.views import calendar_feed
from bridgehead.showcase.sitemaps import SITEMAPS
from bridgehead.showcase.views import robots
from bridgehead.site.home import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("bridgehead.core.urls")),
    path("", include("bridgehead.registry.urls")),
    path("agreements/", include("bridgehead.agreements.urls")),
    path("programs/", include("bridgehead.programs.urls")),
    path("events/", include("bridgehead.partnering.urls")),
    path("outcomes/", include("bridgehead.outcomes.urls")),
    path("messages/", include("bridgehead.conversations.urls")),
    path("showcase/", include("bridgehead.showcase.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots, name="robots"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
