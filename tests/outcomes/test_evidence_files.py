"""Outcome evidence files (Issue 13 finding 10): stored under a random name with the type sniffed from the bytes,
refused when they are not a document or an image, served only through the permission-checked view as an
attachment of the recorded type; the edit page links to that view, never to /media/."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from bridgehead.outcomes.models import Outcome
from tests.outcomes.test_flow import REPORT

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def _report(ow, login, upload):
    client = login(ow["users"]["startup"])
    fields = {**REPORT, "organisation": ow["startup"].pk, "program": ow["our_program"].pk}
    return client, client.post("/outcomes/report/", {**fields, "evidence": upload})


def test_html_name_with_pdf_bytes_is_stored_at_random_and_served_as_pdf_attachment(ow, login):
    # Finding 10: "evil.html" with PDF bytes was stored as outcomes/evil.html and served as text/html.
    upload = SimpleUploadedFile("evil.html", PDF, content_type="text/html")
    client, response = _report(ow, login, upload)
    assert response.status_code == 302
    outcome = Outcome.objects.get(program=ow["our_program"])
    assert "evil" not in outcome.evidence.name and not outcome.evidence.name.endswith(".html")
    assert outcome.evidence.name.startswith("outcomes/")
    assert outcome.evidence_name == "evil.html"
    assert outcome.evidence_type == "application/pdf"

    served = client.get(f"/outcomes/{outcome.pk}/evidence/")
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"] == 'attachment; filename="evil.html.pdf"'
    assert b"".join(served.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("chart.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("notes.pdf", b"alert(document.cookie);"),
    ],
)
def test_html_svg_and_script_content_is_refused_whatever_its_name(ow, login, name, content):
    _client, response = _report(ow, login, SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["evidence"]] == ["file_type"]
    assert not Outcome.objects.filter(program=ow["our_program"]).exists()


def test_korean_file_name_is_sent_with_rfc_5987_filename_star(ow, login):
    client, response = _report(ow, login, SimpleUploadedFile("투자 확인서.pdf", PDF))
    assert response.status_code == 302
    outcome = Outcome.objects.get(program=ow["our_program"])
    served = client.get(f"/outcomes/{outcome.pk}/evidence/")
    assert served["Content-Disposition"] == (
        "attachment; filename*=utf-8''%ED%88%AC%EC%9E%90%20%ED%99%95%EC%9D%B8%EC%84%9C.pdf"
    )
    assert b"".join(served.streaming_content)


def test_edit_page_links_the_evidence_through_the_checked_view_not_media(ow, login):
    _report(ow, login, SimpleUploadedFile("term-sheet.pdf", PDF))
    outcome = Outcome.objects.get(program=ow["our_program"])
    page = login(ow["users"]["manager"]).get(f"/outcomes/{outcome.pk}/edit/").content.decode()
    assert f'href="/outcomes/{outcome.pk}/evidence/"' in page
    assert "/media/" not in page
    assert "term-sheet.pdf" in page


def test_replacing_evidence_records_the_new_name_and_type_and_removes_the_old_file(
    ow, login, django_capture_on_commit_callbacks
):
    _report(ow, login, SimpleUploadedFile("term-sheet.pdf", PDF))
    outcome = Outcome.objects.get(program=ow["our_program"])
    old = outcome.evidence.name
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    fields = {**REPORT, "organisation": ow["startup"].pk, "program": ow["our_program"].pk}
    manager = login(ow["users"]["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            f"/outcomes/{outcome.pk}/edit/", {**fields, "evidence": SimpleUploadedFile("photo.jpg", png)}
        )
    assert response.status_code == 302
    assert not default_storage.exists(old)
    outcome.refresh_from_db()
    assert (outcome.evidence_name, outcome.evidence_type) == ("photo.jpg", "image/png")
    served = manager.get(f"/outcomes/{outcome.pk}/evidence/")
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"] == 'attachment; filename="photo.jpg.png"'
    assert b"".join(served.streaming_content)


def test_deleting_an_outcome_removes_its_evidence_file(ow, login, django_capture_on_commit_callbacks):
    _report(ow, login, SimpleUploadedFile("term-sheet.pdf", PDF))
    outcome = Outcome.objects.get(program=ow["our_program"])
    name = outcome.evidence.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assert login(ow["users"]["manager"]).post(f"/outcomes/{outcome.pk}/delete/").status_code == 302
    assert not Outcome.objects.filter(pk=outcome.pk).exists()
    assert not default_storage.exists(name)
