"""The demo scenario: complete, marked real or synthetic, and idempotent."""

from __future__ import annotations

import pytest

from bridgehead.agreements.models import Agreement, Commitment, Signatory
from bridgehead.cli import main
from bridgehead.core.models import RoleAssignment, User
from bridgehead.demo.scenario import load_demo
from bridgehead.programs.models import Program
from bridgehead.registry.models import ClusterFact, Organisation, Person, Sector

pytestmark = pytest.mark.django_db

MODELS = (Sector, Organisation, Person, ClusterFact, Agreement, Signatory, Commitment, Program, User, RoleAssignment)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.usefixtures("demo_loaded")
class TestLoadedOnce:
    """Tests that each start from a freshly loaded demo, loaded once for all of them (conftest.demo_loaded)."""

    def test_loading_twice_duplicates_nothing(self):
        first = counts()
        load_demo()
        assert counts() == first
        assert first["Agreement"] == 1
        assert first["Signatory"] == 4
        assert first["Commitment"] == 3

    def test_scenario_content_is_marked_real_or_synthetic(self):
        real = set(Organisation.objects.filter(is_synthetic=False).values_list("name_ko", flat=True))
        assert {"타이로스코프", "에스비솔루션", "디엔에이코퍼레이션", "울산광역시", "샌디에이고시"} <= real
        assert Organisation.objects.filter(is_synthetic=True).count() >= 60
        kinds = set(Organisation.objects.filter(is_synthetic=True).values_list("kind", flat=True))
        assert {"startup", "investor", "company", "hospital"} <= kinds
        assert all(fact.source_name for fact in ClusterFact.objects.filter(is_synthetic=False))
        assert Person.objects.filter(is_synthetic=False).count() == 0  # every demo person is invented

    def test_agreement_signed_on_17_january_in_san_diego(self):
        agreement = Agreement.objects.get()
        local = agreement.signed_at.astimezone(__import__("zoneinfo").ZoneInfo(agreement.time_zone))
        assert (local.year, local.month, local.day) == (2024, 1, 17)
        assert agreement.title_ko == "생명(바이오)산업 육성 협력 기반 구축 협약"

    def test_one_login_per_role(self):
        roles = set(RoleAssignment.objects.values_list("role", flat=True))
        assert roles == {
            "site_admin",
            "program_manager",
            "observer",
            "reviewer",
            "mentor",
            "startup_member",
            "partner_member",
        }

    def test_cli_import_dry_run_and_errors(self, tmp_path, capsys):
        good = tmp_path / "orgs.csv"
        good.write_bytes("기관명,유형,국가\n새로운바이오,스타트업,KR\n".encode("cp949"))
        assert main(["import", "organisations", str(good), "--dry-run"]) == 0
        assert "1 rows valid (cp949); dry run, nothing written." in capsys.readouterr().out
        assert not Organisation.objects.filter(name_ko="새로운바이오").exists()
        bad = tmp_path / "bad.csv"
        bad.write_text("기관명,유형,국가\n타이로스코프,스타트업,KR\n", encoding="utf-8")
        assert main(["import", "organisations", str(bad)]) == 1
        err = capsys.readouterr().err
        assert (
            "row 2, column “기관명”: An organisation with this name already exists. "
            "[registry.organisation.duplicate_name]" in err
        )

    def test_the_showcase_meeting_has_a_read_bilingual_conversation_and_no_notice(self):
        from bridgehead.conversations import services as conversations
        from bridgehead.conversations.models import Thread
        from bridgehead.core.models import Notification

        thread = Thread.objects.get(
            request__sender__person__user__username="startup", request__recipient__person__user__username="investor"
        )
        bodies = list(thread.messages.values_list("body", flat=True))
        assert bodies[0].startswith("고래AI입니다") and len(bodies) == 4
        assert thread.meeting is not None
        for username in ("startup", "investor"):
            user = User.objects.get(username=username)
            assert conversations.unread_messages(thread, user).count() == 0
            assert not Notification.objects.filter(user=user, kind="conversations.message").exists()


def test_cli_demo_refuses_a_production_site(settings, capsys):
    # Finding 13.12: with DEBUG=0 the demo re-created the superuser "admin" with the published password.
    settings.DEBUG = False
    assert main(["demo"]) == 2
    assert "runs only on a development site (DEBUG=1)" in capsys.readouterr().err
    assert not User.objects.exists()


def test_cli_demo_prints_logins(settings, capsys):
    settings.DEBUG = True
    assert main(["demo", "--password", "pw-demo-test"]) == 0
    out = capsys.readouterr().out
    assert "manager" in out and "pw-demo-test" in out
    assert User.objects.get(username="investor").check_password("pw-demo-test")
