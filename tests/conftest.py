"""Project-wide test set-up: fast hashing, immediate tasks, media in a temp dir, shared role fixtures."""

from __future__ import annotations

import pytest

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
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MATCH_ENCODER = "hash"  # the real multilingual encoder is tested in tests/engines/match


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
