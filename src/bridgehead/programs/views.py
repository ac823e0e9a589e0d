from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bridgehead.core.http import require
from bridgehead.programs.models import Program
from bridgehead.programs.rules import visible_programs


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    programs = visible_programs(request.user, Program.objects.select_related("agreement"))
    return render(request, "programs/program_list.html", {"programs": programs})


@login_required
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("agreement"), slug=slug)
    require(request.user, "programs.view_program", program, hide=True)
    return render(request, "programs/program_detail.html", {
        "program": program,
        "operators": program.operators.all(),
        "commitments": program.commitments.all(),
    })
