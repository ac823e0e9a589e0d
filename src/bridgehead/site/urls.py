"""Top-level routes: each app owns its own ``urls.py``; the API is one django-ninja instance."""

from django.contrib import admin
from django.urls import include, path

from bridgehead.api.urls import api
from bridgehead.partnering.views import calendar_feed
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
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
