"""Project-wide test set-up: fast hashing, immediate tasks, media in a temp dir, shared role fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation

from bridgehead.demo.scenario import load_demo
from tests.factories import (
    AgreementFactory,
    OrganisationFactory,
    ProgramFactory,
    SignatoryFactory,
    UserFactory,
    grant,
)


@pytest.fixture(autouse=True)
def _english_by_default():
    """Every test starts in the default language, whatever an earlier test in this worker activated."""
    translation.activate("en")
    yield
    translation.deactivate()


def settings_for_tests(media_root: Path) -> dict[str, Any]:
    """The settings every test runs with, in one place: the autouse fixture below applies them to each test,
    and :func:`demo_loaded` to the demo it loads once for a class (before any test's own fixtures run)."""
    return {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        "MEDIA_ROOT": media_root,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MATCH_ENCODER": "hash",  # the real multilingual encoder is tested in tests/engines/match
    }


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    for name, value in settings_for_tests(tmp_path / "media").items():
        setattr(settings, name, value)


@pytest.fixture(scope="class")
def demo_loaded(request, django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """``load_demo()`` once for the tests of a class, each of which then starts from exactly what it loaded.

    A load takes several seconds (more on PostgreSQL), and most demo tests only read the result. The load runs
    in a transaction held open for the class and rolled back after its last test; each test runs, as usual,
    in a savepoint inside it (pytest-django's ``django_db``), rolled back after the test, so a test that
    changes the demo (loads it again, adds an outcome) leaves the next one the demo as loaded. The class sets
    ``demo_now`` to load the demo as of a fixed time (default: now, as ``load_demo()`` does).

    Only for classes of non-transactional tests that each need a freshly loaded demo and nothing else: a
    ``transaction=True`` test could not see through the open transaction, and one that needs an empty
    database would find the demo.
    """
    overrides = settings_for_tests(tmp_path_factory.mktemp("demo-media"))
    with django_db_blocker.unblock(), override_settings(**overrides), translation.override("en"), transaction.atomic():
        load_demo(now=getattr(request.cls, "demo_now", None))
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world(db):
    """Two agreements, each with a program, and one user per role scoped to the first ("ours").

    Tests of refusal use the second ("theirs"): nobody in ``world`` except the site admin has a role there.
    """
    ours = AgreementFactory(slug="ours", title_en="Our agreement", title_ko="우리 협약")
    theirs = AgreementFactory(slug="theirs", title_en="Their agreement", title_ko="다른 협약")
    signatory_org = OrganisationFactory(slug="city", kind="government")
    SignatoryFactory(agreement=ours, organisation=signatory_org)
    our_program = ProgramFactory(agreement=ours, slug="our-program")
    their_program = ProgramFactory(agreement=theirs, slug="their-program")
    startup = OrganisationFactory(slug="startup-co", kind="startup", name_en="Startup Co", name_ko="스타트업코")
    investor = OrganisationFactory(slug="investor-co", kind="investor", name_en="Investor Co", name_ko="인베스터코")
    users = {
        "admin": grant(UserFactory(username="admin"), "site_admin"),
        "manager": grant(UserFactory(username="manager"), "program_manager", program=our_program),
        "observer": grant(UserFactory(username="observer"), "observer", agreement=ours),
        "reviewer": grant(UserFactory(username="reviewer"), "reviewer", program=our_program),
        "mentor": grant(UserFactory(username="mentor"), "mentor", program=our_program),
        "startup": grant(UserFactory(username="startup"), "startup_member", organisation=startup),
        "investor": grant(UserFactory(username="investor"), "partner_member", organisation=investor),
        "signatory_member": grant(UserFactory(username="signatory"), "partner_member", organisation=signatory_org),
        "guest": UserFactory(username="guest"),
    }
    return {
        "ours": ours,
        "theirs": theirs,
        "our_program": our_program,
        "their_program": their_program,
        "startup": startup,
        "investor": investor,
        "signatory_org": signatory_org,
        "users": users,
    }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
