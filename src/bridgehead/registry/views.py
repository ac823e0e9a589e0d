"""Registry pages: clusters, the organisation directory, people, imports and exports (thin: services do the work).

The services decide who may change what (``registry/rules.py``); a page checks the same permission only
before showing a form or a file, and hides another user's import batch (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bridgehead.core import refusals
from bridgehead.core.errors import Refused
from bridgehead.core.http import XLSX_TYPE, download, require
from bridgehead.registry import importing, memberships, services
from bridgehead.registry.forms import (
    DirectoryFilterForm,
    ImportUploadForm,
    InviteMemberForm,
    OrganisationForm,
    PersonForm,
)
from bridgehead.registry.models import (
    OPEN_STATUSES,
    Cluster,
    ImportBatch,
    Membership,
    MembershipStatus,
    Organisation,
    Person,
)
from bridgehead.registry.search import search

IMPORT_KINDS = {"organisations": gettext_lazy("organisations"), "people": gettext_lazy("people")}


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    clusters = Cluster.objects.annotate(organisation_count=Count("organisations")).prefetch_related("facts")
    return render(request, "registry/cluster_list.html", {"clusters": clusters})


@login_required
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = get_object_or_404(Cluster, slug=slug)
    organisations = cluster.organisations.prefetch_related("sectors")[:50]
    return render(
        request,
        "registry/cluster_detail.html",
        {
            "cluster": cluster,
            "facts": cluster.facts.all(),
            "organisations": organisations,
        },
    )


def filtered_organisations(params) -> tuple[DirectoryFilterForm, object]:
    """The directory query shared by the page, its htmx partial and the export."""
    form = DirectoryFilterForm(params or None)
    queryset = Organisation.objects.select_related("cluster").prefetch_related("sectors")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = search(queryset, data["q"])
        if data["cluster"]:
            queryset = queryset.filter(cluster=data["cluster"])
        if data["sector"]:
            code = data["sector"].code
            queryset = queryset.filter(sectors__code__in=[code]) | queryset.filter(sectors__code__startswith=code + ".")
            queryset = queryset.distinct()
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["stage"]:
            queryset = queryset.filter(stage=data["stage"])
    return form, queryset


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view_directory")
    form, queryset = filtered_organisations(request.GET)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_add": request.user.has_perm("registry.add_organisation"),
        "can_import": request.user.has_perm("registry.import_organisations"),
    }
    template = "registry/_organisation_results.html" if request.htmx else "registry/organisation_list.html"
    return render(request, template, context)


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("cluster"), slug=slug)
    mine = Membership.objects.filter(
        person__user=request.user, organisation=organisation, status__in=OPEN_STATUSES
    ).first()
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "people": Person.objects.filter(
                memberships__organisation=organisation, memberships__status=MembershipStatus.ACTIVE
            ).distinct(),
            "signatures": organisation.signatures.select_related("agreement"),
            "can_edit": request.user.has_perm("registry.change_organisation", organisation),
            "my_membership": mine,
            "can_manage_members": request.user.has_perm("registry.manage_members", organisation),
            "can_change_consent": request.user.has_perm("registry.change_listing_consent", organisation),
            "consents": organisation.listing_consents.select_related("given_by", "withdrawn_by"),
        },
    )


@login_required
@require_POST
def organisation_listing_consent(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Give or withdraw the organisation's consent to be named on the public showcase (its admins)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if action not in ("give", "withdraw"):
        raise Http404
    require(request.user, "registry.change_listing_consent", organisation)
    with refusals.flashed(request):
        if action == "give":
            services.give_listing_consent(organisation=organisation, by=request.user)
            messages.success(request, _("%(name)s is now listed on the public showcase.") % {"name": organisation.name})
        else:
            services.withdraw_listing_consent(organisation=organisation, by=request.user)
            messages.success(
                request, _("%(name)s is no longer listed on the public showcase.") % {"name": organisation.name}
            )
    return redirect("organisation-detail", slug=slug)


@login_required
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of an organisation; its admin members (and site admins, and managers of a program it takes
    part in) also see requests, invitations and history, and invite people by their account."""
    organisation = get_object_or_404(Organisation, slug=slug)
    can_manage = request.user.has_perm("registry.manage_members", organisation)
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "registry.manage_members", organisation)
        if form.is_valid():
            with refusals.flashed(request):
                invited = memberships.invite_member(
                    organisation=organisation,
                    user=form.cleaned_data["user"],
                    is_admin=form.cleaned_data["is_admin"],
                    by=request.user,
                )
                messages.success(request, _("%(name)s was invited.") % {"name": invited.person.name})
            return redirect("organisation-members", slug=slug)
    rows = Membership.objects.filter(organisation=organisation).select_related("person", "decided_by")
    return render(
        request,
        "registry/organisation_members.html",
        {
            "organisation": organisation,
            "active": [m for m in rows if m.status == MembershipStatus.ACTIVE],
            "pending": [m for m in rows if m.status in (MembershipStatus.REQUESTED, MembershipStatus.INVITED)]
            if can_manage
            else [],
            "history": [m for m in rows if m.status in (MembershipStatus.ENDED, MembershipStatus.DECLINED)]
            if can_manage
            else [],
            "can_manage": can_manage,
            "form": form if can_manage else None,
        },
    )


