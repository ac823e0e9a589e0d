"""The brief download (Issue 13 finding 10): the language comes from the visitor and was pasted into a
hand-built Content-Disposition header, so a crafted value injected a parameter. Only ko and en are accepted."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/outcomes/agreement/ours/brief/"
TEXT = {"text_ko": "성과 요약", "text_en": "Outcome brief"}


@pytest.mark.parametrize("language", ['ko"; filename="evil.html', "en\r\nSet-Cookie: x=1", "fr", ""])
def test_a_crafted_language_is_refused_with_a_code_and_never_reaches_a_header(ow, login, language):
    response = login(ow["users"]["manager"]).post(URL, {**TEXT, "language": language})
    assert response.status_code == 422
    assert "Content-Disposition" not in response
    assert response.context["refusal"].code == "outcomes.brief.language"
    assert response.context["form"].data["text_ko"] == "성과 요약"  # the edited text is kept
    assert 'data-refusal-code="outcomes.brief.language"' in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("ko", "성과 요약"), ("en", "Outcome brief")])
def test_korean_and_english_briefs_download_as_attachments(ow, login, language, text):
    response = login(ow["users"]["manager"]).post(URL, {**TEXT, "language": language})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="outcome-brief-ours-{language}-')
    assert response.content.decode() == text
