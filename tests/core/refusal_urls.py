"""The site's URLs plus views that refuse, for the refusal tests."""

from django.http import HttpResponse
from django.urls import path

from bridgehead.core.errors import Kind, Refused
from bridgehead.core.permissions import require
from bridgehead.site.urls import urlpatterns as site_urlpatterns


def conflict(request):
    if request.method == "POST":
        raise Refused("test.state.closed", "The call is closed.", kind=Kind.CONFLICT)
    return HttpResponse("form")


def forbidden(request):
    require(request.user, "core.manage_users")
    return HttpResponse("allowed")


def specific(request):
    require(request.user, "core.manage_users", message="Only site administrators manage users.")
    return HttpResponse("allowed")


urlpatterns = [
    path("refuse/conflict/", conflict),
    path("refuse/forbidden/", forbidden),
    path("refuse/specific/", specific),
    *site_urlpatterns,
]