@login_required
@require_POST
def organisation_join(request: HttpRequest, slug: str) -> HttpResponse:
    """A signed-in person asks to join; the organisation's admins decide."""
    organisation = get_object_or_404(Organisation, slug=slug)
    with refusals.flashed(request):
        memberships.request_membership(organisation=organisation, by=request.user)
        messages.success(request, _("Your request was sent to the admins of %(name)s.") % {"name": organisation.name})
    return redirect("organisation-detail", slug=slug)


MEMBERSHIP_ACTIONS = {
    "approve": (memberships.approve_membership, gettext_lazy("The membership is active.")),
    "decline": (memberships.decline_membership, gettext_lazy("The membership was declined.")),
    "end": (memberships.end_membership, gettext_lazy("The membership has ended.")),
}


@login_required
@require_POST
def membership_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve, decline or end one membership; who may is the service's rule. Hidden (404) from people who
    are neither its person nor on its organisation's side."""
    membership = get_object_or_404(Membership.objects.select_related("person", "organisation"), pk=pk)
    if action not in MEMBERSHIP_ACTIONS:
        raise Http404
    own = membership.person.user_id == request.user.pk
    if not (own or request.user.has_perm("registry.manage_members", membership.organisation)):
        raise Http404
    service, done = MEMBERSHIP_ACTIONS[action]
    with refusals.flashed(request):
        service(membership=membership, by=request.user)
        messages.success(request, str(done))
    back = request.POST.get("next", "")
    if back == "person":
        return redirect("person-detail", pk=membership.person_id)
    return redirect("organisation-members", slug=membership.organisation.slug)


@login_required
def organisation_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug) if slug else None
    if organisation:
        require(request.user, "registry.change_organisation", organisation)
    else:
        require(request.user, "registry.add_organisation")
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        saved = services.save_organisation(form=form, by=request.user)
        messages.success(request, _("“%(name)s” was saved.") % {"name": saved.name})
        return redirect("organisation-detail", slug=saved.slug)
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's record with their affiliations: current ones for everyone; pending requests, invitations
    and past ones for the person themselves and for those who may see their contact details."""
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    is_self = person.user_id is not None and person.user_id == request.user.pk
    can_see_contact = request.user.has_perm("registry.view_person_contact", person)
    rows = person.memberships.select_related("organisation").order_by("-requested_at")
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "is_self": is_self,
            "can_see_contact": can_see_contact,
            "can_edit": request.user.has_perm("registry.change_person", person),
            "affiliations": [m for m in rows if m.status == MembershipStatus.ACTIVE],
            "pending": [m for m in rows if m.status in (MembershipStatus.REQUESTED, MembershipStatus.INVITED)]
            if is_self or can_see_contact
            else [],
            "past": [m for m in rows if m.status == MembershipStatus.ENDED] if is_self or can_see_contact else [],
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    require(request.user, "registry.change_person", person)
    form = PersonForm(request.POST or None, instance=person)
    form.show_organisation_only()
    if not request.user.has_perm("registry.change_person_contact", person):
        form.fields["email"].disabled = True
    if person.user_id != request.user.pk:
        del form.fields["current_password"]
    if request.method == "POST" and form.is_valid():
        try:
            services.save_person(form=form, by=request.user)
        except Refused as refusal:
            refusals.to_form(form, refusal)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": person.name})
            return redirect("person-detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@login_required
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    require(request.user, "registry.import_organisations")
    if kind not in IMPORT_KINDS:
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch, _result = services.preview_import(
            kind=kind, filename=upload.name, content=upload.read(), by=request.user
        )
        return redirect("import-preview", pk=batch.pk)
    columns = importing.SCHEMAS[kind][0]
    return render(
        request,
        "registry/import_upload.html",
        {"form": form, "kind": kind, "columns": columns, "kind_label": IMPORT_KINDS[kind]},
    )


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "registry.import_organisations")
    batch = get_object_or_404(ImportBatch, pk=pk, created_by=request.user)
    result = None
    if batch.status == ImportBatch.Status.PREVIEWED:
        result = importing.validate_file(batch.kind, batch.filename, bytes(batch.content))
    return render(request, "registry/import_preview.html", {"batch": batch, "result": result})


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(ImportBatch, pk=pk, created_by=request.user)
    try:
        result = services.commit_import(batch_id=pk, by=request.user)
    except Refused as exc:
        refusals.flash(request, exc)
        return redirect("import-preview", pk=pk)
    if result.ok:
        messages.success(request, _("%(count)s rows were imported.") % {"count": result.created})
        return redirect("organisation-list")
    messages.error(request, _("Nothing was imported: the file has problems."))
    return render(request, "registry/import_preview.html", {"batch": ImportBatch.objects.get(pk=pk), "result": result})


@login_required
def export(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    require(request.user, "registry.export_organisations")
    if kind not in IMPORT_KINDS or file_format not in ("csv", "xlsx"):
        raise Http404
    if kind == "organisations":
        _form, queryset = filtered_organisations(request.GET)
    else:
        queryset = services.exportable_people(request.user)
    content = services.export(kind=kind, queryset=queryset, file_format=file_format)
    content_type = XLSX_TYPE if file_format == "xlsx" else "text/csv; charset=utf-8"
    return download(content, f"bridgehead-{kind}.{file_format}", content_type)
