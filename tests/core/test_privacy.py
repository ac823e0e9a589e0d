"""Privacy rights (Issue 13, finding 14): a person can download their data ("My data" and
``bridgehead privacy export``), an administrator can erase a person (``bridgehead privacy erase``), and
``bridgehead privacy purge`` deletes what the retention policy keeps only for a while."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from bridgehead.cli import main
from bridgehead.core import privacy
from bridgehead.core.errors import Refused
from bridgehead.core.models import ApiToken, User
from bridgehead.registry.models import ImportBatch, Membership, MembershipStatus, Person
from tests.factories import member

pytestmark = pytest.mark.django_db


def _zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def _audit_text() -> str:
    return json.dumps(
        [
            [e.object_repr, e.changes, e.changes_text, e.serialized_data, e.additional_data, e.actor_email]
            for e in LogEntry.objects.all()
        ],
        ensure_ascii=False,
    )


def test_my_data_is_refused_to_anonymous_visitors(client):
    page = client.get(reverse("my-data"))
    download = client.post(reverse("my-data-download"))

    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
    assert download.status_code == 302 and download["Location"].startswith(reverse("login"))


def test_my_data_download_gives_only_ones_own_data(world, login):
    startup, investor = world["users"]["startup"], world["users"]["investor"]
    Person.objects.create(user=startup, organisation=world["startup"], name_en="Jiwoo Park", email="jiwoo@startup.kr")
    Person.objects.create(user=investor, organisation=world["investor"], name_en="Other Tenant", email="o@inv.com")
    token, raw = ApiToken.issue(user=startup, name="script")
    client = login(startup)

    assert client.get(reverse("my-data")).status_code == 200
    response = client.post(reverse("my-data-download") + f"?person={investor.pk}", {"person": "investor"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = _zip(response.content)
    assert {"manifest.json", "README.txt", "data/core.json", "data/registry.json"} <= set(files)
    core = json.loads(files["data/core.json"])
    assert [a["username"] for a in core["account"]] == ["startup"]
    assert "password" not in core["account"][0]
    assert [(t["name"], t["prefix"]) for t in core["api_tokens"]] == [("script", token.prefix)]
    assert json.loads(files["data/registry.json"])["person"][0]["email"] == "jiwoo@startup.kr"
    everything = b"".join(files.values()).decode()
    assert raw not in everything and token.key_hash not in everything
    assert startup.password not in everything
    assert "investor" not in everything and "o@inv.com" not in everything and "Other Tenant" not in everything
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "bridgehead-personal-data/1"
    assert manifest["subject"]["user_id"] == startup.pk


def test_only_administrators_erase_and_only_the_person_or_an_administrator_exports(world):
    subject = privacy.resolve("startup")

    with pytest.raises(Refused) as erase:
        privacy.erase_person(subject=subject, by=world["users"]["manager"])
    with pytest.raises(Refused) as export:
        privacy.export_person(subject=subject, by=world["users"]["investor"])

    assert erase.value.code == "permission.core.erase_person"
    assert export.value.code == "permission.core.export_person_data"
    assert User.objects.get(username="startup").is_active


def test_erasure_refusals(world):
    admin = world["users"]["admin"]
    with pytest.raises(Refused) as unknown:
        privacy.resolve("nobody@nowhere.example")
    with pytest.raises(Refused) as administrator:
        privacy.erase_person(subject=privacy.resolve("admin"), by=admin)
    subject = privacy.resolve("mentor")
    privacy.erase_person(subject=subject, by=admin)
    with pytest.raises(Refused) as twice:
        privacy.erase_person(subject=subject, by=admin)

    assert unknown.value.code == "privacy.person.not_found"
    assert administrator.value.code == "privacy.erase.site_admin"
    assert twice.value.code == "privacy.erase.already_erased"


def test_erasure_redacts_the_audit_log_and_keeps_one_entry_without_personal_data(world):
    guest = world["users"]["guest"]
    guest.display_name = "Seoyeon Guestname"
    guest.save()
    person = Person.objects.create(user=guest, name_ko="김서연", name_en="Seoyeon Guestname", email="seoyeon@home.kr")
    person.title_en = "CEO"
    person.save()
    ApiToken.issue(user=guest, name="cron")

    privacy.erase_person(subject=privacy.resolve("guest"), by=world["users"]["admin"])

    text = _audit_text()
    for personal in ("guest@example.org", "seoyeon@home.kr", "김서연", "Seoyeon Guestname"):
        assert personal not in text
    erased = LogEntry.objects.filter(additional_data__action="core.person.erased").get()
    assert (erased.actor, erased.object_pk) == (world["users"]["admin"], str(guest.pk))
    assert erased.object_repr == "Former user"
    person.refresh_from_db()
    assert (person.name_en, person.name_ko, person.email, person.title_en) == ("Former user", "탈퇴한 사용자", "", "")
    assert not ApiToken.objects.filter(user=guest).exists()
    assert not guest.roles.exists()


def test_cli_erase_previews_until_confirmed(world, capsys):
    assert main(["privacy", "erase", "observer", "--as", "admin"]) == 1
    out = capsys.readouterr()
    assert "Erasing would do: observer" in out.out and "role assignments removed" in out.out
    assert "Nothing was changed" in out.err
    assert User.objects.get(username="observer").is_active

    assert LogEntry.objects.filter(object_repr__startswith="observer · ").exists()
    assert main(["privacy", "erase", "observer", "--as", "admin", "--yes"]) == 0
    assert "Erased: observer" in capsys.readouterr().out
    assert not User.objects.get(pk=world["users"]["observer"].pk).is_active
    # Their role's label named the login (no display name): redacted there, where it cannot be an ordinary word.
    assert not LogEntry.objects.filter(object_repr__startswith="observer · ").exists()
    assert LogEntry.objects.filter(object_repr__startswith="[erased] · Signatory observer").exists()


def test_cli_export_writes_the_archive(world, tmp_path, capsys):
    target = tmp_path / "startup.zip"

    assert main(["privacy", "export", "startup", "--as", "admin", "-o", str(target)]) == 0

    files = _zip(target.read_bytes())
    assert json.loads(files["data/core.json"])["account"][0]["username"] == "startup"
    assert "core.account" in capsys.readouterr().out
    assert main(["privacy", "export", "startup", "--as", "manager", "-o", str(target)]) == 2


def test_purge_deletes_import_files_past_the_retention(world, capsys):
    admin = world["users"]["admin"]
    old = ImportBatch.objects.create(filename="old.csv", content=b"x", created_by=admin)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    recent = ImportBatch.objects.create(filename="new.csv", content=b"y", created_by=admin)

    assert main(["privacy", "purge", "--days", "30"]) == 0

    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "1 uploaded import files" in capsys.readouterr().out


def test_a_registry_person_without_login_is_found_by_id_and_erased(world):
    admin = world["users"]["admin"]
    person = Person.objects.create(name_en="Contact Only", email="contact@partner.com", bio_en="Met at BIO 2024")

    preview = privacy.preview_erasure(subject=privacy.resolve(f"person:{person.pk}"), by=admin)
    person.refresh_from_db()
    assert person.email == "contact@partner.com"
    assert [(s.app, s.count) for s in preview if s.app == "registry"] == [("registry", 1)]

    privacy.erase_person(subject=privacy.resolve(str(person.pk)), by=admin)

    person.refresh_from_db()
    assert (person.name_en, person.email, person.bio_en, person.user) == ("Former user", "", "", None)
    assert "contact@partner.com" not in _audit_text()
    with pytest.raises(Refused) as twice:
        privacy.erase_person(subject=privacy.resolve(f"person:{person.pk}"), by=admin)
    assert twice.value.code == "privacy.erase.already_erased"


def test_preview_leaves_the_person_as_they_were_in_memory_too(world):
    subject = privacy.resolve("mentor")

    privacy.preview_erasure(subject=subject, by=world["users"]["admin"])

    assert (subject.user.username, subject.user.is_active, subject.user.erased_at) == ("mentor", True, None)
    assert subject.user.roles.count() == 1


def test_the_admin_erases_after_a_preview_and_never_deletes_logins(world, login):
    client = login(world["users"]["admin"])
    changelist = reverse("admin:core_user_changelist")
    reviewer = world["users"]["reviewer"]
    selection = {"action": "erase_personal_data", "_selected_action": [reviewer.pk]}

    preview = client.post(changelist, selection)
    assert preview.status_code == 200
    assert "role assignments removed" in preview.content.decode()
    assert User.objects.get(pk=reviewer.pk).is_active

    done = client.post(changelist, {**selection, "confirm": "yes"})
    assert done.status_code == 302
    reviewer.refresh_from_db()
    assert (reviewer.is_active, reviewer.username) == (False, f"erased-{reviewer.pk}")
    assert client.get(reverse("admin:core_user_delete", args=[reviewer.pk])).status_code == 403


def test_erasure_ends_memberships_but_keeps_them_as_history(world):
    """An erased person acts for no organisation any more; the ended membership stays, because conflicts of
    interest read past affiliations, and an open request is closed."""
    leaver = world["users"]["guest"]
    person = Person.objects.create(user=leaver, name_en="Leaver")
    member(person, world["startup"])
    Membership.objects.create(person=person, organisation=world["investor"], status=MembershipStatus.REQUESTED)

    privacy.erase_person(subject=privacy.resolve("guest"), by=world["users"]["admin"])

    statuses = dict(Membership.objects.filter(person=person).values_list("organisation__slug", "status"))
    assert statuses == {"startup-co": MembershipStatus.ENDED, "investor-co": MembershipStatus.DECLINED}
    person.refresh_from_db()
    assert person.organisation_id is None
    assert not leaver.roles.exists()
    archive = _zip(
        privacy.export_person(subject=privacy.resolve(f"person:{person.pk}"), by=world["users"]["admin"]).content
    )
    assert b"startup-co" in archive["data/registry.json"] or b"Startup Co" in archive["data/registry.json"]
