"""The ranking as an XLSX workbook (through core.spreadsheets, which neutralises formula injection)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bridgehead.core.spreadsheets import write_xlsx
from bridgehead.programs.models import Call, Criterion
from bridgehead.programs.scoring import RankRow


def ranking_xlsx(call: Call, criteria: list[Criterion], rows: list[RankRow]) -> bytes:
    headers = [
        _("Rank"),
        _("Application"),
        _("Startup (Korean)"),
        _("Startup (English)"),
        _("Reviews"),
        _("Raw average (0–100)"),
        _("Normalised (mean z)"),
        _("Spread"),
        _("Disagreement"),
        _("Decision"),
    ]
    headers += [c.name for c in criteria]
    data = []
    for row in rows:
        application = row.application
        decision = getattr(application, "decision", None)
        data.append(
            [
                row.rank,
                application.pk,
                application.organisation.name_ko,
                application.organisation.name_en,
                row.reviews,
                row.raw,
                row.normalised,
                row.spread,
                _("yes") if row.disagreement else "",
                decision.get_outcome_display() if decision else "",
                *[row.per_criterion.get(c.pk) for c in criteria],
            ]
        )
    return write_xlsx([(str(_("Ranking")), headers, data)])
