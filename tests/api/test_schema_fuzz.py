"""Schemathesis against /api/openapi.json: for every operation, generated requests (valid and invalid) sent
with a bearer token of every role over two tenants; no answer may be a server error, and every answer the
document describes must match its schema.

Each example is sent twice when the path names objects: with the generated path parameters (mostly unknown
ids: the refusals) and with our tenant's objects (the code behind the look-up). Bounded and repeatable for CI:
a few examples per operation, derandomised, no example database. Writes land in the test's transaction, rolled
back at the end (pytest-django), so unsafe methods run against a throwaway database. Status-code conformance is
not checked: the document describes the success answers of each operation, and the refusals (401, 403, 404,
409, 422) share one shape described in docs/architecture.md.
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from bridgehead.api.urls import api
from bridgehead.core.models import ApiToken
from tests.tenants import ROLES, Tenant, build_world, user_for

#: Examples per operation (each sent once per role). Enough to reach the refusals and the happy paths the
#: tenants make possible; small enough that the whole module stays under three minutes on SQLite.
MAX_EXAMPLES = 5

CHECKS = [not_a_server_error, response_schema_conformance]

pytestmark = pytest.mark.slow


#: The document /api/openapi.json serves (test_the_fuzzed_document_is_the_served_one), built without a request
#: so that collection needs no database; requests go to the in-process WSGI application.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.app = get_wsgi_application()
schema.location = "/api/openapi.json"
# Fuzzing only: the coverage phase walks every boundary value of every parameter deterministically, which
# multiplies the run by ten for what the fuzzing phase's examples already reach.
schema.config.phases.coverage.enabled = False


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """Both tenants, built once for the module in a transaction rolled back at the end, and one bearer token
    per role of :data:`tests.tenants.ROLES` (no header for the anonymous caller).

    The WSGI handler would close the test's database connection at the start and end of every request;
    Django's test client disconnects that signal for the same reason, and so does this fixture."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), fast, transaction.atomic():
            world = build_world()
            headers: dict[str, dict[str, str]] = {}
            for role in ROLES:
                user = user_for(world, role)
                raw = ApiToken.issue(user=user, name=f"fuzz {role}")[1] if user else None
                headers[role] = {"Authorization": f"Bearer {raw}"} if raw else {}
            yield {"headers": headers, "ours": world["ours"]}
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_fuzzed_document_is_the_served_one(client):
    assert client.get("/api/openapi.json").json() == schema.raw_schema


def _real_path_parameters(path: str, tenant: Tenant) -> dict[str, object]:
    """Our tenant's objects for the path's parameters, so that generated bodies and queries also reach the
    code behind the look-up (random ids and slugs mostly stop at 404)."""
    slug_of = {
        "/api/clusters/": tenant.cluster.slug,
        "/api/organisations/": tenant.startup_org.slug,
        "/api/agreements/": tenant.agreement.slug,
        "/api/partnering/events/": tenant.event.slug,
        "/api/outcomes/programs/": tenant.program.slug,
    }
    ids = {
        "call_id": tenant.call.pk,
        "application_id": tenant.application.pk,
        "person_id": tenant.person.pk,
        "request_id": tenant.request.pk,
        "run_id": tenant.schedule_run.pk,
        "outcome_id": tenant.outcome.pk,
    }
    found: dict[str, object] = {}
    for name in re.findall(r"{(\w+)}", path):
        if name == "slug":
            found[name] = next(value for prefix, value in slug_of.items() if path.startswith(prefix))
        elif name in ids:
            found[name] = ids[name]
    return found


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_match_the_schema(case, fuzz_world, db):
    for role in ROLES:
        case.call_and_validate(headers=fuzz_world["headers"][role], checks=CHECKS)
    real = _real_path_parameters(case.operation.path, fuzz_world["ours"])
    if real:
        case.path_parameters.update(real)
        for role in ROLES:
            case.call_and_validate(headers=fuzz_world["headers"][role], checks=CHECKS)


def test_patching_an_organisations_lists_with_null_empties_them(world, client):
    """Found by test_api_answers_match_the_schema: ``{"markets_sought": null}`` (the schema allows null) was a
    500 — the API joined None into the form's comma-separated text."""
    organisation = world["startup"]
    organisation.markets_sought = ["US"]
    organisation.save()
    client.force_login(world["users"]["admin"])
    response = client.patch(
        f"/api/organisations/{organisation.slug}",
        {"markets_sought": None, "markets_offered": None, "sectors": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["markets_sought"], response.json()["sectors"]) == ([], [])
