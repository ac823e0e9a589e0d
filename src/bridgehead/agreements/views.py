"""Agreement pages: what was signed, by whom, when (in the place's and the viewer's time zone), and what
each commitment is served by."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bridgehead.agreements.models import Agreement
from bridgehead.agreements.rules import visible_agreements
from bridgehead.core import uploads
from bridgehead.core.http import require


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = visible_agreements(request.user, Agreement.objects.prefetch_related("signatories__organisation"))
    return render(request, "agreements/agreement_list.html", {"agreements": agreements})


@login_required
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = get_object_or_404(Agreement, slug=slug)
    require(request.user, "agreements.view_agreement", agreement, hide=True)
    commitments = agreement.commitments.prefetch_related("sectors", "programs")
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "signatories": agreement.signatories.select_related("organisation"),
            "commitments": commitments,
            "programs": agreement.programs.all(),
        },
    )


@login_required
def agreement_document(request: HttpRequest, slug: str) -> FileResponse:
    """The signed document, only for those who may see the agreement (anyone else: 404, as for the page);
    never from a public media address."""
    agreement = get_object_or_404(Agreement, slug=slug)
    require(request.user, "agreements.view_agreement", agreement, hide=True)
    if not agreement.document:
        raise Http404
    return uploads.attachment(agreement.document, name=agreement.document_name, content_type=agreement.document_type)
