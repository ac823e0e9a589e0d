"""Application files (Issue 13 finding 10): the uploader's name is only a sanitised label and the download
is named for the type its bytes show, so "evil.html" holding a PDF is saved as a PDF, never opened as a page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bridgehead.programs.models import Application, ApplicationFile
from tests.programs.conftest import PDF

pytestmark = pytest.mark.django_db


def _upload(world, login, call, name: str):
    client = login(world["users"]["startup"])
    client.post(reverse("call-apply", args=[call.pk]), {"organisation": world["startup"].pk})
    application = Application.objects.get(call=call, organisation=world["startup"])
    answers = {"summary": "AI 기반 갑상선 질환 진단", "employees": "12", "track": "dx"}
    upload = SimpleUploadedFile(name, PDF, content_type="text/html")
    client.post(reverse("application-edit", args=[application.pk]), {**answers, "deck": upload})
    return client, application


def test_html_name_with_pdf_bytes_is_served_as_a_pdf_named_pdf(world, login, call):
    client, application = _upload(world, login, call, "evil.html")
    stored = ApplicationFile.objects.get(application=application)
    assert "evil" not in stored.file.name
    response = client.get(reverse("application-file", args=[application.pk, "deck"]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evil.html.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_control_characters_are_dropped_from_the_kept_name(world, login, call):
    # A right-to-left override makes "deck\u202efdp.exe" look like "deckexe.pdf" on screen.
    client, application = _upload(world, login, call, "deck\u202efdp.exe")
    assert ApplicationFile.objects.get(application=application).original_name == "deckfdp.exe"
    response = client.get(reverse("application-file", args=[application.pk, "deck"]))
    assert response["Content-Disposition"] == 'attachment; filename="deckfdp.exe.pdf"'
    assert b"".join(response.streaming_content) == PDF
