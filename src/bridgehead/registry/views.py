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
from bridgehead.registry import importing, services
from bridgehead.registry.forms import DirectoryFilterForm, ImportUploadForm, OrganisationForm, PersonForm
from bridgehead.registry.models import Cluster, ImportBatch, Organisation, Person
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
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "people": organisation.people.all(),
            "signatures": organisation.signatures.select_related("agreement"),
            "can_edit": request.user.has_perm("registry.change_organisation", organisation),
        },
    )


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
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=pk)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "can_see_contact": request.user.has_perm("registry.view_person_contact", person),
            "can_edit": request.user.has_perm("registry.change_person", person),
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    require(request.user, "registry.change_person", person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.save_person(form=form, by=request.user)
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
        queryset = Person.objects.all()
    content = services.export(kind=kind, queryset=queryset, file_format=file_format)
    content_type = XLSX_TYPE if file_format == "xlsx" else "text/csv; charset=utf-8"
    return download(content, f"bridgehead-{kind}.{file_format}", content_type)
