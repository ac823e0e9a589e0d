"""`bridgehead import` acts as a named user: the audit log says who imported what, through the CLI."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from bridgehead.cli import main
from bridgehead.registry.models import Organisation, Person

pytestmark = pytest.mark.django_db

SHEET = "Name (English),Kind,Country,Contact name,Contact e-mail\nHaeum Bio,startup,KR,Kim Sky,sky@haeum.example\n"


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(SHEET, encoding="utf-8")
    return path


def test_a_cli_import_is_audited_with_the_user_it_acts_as(world, sheet):
    assert main(["import", "organisations", str(sheet), "--as", "manager"]) == 0
    organisation = Organisation.objects.get(name_en="Haeum Bio")
    contact = Person.objects.get(organisation=organisation)
    for created in (organisation, contact):
        entry = LogEntry.objects.get_for_object(created).get()
        assert (entry.action, entry.actor, entry.additional_data["via"]) == (
            LogEntry.Action.CREATE,
            world["users"]["manager"],
            "cli",
        )


def test_without_as_the_only_site_administrator_acts(world, sheet):
    assert main(["import", "organisations", str(sheet)]) == 0
    entry = LogEntry.objects.get_for_object(Organisation.objects.get(name_en="Haeum Bio")).get()
    assert entry.actor == world["users"]["admin"]


def test_a_user_who_may_not_import_or_does_not_exist_writes_nothing(world, sheet, capsys):
    assert main(["import", "organisations", str(sheet), "--as", "startup"]) == 2
    assert "permission.registry.import_organisations" in capsys.readouterr().err
    assert main(["import", "organisations", str(sheet), "--as", "nobody"]) == 2
    assert not Organisation.objects.filter(name_en="Haeum Bio").exists()
