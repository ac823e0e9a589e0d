"""The web import flow: upload → preview listing problems → commit once, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bridgehead.registry.models import ImportBatch, Organisation

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name: str = "orgs.csv"):
    return client.post(
        reverse("import-upload", args=["organisations"]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_preview_lists_problems_and_offers_no_commit(world, login):
    client = login(world["users"]["manager"])
    response = upload(client, b"Name (English),Kind,Country\nAcme,rocket,KR\n")
    batch = ImportBatch.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-problems"' in preview
    assert 'data-problem-code="registry.import.unknown_kind"' in preview
    assert 'data-testid="import-commit"' not in preview
    assert client.post(reverse("import-commit", args=[batch.pk])).status_code == 200
    assert Organisation.objects.filter(name_en="Acme").count() == 0


def test_commit_imports_once_even_if_submitted_twice(world, login):
    client = login(world["users"]["manager"])
    upload(client, "기관명,영문명,유형,국가\n해움바이오,Haeum Bio,스타트업,KR\n".encode("cp949"))
    batch = ImportBatch.objects.get()
    first = client.post(reverse("import-commit", args=[batch.pk]))
    second = client.post(reverse("import-commit", args=[batch.pk]), follow=True)
    assert first.status_code == 302
    assert 'data-refusal-code="registry.import.already_committed"' in second.content.decode()
    assert Organisation.objects.filter(name_ko="해움바이오").count() == 1
    batch.refresh_from_db()
    assert (batch.status, bytes(batch.content)) == ("committed", b"")


def test_another_users_batch_is_not_found(world, login):
    upload(login(world["users"]["manager"]), b"Name (English),Kind,Country\nAcme,startup,KR\n")
    batch = ImportBatch.objects.get()
    admin = login(world["users"]["admin"])
    assert admin.post(reverse("import-commit", args=[batch.pk])).status_code == 404
    assert Organisation.objects.filter(name_en="Acme").count() == 0


def test_upload_over_the_limit_is_refused_by_the_form(world, login, settings):
    settings.IMPORT_MAX_BYTES = 10
    response = upload(login(world["users"]["manager"]), b"Name (English),Kind,Country\nAcme,startup,KR\n")
    assert response.status_code == 200
    assert "The file is too large (44 bytes); the limit is 10 bytes." in response.content.decode()
    assert ImportBatch.objects.count() == 0
