"""`bridgehead partnering import-instance` and `housekeeping`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bridgehead.cli import main
from bridgehead.engines.schedule import dump_instance
from bridgehead.engines.schedule.generate import generate
from bridgehead.partnering import services
from bridgehead.partnering.models import Meeting, Participant

pytestmark = pytest.mark.django_db


def test_import_instance(tmp_path, capsys):
    from tests.partnering.factories import EventFactory

    EventFactory(slug="imported")
    path = tmp_path / "instance.json"
    dump_instance(generate(60, seed=1), path)
    assert main(["partnering", "import-instance", str(path), "--event", "imported"]) == 0
    assert "60 participants" in capsys.readouterr().out
    assert Participant.objects.filter(event__slug="imported").count() == 60
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "nope"}))
    assert main(["partnering", "import-instance", str(bad), "--event", "imported"]) == 2
    assert "nothing was imported" in capsys.readouterr().err
    assert main(["partnering", "import-instance", str(path), "--event", "missing"]) == 2


def test_housekeeping_reminds_then_expires(fair, capsys, mailoutbox, django_capture_on_commit_callbacks):
    from tests.partnering.factories import participant

    event = fair["event"]
    torrey = participant(event, "investor", "torrey")
    request = services.send_request(sender=torrey, recipient=fair["startup"], by=torrey.person.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert main(["partnering", "housekeeping"]) == 0
    assert "sd-day: 0 requests expired, 1 people reminded" in capsys.readouterr().out
    assert [m.to for m in mailoutbox] == [["haeum@x.org"]]
    event.acceptance_deadline = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    event.save()
    assert main(["partnering", "housekeeping"]) == 0
    assert "sd-day: 1 requests expired, 0 people reminded" in capsys.readouterr().out
    request.refresh_from_db()
    assert request.status == "expired"
    assert Meeting.objects.count() == 1  # the accepted meeting is untouched
