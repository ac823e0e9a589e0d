"""Agreement documents (Issue 13 finding 10): the page linked to /media/…, which is not served (and serving it
would expose every upload). The document is now served by a view that asks whether the viewer may see the
agreement (the other tenant gets 404), as an attachment of the type sniffed from its bytes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bridgehead.agreements.models import Agreement

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def _attach(agreement: Agreement, name: str = "협약서.pdf", content: bytes = PDF) -> Agreement:
    agreement.document = SimpleUploadedFile(name, content, content_type="text/html")
    agreement.full_clean()
    agreement.save()
    return agreement


def test_document_is_stored_under_a_random_name_with_its_sniffed_type(world):
    agreement = _attach(world["ours"], "signed.html")
    assert agreement.document.name.startswith("agreements/")
    assert "signed" not in agreement.document.name
    assert (agreement.document_name, agreement.document_type) == ("signed.html", "application/pdf")


def test_html_document_is_refused(world):
    agreement = world["ours"]
    agreement.document = SimpleUploadedFile("mou.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()
    assert [e.code for e in refused.value.error_dict["document"]] == ["file_type"]


@pytest.mark.parametrize(
    ("role", "ours", "theirs"),
    [
        ("admin", 200, 200),
        ("manager", 200, 404),
        ("observer", 200, 404),
        ("signatory_member", 200, 404),
        ("startup", 404, 404),
        ("guest", 404, 404),
    ],
)
def test_document_is_served_only_to_those_who_may_see_the_agreement(world, login, role, ours, theirs):
    _attach(world["ours"])
    _attach(world["theirs"])
    client = login(world["users"][role])
    response = client.get(reverse("agreement-document", args=["ours"]))
    assert response.status_code == ours
    if ours == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == "attachment; filename*=utf-8''%ED%98%91%EC%95%BD%EC%84%9C.pdf"
        assert b"".join(response.streaming_content) == PDF
    response = client.get(reverse("agreement-document", args=["theirs"]))
    assert response.status_code == theirs
    if theirs == 200:
        assert b"".join(response.streaming_content) == PDF


def test_agreement_without_a_document_has_none_to_serve(world, login):
    assert login(world["users"]["admin"]).get(reverse("agreement-document", args=["ours"])).status_code == 404


def test_detail_page_links_to_the_checked_view_not_media(world, login):
    _attach(world["ours"])
    body = login(world["users"]["observer"]).get(reverse("agreement-detail", args=["ours"])).content.decode()
    assert f'href="{reverse("agreement-document", args=["ours"])}"' in body
    assert "/media/" not in body


def test_a_document_stored_before_names_were_recorded_is_still_served(world, login):
    # Rows from before the migration keep the uploader's name in the path and no recorded type.
    name = default_storage.save("agreements/old-mou.pdf", ContentFile(PDF))
    Agreement.objects.filter(slug="ours").update(document=name, document_name="", document_type="")
    response = login(world["users"]["admin"]).get(reverse("agreement-document", args=["ours"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="old-mou.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_a_document_missing_from_the_disk_is_a_404(world, login):
    Agreement.objects.filter(slug="ours").update(document="agreements/gone.pdf")
    assert login(world["users"]["admin"]).get(reverse("agreement-document", args=["ours"])).status_code == 404


def test_media_is_not_served(world, login):
    _attach(world["ours"])
    name = Agreement.objects.get(slug="ours").document.name
    assert login(world["users"]["admin"]).get(f"/media/{name}").status_code == 404


def test_storage_has_no_public_addresses(world):
    agreement = _attach(world["ours"])
    with pytest.raises(ValueError, match="no public address"):
        agreement.document.url  # noqa: B018 - asking is the mistake under test


def test_admin_links_the_document_to_the_checked_view_and_refuses_html(world, login):
    _attach(world["ours"])
    client = login(world["users"]["admin"])
    world["users"]["admin"].is_staff = world["users"]["admin"].is_superuser = True
    world["users"]["admin"].save()
    agreement = world["ours"]
    page = client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk])).content.decode()
    assert f'href="{reverse("agreement-document", args=["ours"])}"' in page
    assert "협약서.pdf" in page
    assert "/media/" not in page


def test_migration_records_names_and_types_of_files_stored_before(world):
    # The data migration of 0003: a file kept under its uploader's name gets that name as its label and the
    # type its bytes show; the file itself stays where it is.
    # importlib: a migration module's name starts with a digit.
    migration = importlib.import_module("bridgehead.agreements.migrations.0003_random_file_names_and_sniffed_types")
    name = default_storage.save("agreements/서명본.html", ContentFile(PDF))
    Agreement.objects.filter(slug="ours").update(document=name)
    Agreement.objects.filter(slug="theirs").update(document="agreements/lost.pdf")
    migration.record_names_and_types(apps, None)
    ours, theirs = Agreement.objects.get(slug="ours"), Agreement.objects.get(slug="theirs")
    assert (ours.document.name, ours.document_name, ours.document_type) == (name, "서명본.html", "application/pdf")
    assert (theirs.document_name, theirs.document_type) == ("lost.pdf", "")
