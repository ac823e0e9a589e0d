"""The Korean catalogue is complete, consistent with the source, and its placeholders match."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.LOCALE_PATHS[0]) / "ko" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_every_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_placeholders_survive_translation():
    mismatched = []
    for entry in polib.pofile(str(PO)):
        translated = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(translated)):
            mismatched.append(entry.msgid)
    assert mismatched == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed (make test installs it)")
def test_catalogue_matches_the_source(tmp_path):
    """Every translatable string in the code is in the shipped catalogue (run `make messages` after edits)."""
    source = Path(settings.BASE_DIR)
    before = PO.read_bytes()
    copy = tmp_path / "bridgehead"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ko",
            "--no-obsolete",
            "-v",
            "0",
            "--ignore",
            "engines/*",
            "--ignore",
            "demo/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "bridgehead.site.settings", "PATH": "/usr/bin:/bin"},
    )
    # Keyed by (context, msgid): pgettext("changed by", "by") and pgettext("blocked by", "by") are two entries.
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale" / "ko" / "LC_MESSAGES" / "django.po"))}
    shipped = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO))}
    assert sorted(fresh - shipped) == []
    assert PO.read_bytes() == before  # makemessages wrote into the copy, never into the shipped catalogue


def test_compiled_catalogue_is_up_to_date():
    """The compiled .mo holds exactly the .po's translations: a stale one shows old Korean on every screen.

    The .mo is built, not committed (`make compile-messages`, which `make test` runs first); run
    `manage compile_translations` after editing the .po.
    """
    if not PO.with_suffix(".mo").exists():
        pytest.skip("the catalogue is not compiled yet (make compile-messages)")

    def table(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], str]:
        return {
            (e.msgctxt, e.msgid): e.msgstr_plural[0] if e.msgid_plural else e.msgstr
            for e in catalogue
            if e.msgid and not e.obsolete and "fuzzy" not in getattr(e, "flags", ())
        }

    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    assert table(compiled) == table(polib.pofile(str(PO)))
