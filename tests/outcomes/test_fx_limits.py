"""FX rates below what a rate can hold (issue 13, finding 8: "an FX rate below 5e-9 → 500"): refused with the
rate's field or row, never a server error, nothing written."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bridgehead.core.models import ApiToken
from bridgehead.outcomes.models import FxRate
from tests.outcomes.factories import OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rate", ["0.000000004", "4e-9", "0.0000000049999"])
def test_an_imported_rate_too_small_to_store_is_a_row_problem(world, login, rate):
    client = login(world["users"]["manager"])
    sheet = SimpleUploadedFile("rates.csv", f"date,currency,in,rate\n2024-02-01,KRW,USD,{rate}\n".encode())
    page = client.post("/outcomes/programs/our-program/rates/", {"action": "import", "file": sheet})
    assert page.status_code == 200
    assert [(p.row, p.column) for p in page.context["problems"]] == [(2, "rate")]
    assert FxRate.objects.count() == 0


@pytest.mark.parametrize(
    ("rate", "code"),
    [
        ("5e-9", "outcomes.fx.rate_too_small"),
        ("0.000000001", "outcomes.fx.rate_too_small"),
        ("1e-300", "outcomes.fx.rate_too_small"),
        ("1e30", "outcomes.fx.rate_too_large"),
        ("0", "outcomes.fx.rate_not_positive"),
        ("-1", "outcomes.fx.rate_not_positive"),
        ("NaN", "invalid"),
        ("0.123456789", "max_decimal_places"),
    ],
)
def test_the_api_refuses_a_rate_outside_what_is_stored_with_the_rate_field(client, world, rate, code):
    _token, raw = ApiToken.issue(user=world["users"]["manager"], name="test")
    payload = {"on": "2024-01-01", "currency": "KRW", "base": "USD", "rate": rate}
    response = client.post(
        "/api/outcomes/programs/our-program/rates",
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422, response.content
    assert [(e["loc"][-1], e["type"]) for e in response.json()["detail"]] == [("rate", code)]
    assert FxRate.objects.count() == 0


@pytest.mark.parametrize("value", [{"nested": "x"}, ["a", "b"]])
def test_a_proposed_change_of_the_wrong_shape_is_refused_with_its_field(ow, login, value):
    """Issue 13, finding 8 ("nested JSON stored as Python repr"): a change to a text or a date field given as
    an object or a list was turned into ``"{'nested': 'x'}"`` (or a server error for a date)."""
    outcome = OutcomeFactory(
        program=ow["our_program"], organisation=ow["startup"], title_en="Seed", confirmed_at=timezone.now()
    )
    client = login(ow["users"]["startup"])
    for field in ("title_en", "occurred_on"):
        response = client.post(
            f"/api/outcomes/{outcome.pk}/proposals",
            json.dumps({"changes": {field: value}, "reason": "typo"}),
            content_type="application/json",
        )
        assert response.status_code == 422, response.content
        assert [(e["loc"][-1], e["type"]) for e in response.json()["detail"]] == [(field, "text.not_text")]
    outcome.refresh_from_db()
    assert outcome.title_en == "Seed"
    assert not outcome.proposals.exists()


def test_an_imported_source_with_a_control_character_is_a_row_problem(world, login):
    client = login(world["users"]["manager"])
    sheet = SimpleUploadedFile("rates.csv", b"date,currency,in,rate,source\n2024-02-01,KRW,USD,0.00075,BOK\x1b[2J\n")
    page = client.post("/outcomes/programs/our-program/rates/", {"action": "import", "file": sheet})
    assert [(p.row, p.column) for p in page.context["problems"]] == [(2, "source")]
    assert FxRate.objects.count() == 0
