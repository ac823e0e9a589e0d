"""Registry and agreements: the page and the API refuse the same action with the same code (issue 12)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bridgehead.agreements import services as agreement_services
from bridgehead.agreements.forms import AgreementForm
from bridgehead.agreements.models import Agreement
from bridgehead.core.errors import Refused
from bridgehead.core.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    _token, raw = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def page_code(answer) -> str | None:
    text = answer.content.decode()
    marker = 'data-refusal-code="'
    return text[text.index(marker) + len(marker) :].split('"', 1)[0] if marker in text else None


def test_editing_another_organisation_is_one_refusal_on_the_page_and_in_the_api(world, login):
    startup = world["users"]["startup"]  # a member of startup-co, not of investor-co
    data = {"name_en": "Investor Co (hijacked)", "kind": "investor", "country": "US"}
    page = login(startup).post(reverse("organisation-edit", args=["investor-co"]), data)
    api = login(startup).patch(
        "/api/organisations/investor-co", json.dumps(data), content_type="application/json", headers=bearer(startup)
    )
    assert page.status_code == api.status_code == 403
    assert page_code(page) == api.json()["code"] == "permission.registry.change_organisation"
    # Their own organisation they may edit, through both doors.
    own = login(startup).patch(
        "/api/organisations/startup-co",
        json.dumps({"name_en": "Startup Co Ltd"}),
        content_type="application/json",
        headers=bearer(startup),
    )
    assert own.status_code == 200


def test_creating_an_organisation_without_the_role_is_one_refusal(world, login):
    startup = world["users"]["startup"]
    data = {"name_en": "Shadow Bio", "kind": "startup", "country": "KR"}
    page = login(startup).post(reverse("organisation-create"), data)
    api = login(startup).post(
        "/api/organisations", json.dumps(data), content_type="application/json", headers=bearer(startup)
    )
    assert page.status_code == api.status_code == 403
    assert page_code(page) == api.json()["code"] == "permission.registry.add_organisation"


def test_changing_an_agreement_is_refused_alike_by_the_api_and_the_service(world, client):
    manager = world["users"]["manager"]  # manages a program under "ours", may not change the agreement itself
    agreement = Agreement.objects.get(slug="ours")
    api = client.patch(
        "/api/agreements/ours",
        json.dumps({"title_en": "Renamed"}),
        content_type="application/json",
        headers=bearer(manager),
    )
    with pytest.raises(Refused) as refused:
        agreement_services.update_agreement(form=AgreementForm(instance=agreement, data={}), by=manager)
    assert api.status_code == refused.value.status == 403
    assert api.json()["code"] == refused.value.code == "permission.agreements.change_agreement"
    agreement.refresh_from_db()
    assert agreement.title_en == "Our agreement"
