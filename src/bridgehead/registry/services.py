"""Registry domain logic: imports through batches, exports, and edits — called by views, API and CLI alike.

Every change is a domain action (``core.actions.domain_action``): one transaction, the acting user ``by``
checked against ``registry/rules.py`` and named in the audit log of every organisation and person written.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bridgehead.core.actions import domain_action
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import User
from bridgehead.core.permissions import require
from bridgehead.core.spreadsheets import write_csv, write_xlsx
from bridgehead.registry import importing, memberships, rules
from bridgehead.registry.importing import ImportResult, Problem
from bridgehead.registry.models import ImportBatch, Organisation, Person, PublicListingConsent


@domain_action
def preview_import(*, kind: str, filename: str, content: bytes, by: User) -> tuple[ImportBatch, ImportResult]:
    """Keep the upload and validate it, writing no domain object, so the user sees every problem first."""
    require(by, "registry.import_organisations")
    result = importing.validate_file(kind, filename, content)
    batch = ImportBatch.objects.create(
        kind=kind,
        filename=filename[:255],
        content=content,
        created_by=by,
        summary={"rows": len(result.rows), "problems": len(result.problems), "encoding": result.encoding},
    )
    return batch, result


@domain_action
def commit_import(*, batch_id: int, by: User) -> ImportResult:
    """Create every row of a previewed batch in one transaction, or nothing.

    The batch row is locked and its status checked inside the same transaction, so two concurrent
    submissions of the same preview cannot both import it (the second is refused:
    ``registry.import.already_committed``).
    """
    require(by, "registry.import_organisations")
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id, created_by=by)
    if batch.status == ImportBatch.Status.COMMITTED:
        raise Refused("registry.import.already_committed", gettext_lazy("This file was already imported."))
    result = importing.import_file(batch.kind, batch.filename, bytes(batch.content))
    if not result.ok:
        # Something changed since the preview (e.g. someone else imported the same names): report it.
        batch.status = ImportBatch.Status.FAILED
        batch.summary = {**batch.summary, "problems": len(result.problems)}
        batch.save(update_fields=["status", "summary"])
        return result
    batch.status = ImportBatch.Status.COMMITTED
    batch.summary = {**batch.summary, "created": result.created}
    batch.content = b""  # the data now lives in the registry; don't keep a second copy of personal data
    batch.save(update_fields=["status", "summary", "content"])
    return result


@domain_action
def import_spreadsheet(*, kind: str, filename: str, content: bytes, by: User, dry_run: bool = False) -> ImportResult:
    """Validate and import a file in one go, all or nothing (the ``bridgehead import`` command)."""
    require(by, "registry.import_organisations")
    return importing.import_file(kind, filename, content, dry_run=dry_run)


def organisation_rows(queryset: QuerySet[Organisation]) -> tuple[list[str], list[list[object]]]:
    """Rows in the import format, so an exported file can be edited and imported elsewhere."""
    columns = [c for c in importing.ORGANISATION_COLUMNS if not c.field.startswith("contact_")]
    headers = [c.label for c in columns]
    rows = []
    for org in queryset.select_related("cluster").prefetch_related("sectors"):
        values = {
            "name_en": org.name_en,
            "name_ko": org.name_ko,
            "kind": org.kind,
            "country": org.country,
            "city": org.city,
            "cluster": org.cluster.slug if org.cluster else "",
            "sectors": "; ".join(s.code for s in org.sectors.all()),
            "stage": org.stage,
            "website": org.website,
            "markets_sought": "; ".join(org.markets_sought),
            "description_en": org.description_en,
            "description_ko": org.description_ko,
        }
        rows.append([values[c.field] for c in columns])
    return headers, rows


def person_rows(queryset: QuerySet[Person]) -> tuple[list[str], list[list[object]]]:
    headers = [c.label for c in importing.PERSON_COLUMNS]
    rows = [
        [
            p.name_en,
            p.name_ko,
            p.organisation.name if p.organisation else "",
            p.title_en,
            p.title_ko,
            p.email,
            p.time_zone,
            "; ".join(p.languages),
        ]
        for p in queryset.select_related("organisation")
    ]
    return headers, rows


def export(*, kind: str, queryset: QuerySet, file_format: str) -> bytes:
    headers, rows = organisation_rows(queryset) if kind == "organisations" else person_rows(queryset)
    if file_format == "csv":
        return write_csv(headers, rows)
    title = _("Organisations") if kind == "organisations" else _("People")
    return write_xlsx([(str(title), headers, rows)])


def problems_as_text(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


@domain_action
def save_organisation(*, form, by: User) -> Organisation:
    """Save a validated organisation form with its sectors (the audit log names ``by``)."""
    if form.instance.pk:
        require(by, "registry.change_organisation", Organisation.objects.get(pk=form.instance.pk))
    else:
        require(by, "registry.add_organisation")
    organisation = form.save(commit=False)
    if not organisation.slug:
        taken = set(Organisation.objects.values_list("slug", flat=True))
        organisation.slug = importing.unique_slug(organisation.name_en or organisation.name_ko, taken)
    organisation.save()
    form.save_m2m()
    return organisation


@domain_action
def save_person(*, form, by: User) -> Person:
    """Save a validated person form (the audit log names ``by``).

    Affiliation is not part of a person's record: a new person's organisation becomes a membership the
    creator must be able to grant, and an existing person's organisation changes only through memberships
    (``registry.person.organisation_by_membership``). The contact e-mail is narrower than the rest of the
    record (``registry.change_person_contact``), and the person changing their own needs their password.
    """
    if not form.instance.pk:
        require(by, "registry.add_person")
        organisation = form.cleaned_data.get("organisation")
        if organisation is not None:
            require(by, "registry.manage_members", organisation)
        person = form.save()
        if organisation is not None:
            memberships.record_member(person, organisation, by=by)
        return person
    before = Person.objects.select_for_update().get(pk=form.instance.pk)
    require(by, "registry.change_person", before)
    if "organisation" in form.changed_data:
        raise Refused(
            "registry.person.organisation_by_membership",
            gettext_lazy("The organisation follows memberships: ask to join, or ask its admins to change it."),
            kind=Kind.INVALID,
            field="organisation",
        )
    if "email" in form.changed_data:
        require(by, "registry.change_person_contact", before)
        if before.user_id == by.pk and not by.check_password(form.cleaned_data.get("current_password") or ""):
            raise Refused(
                "registry.person.password_required",
                gettext_lazy("Enter your current password to change your e-mail address."),
                kind=Kind.INVALID,
                field="current_password",
            )
    return form.save()


def exportable_people(by: User) -> QuerySet[Person]:
    """The people whose contact details ``by`` may export (``registry.rules.exportable_people``)."""
    return rules.exportable_people(by)


@domain_action
def give_listing_consent(*, organisation: Organisation, by: User) -> PublicListingConsent:
    """Record that the organisation agrees to be named on the public showcase (who agreed, and when)."""
    require(by, "registry.change_listing_consent", organisation)
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # two admins clicking at once: one row
    if PublicListingConsent.objects.filter(organisation=organisation, withdrawn_at__isnull=True).exists():
        raise Refused(
            "registry.listing_consent.already_given",
            _("This organisation already agrees to be listed in public."),
            kind=Kind.CONFLICT,
        )
    return PublicListingConsent.objects.create(organisation=organisation, given_by=by, given_at=timezone.now())


@domain_action
def withdraw_listing_consent(*, organisation: Organisation, by: User) -> PublicListingConsent:
    """Withdraw the current consent: the showcase stops naming the organisation from the next page load."""
    require(by, "registry.change_listing_consent", organisation)
    current = (
        PublicListingConsent.objects.select_for_update()
        .filter(organisation=organisation, withdrawn_at__isnull=True)
        .first()
    )
    if current is None:
        raise Refused(
            "registry.listing_consent.not_given",
            _("This organisation does not agree to be listed in public; there is nothing to withdraw."),
            kind=Kind.CONFLICT,
        )
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = by
    current.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return current
