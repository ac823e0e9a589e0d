"""Compile ``locale/*/LC_MESSAGES/*.po`` to ``.mo`` with polib, so no system gettext is needed to run."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the shipped translations (.po → .mo) without GNU gettext."

    def handle(self, *args, **options) -> None:
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
                self.stdout.write(f"{po_path}: {catalogue.percent_translated()}% translated", self.style.SUCCESS)
        if not count:
            self.stderr.write("no .po file found under LOCALE_PATHS")
