"""The site's URLs plus one view that fails, for the error-page tests."""

from django.urls import path

from bridgehead.site.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("boom for the error-page test")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
