"""Safe text (issue 13, finding 8): one rule for pages, the API and imports — NFC, no control characters, no
Python ``repr`` of a list where text belongs."""

from __future__ import annotations

import importlib
import json
import unicodedata

import pytest
from django import forms
from django.core.exceptions import ValidationError

from bridgehead.core.models import ApiToken
from bridgehead.core.text import CleanTextMixin, clean_text, name_key
from bridgehead.registry.forms import OrganisationForm
from bridgehead.registry.importing import import_file
from bridgehead.registry.models import Organisation
from tests.factories import OrganisationFactory

HAEUM_NFC = "해움바이오"
HAEUM_NFD = unicodedata.normalize("NFD", HAEUM_NFC)


def test_clean_text_normalises_strips_and_refuses_control_characters():
    assert HAEUM_NFD != HAEUM_NFC
    assert clean_text(f"  {HAEUM_NFD} ", multiline=False) == HAEUM_NFC
    assert clean_text("line one\r\nline\ttwo", multiline=True) == "line one\r\nline\ttwo"
    for bad, multiline, code in [
        ("Acme\x00", True, "text.control_character"),
        ("Acme\x1b[31m", True, "text.control_character"),
        ("Acme\x85", True, "text.control_character"),  # C1 (NEL)
        ("Acme\x7f", False, "text.control_character"),
        ("Acme\nInc", False, "text.line_break"),
    ]:
        with pytest.raises(ValidationError) as refused:
            clean_text(bad, multiline=multiline)
        assert refused.value.code == code, bad


def test_name_key_compares_nfc_and_case_folded():
    assert name_key(HAEUM_NFD) == name_key(HAEUM_NFC)
    assert name_key("ÉCOLE  Polytechnique") == name_key("école polytechnique")


def _form_classes() -> list[type]:
    found = []
    for app in ("core", "registry", "agreements", "programs", "partnering", "outcomes"):
        module = importlib.import_module(f"bridgehead.{app}.forms")
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__
        ]
    return found


def test_every_form_of_the_apps_cleans_its_text():
    classes = _form_classes()
    assert len(classes) > 30
    assert [c.__name__ for c in classes if not issubclass(c, CleanTextMixin)] == []


@pytest.mark.django_db
def test_an_nfd_korean_name_is_stored_nfc_and_found_as_a_duplicate():
    first = OrganisationForm(data={"name_ko": HAEUM_NFD, "kind": "startup", "country": "KR"})
    assert first.is_valid(), first.errors
    assert first.save().name_ko == HAEUM_NFC
    again = OrganisationForm(data={"name_ko": HAEUM_NFD, "kind": "startup", "country": "KR"})
    assert not again.is_valid()
    assert again.errors.as_data()["name_ko"][0].code == "registry.organisation.duplicate_name"


@pytest.mark.django_db
def test_a_name_stored_decomposed_before_the_fix_is_still_found_as_a_duplicate():
    OrganisationFactory(name_ko=HAEUM_NFD, name_en="")
    form = OrganisationForm(data={"name_ko": HAEUM_NFC, "kind": "startup", "country": "KR"})
    assert not form.is_valid()
    assert form.errors.as_data()["name_ko"][0].code == "registry.organisation.duplicate_name"


@pytest.mark.django_db
def test_a_control_character_is_refused_by_the_page_form_with_its_field():
    form = OrganisationForm(data={"name_en": "Acme\x00", "kind": "startup", "country": "KR"})
    assert not form.is_valid()
    assert form.errors.as_data()["name_en"][0].code == "text.control_character"
    multiline = OrganisationForm(
        data={"name_en": "Acme", "kind": "startup", "country": "KR", "description_en": "One.\nTwo.\tThree."}
    )
    assert multiline.is_valid(), multiline.errors


@pytest.mark.django_db
def test_a_control_character_is_refused_by_the_importer_with_its_row_and_column():
    content = b"Name (English),Kind,Country\nGood Org,startup,KR\nBad\x07Org,startup,KR\n"
    result = import_file("organisations", "orgs.csv", content)
    assert [(p.row, p.column, p.code) for p in result.problems] == [(3, "Name (English)", "text.control_character")]
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_the_api_refuses_control_characters_and_lists_where_text_belongs(client, world):
    _token, raw = ApiToken.issue(user=world["users"]["admin"], name="test")
    headers = {"Authorization": f"Bearer {raw}"}

    def create(payload: dict):
        body = json.dumps({"kind": "startup", "country": "KR", **payload})
        return client.post("/api/organisations", body, content_type="application/json", headers=headers)

    refused = create({"name_en": "Acme\u0000"})
    assert refused.status_code == 422
    assert [(e["loc"][-1], e["type"]) for e in refused.json()["detail"]] == [("name_en", "text.control_character")]
    line_break = create({"name_en": "Acme\nInc"})
    assert (line_break.status_code, line_break.json()["detail"][0]["type"]) == (422, "text.line_break")
    created = create({"name_ko": HAEUM_NFD})
    assert created.status_code == 201, created.json()
    assert created.json()["name_ko"] == HAEUM_NFC
    duplicate = create({"name_ko": HAEUM_NFD})
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"][0]["type"] == "registry.organisation.duplicate_name"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/organisations/acme%00",
        "/api/outcomes/?program=%00",
        "/api/organisations?q=a%1bb",
        "/calendar/abc%00.ics",
        "/registry/?q=%00",
    ],
)
def test_a_control_character_in_the_address_is_a_400_never_a_server_error(client, world, url):
    """A NUL byte in a slug or a filter reached the database, where PostgreSQL refuses it (a 500)."""
    client.force_login(world["users"]["admin"])
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["code"] == "request.control_character"
