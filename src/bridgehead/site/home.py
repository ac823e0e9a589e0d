"""The home page: it gathers every app's view of the signed-in user, so it lives in ``site``, above them all.

(It used to sit in ``core``, which made the bottom layer import the apps built on it.)
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bridgehead.agreements.models import Agreement
from bridgehead.agreements.rules import visible_agreements
from bridgehead.partnering import day
from bridgehead.programs.models import Program
from bridgehead.programs.rules import visible_programs
from bridgehead.registry.models import Cluster, Organisation


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in home page. A partnering participant opens on their next meeting (one click from the
    check-in), then later meetings and waiting requests; staff and observers keep agreements and programs."""
    if not request.user.is_authenticated:
        return render(request, "site/welcome.html", {"clusters": Cluster.objects.all()})
    agreements = visible_agreements(request.user, Agreement.objects.all()).prefetch_related("signatories")
    programs = visible_programs(request.user, Program.objects.select_related("agreement"))
    my_roles = request.user.roles.select_related("program", "agreement", "organisation")
    return render(
        request,
        "site/home.html",
        {
            "agreements": agreements,
            "programs": programs,
            "my_roles": my_roles,
            "clusters": Cluster.objects.all(),
            "organisation_count": Organisation.objects.count(),
            "day": day.summary(request.user),
        },
    )
