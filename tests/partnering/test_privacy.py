"""Privacy rights in partnering (Issue 13, finding 14): the audit log kept every participant's calendar token,
and a person could neither get their event data nor have it erased."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from bridgehead.core import privacy
from bridgehead.core.audit import SECRET_FIELDS, scrub_secret_fields
from bridgehead.partnering import services
from bridgehead.partnering.enums import RequestStatus
from bridgehead.partnering.models import Meeting, MeetingRequest, Participant
from tests.factories import grant
from tests.partnering.factories import participant

pytestmark = pytest.mark.django_db


def _everything_audited() -> str:
    return json.dumps(
        [
            [e.object_repr, e.changes, e.changes_text, e.serialized_data, e.additional_data]
            for e in LogEntry.objects.all()
        ]
    )


def test_registering_a_participant_leaves_no_calendar_token_in_the_audit_log(fair):
    tokens = list(Participant.objects.values_list("calendar_token", flat=True))
    assert LogEntry.objects.get_for_model(Participant).exists()
    text = _everything_audited()
    assert [token for token in tokens if token in text] == []


def test_scrubbing_removes_tokens_audited_before_the_exclusion(fair):
    startup = fair["startup"]
    entry = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Participant),
        object_pk=str(startup.pk),
        object_repr=str(startup),
        action=LogEntry.Action.CREATE,
        changes={"calendar_token": ["None", startup.calendar_token], "seeks": ["", "US investors"]},
    )

    assert scrub_secret_fields(LogEntry, ContentType, SECRET_FIELDS) == 1

    entry.refresh_from_db()
    assert entry.changes == {"seeks": ["", "US investors"]}


def test_erasing_a_participant_keeps_meetings_and_closes_the_calendar_feed(fair, client, settings):
    admin = grant(fair["outsider"], "site_admin")
    startup, investor = fair["startup"], fair["investor"]
    third = participant(fair["event"], "company", "third")
    waiting = services.send_request(sender=third, recipient=startup, message="Meet?", by=third.person.user)
    old_token = startup.calendar_token
    assert client.get(f"/calendar/{old_token}.ics").status_code == 200

    privacy.erase_person(subject=privacy.resolve("haeum"), by=admin)

    startup.refresh_from_db()
    assert startup.calendar_token != old_token
    assert client.get(f"/calendar/{old_token}.ics").status_code == 404
    assert Meeting.objects.filter(pk=fair["meeting"].pk).exists()
    assert MeetingRequest.objects.get(pk=waiting.pk).status == RequestStatus.DECLINED
    assert startup.person.name == "Former user"
    assert investor.person.name == "Pacific"
    assert "haeum@x.org" not in _everything_audited()


def test_export_names_the_other_side_by_organisation_only_and_never_the_token(fair):
    startup = fair["startup"]

    archive = privacy.export_person(subject=privacy.resolve("haeum"), by=startup.person.user)

    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        data = json.loads(zipped.read("data/partnering.json"))
        everything = b"".join(zipped.read(name) for name in zipped.namelist()).decode()
    assert [p["id"] for p in data["participations"]] == [startup.pk]
    assert [r["to_organisation"] for r in data["requests_sent"]] == ["Pacific Org"]
    assert [m["with_organisation"] for m in data["meetings"]] == ["Pacific Org"]
    assert startup.calendar_token not in everything
    assert "pacific@x.org" not in everything
    assert '"Pacific"' not in everything
