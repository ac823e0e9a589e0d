"""One neutral document for the word-processor formats agencies and partners file: DOCX (partners, Word) and
HWPX (Korean public bodies, 한/글). The report and the brief are built once here, as a :class:`Document` of
headings, paragraphs, tables and images, and :mod:`bridgehead.outcomes.docx_writer` and
:mod:`bridgehead.outcomes.hwpx_writer` each lay the same blocks out, so the two files cannot say different things.

The report follows the PDF (``templates/outcomes/report_pdf.html``) and names confidential records by the one
rule of :mod:`bridgehead.outcomes.reports` (``rows_for``, ``names_confidential``, ``confidentiality_rule``).

The brief is the text the manager edited on the brief page, not a regeneration: its first line is the title,
blank lines separate paragraphs, and a block whose lines are tab- or " | "-separated is a table (its first line
the header). The outcome facts of :func:`bridgehead.outcomes.brief.facts` are appended as a table unless the
text already holds a table with that header — the only thing this module takes from the brief's wording is
``brief.facts`` (not its templates), so the brief's text can change without touching this module.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
from dataclasses import dataclass, field

import vl_convert
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from bridgehead.outcomes import brief, fx, reports
from bridgehead.outcomes.dashboards import ROW_LIMIT, Dashboard, Scope
from bridgehead.outcomes.enums import KpiMetric

#: Charts are drawn at twice their CSS size so they stay sharp when printed.
CHART_SCALE = 2


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    emphasis: bool = False  # the confidentiality rule of an internal version: it must stand out on paper


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Image:
    """A PNG and its size in CSS pixels (the chart's own size; the PNG holds ``CHART_SCALE`` times more)."""

    png: bytes
    width: int
    height: int
    alt: str


Block = Heading | Paragraph | Table | Image


@dataclass
class Document:
    title: str
    language: str
    blocks: list[Block] = field(default_factory=list)

    def text(self) -> str:
        """Every word of the document, in order (what a reader of either file sees)."""
        parts = [self.title]
        for block in self.blocks:
            if isinstance(block, Table):
                parts += block.header + [cell for row in block.rows for cell in row]
            elif isinstance(block, Image):
                parts.append(block.alt)
            else:
                parts.append(block.text)
        return "\n".join(parts)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])


def chart_image(svg: str, alt: str) -> Image:
    """A dashboard chart (SVG from vl-convert) as PNG, converted in-process by vl-convert's own renderer (resvg,
    compiled into the wheel: no system library), which finds the Korean fonts the SVG names."""
    png = vl_convert.svg_to_png(svg, scale=CHART_SCALE)
    width, height = png_size(png)
    return Image(png=png, width=round(width / CHART_SCALE), height=round(height / CHART_SCALE), alt=alt)


# ---------------------------------------------------------------- the report


def _money(value) -> str:
    return intcomma(floatformat(value, "-2"))


def report(dashboard: Dashboard, *, public: bool = False) -> Document:
    """The agreement/program report of the PDF, as blocks: the same figures, charts and rows, and the same
    confidentiality rule."""
    rows = reports.rows_for(dashboard, public=public)
    internal = reports.names_confidential(dashboard, public=public)
    generated = formats.date_format(timezone.localtime(), "DATETIME_FORMAT")
    version = _("public version") if public else (_("internal version") if internal else "")
    subtitle = " · ".join(
        str(part)
        for part in (_("Outcomes and KPI report"), _("generated %(when)s") % {"when": generated}, version)
        if part
    )
    counts = dashboard.counts
    doc = Document(title=str(dashboard.scope.title), language=translation.get_language() or "en")
    doc.blocks += [
        Paragraph(subtitle),
        Paragraph(reports.confidentiality_rule(dashboard, public=public), emphasis=internal),
        Table(
            [_("Closed deals"), _("Confirmed records"), _("Startups with outcomes")],
            [
                [str(counts["closed"]), str(counts["records_confirmed"]), str(counts["startups"])],
                [
                    _(
                        "plus %(n)s closed with the record not yet confirmed; %(m)s in progress (lead, under review, "
                        "provisional)"
                    )
                    % {"n": counts["closed_unconfirmed"], "m": counts["in_progress"]},
                    _("plus %(n)s unconfirmed; a confirmed record can still be a deal in progress")
                    % {"n": counts["records_unconfirmed"]},
                    "",
                ],
            ],
        ),
        Heading(_("Money"), 2),
        Table(
            [_("Outcomes"), _("Number"), _("Total in %(currency)s") % {"currency": dashboard.currency}, _("Notes")],
            [
                [str(label), str(count), f"{_money(total.amount)} {total.currency}", _total_notes(total)]
                for label, count, total in dashboard.money_rows
            ],
        ),
    ]
    if dashboard.kpi_values:
        doc.blocks += [Heading(_("KPIs"), 2), _kpi_table(dashboard)]
    if dashboard.charts:
        doc.blocks.append(Heading(_("Funnel and trends"), 2))
        alts = {
            "funnel": _("From meeting requests to outcomes"),
            "over_time": _("Outcomes per quarter"),
            "by_country": _("Outcomes by country"),
            "by_kind": _("Outcomes by counterparty kind"),
        }
        doc.blocks += [chart_image(svg, str(alts.get(name, name))) for name, svg in dashboard.charts.items()]
    doc.blocks += [Heading(_("Outcomes"), 2), Paragraph(reports.confidentiality_rule(dashboard, public=public))]
    if len(rows) > ROW_LIMIT:
        doc.blocks.append(
            Paragraph(
                _("Showing the latest %(shown)s of %(total)s outcomes; the figures and the XLSX cover them all.")
                % {"shown": ROW_LIMIT, "total": len(rows)}
            )
        )
    doc.blocks.append(_outcome_table(rows[:ROW_LIMIT]))
    doc.blocks += [Paragraph(line) for line in reports.notes(dashboard, public=public)[2:]]
    return doc


def _total_notes(total: fx.Total) -> str:
    notes = []
    if total.rate_dates:
        notes.append(_("rates of %(dates)s") % {"dates": ", ".join(d.isoformat() for d in total.rate_dates)})
    excluded = reports._excluded_text(total)
    if excluded:
        notes.append(_("Excluded amounts (no rate)") + ": " + excluded)
    stale = reports._stale_text(total)
    if stale:
        notes.append(_("Converted at a rate older than %(days)s days") % {"days": fx.STALE_AFTER_DAYS} + ": " + stale)
    return "; ".join(str(n) for n in notes)


def _kpi_table(dashboard: Dashboard) -> Table:
    rows = []
    for v in dashboard.kpi_values:
        counts = _("Checked-in meetings") if v.kpi.metric == KpiMetric.MEETINGS else v.kpi.get_counting_display()
        confirmed = f"{_money(v.confirmed)} {v.unit}".strip()
        if v.progress is not None:
            confirmed += f" ({v.progress}%)"
        rows.append(
            [
                str(v.kpi.commitment.text),
                str(v.kpi.name),
                str(counts),
                confirmed,
                _money(v.unconfirmed),
                f"{_money(v.kpi.target)} {v.unit}".strip(),
                f"{_day(v.kpi.starts_on)} – {_day(v.kpi.ends_on)}",
            ]
        )
    header = [
        _("Commitment"),
        _("KPI"),
        _("Counts"),
        _("Confirmed records"),
        _("Unconfirmed"),
        _("Target"),
        _("Period"),
    ]
    return Table([str(h) for h in header], rows)


def _day(day: dt.date | None) -> str:
    return formats.date_format(day, "DATE_FORMAT") if day else ""


def _outcome_table(rows) -> Table:
    header = [_("Date"), _("Startup"), _("Outcome"), _("Status"), _("Amount"), _("Counterparty")]
    body = []
    for row, named in rows:
        o = row.outcome
        if named:
            title = (f"[{_('Confidential')}] " if o.is_confidential else "") + str(o.title)
        else:
            title = str(_("Confidential outcome"))
        confirmed = _("record confirmed") if o.is_confirmed else _("record unconfirmed")
        body.append(
            [
                _day(o.occurred_on),
                str(o.organisation.name) if named else "—",
                f"{title} ({o.get_kind_display()})",
                f"{o.get_status_display()} · {confirmed}",
                f"{_money(o.amount)} {o.currency}" if o.amount is not None else "",
                str(o.counterparty_label) if named else "",
            ]
        )
    if not body:
        body.append([str(_("No outcome recorded yet.")), "", "", "", "", ""])
    return Table([str(h) for h in header], body)


# ---------------------------------------------------------------- the brief

_CELLS = re.compile(r"\t+| \| ")


def _cells(line: str) -> list[str] | None:
    """A table line's cells (tab- or " | "-separated, or a Markdown row "| a | b |"), or None for prose."""
    stripped = line.strip()
    if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
        return [cell.strip() for cell in stripped[1:-1].split("|")]
    if "\t" in line or " | " in stripped:
        return [cell.strip() for cell in _CELLS.split(stripped)]
    return None


def _text_blocks(text: str) -> tuple[str, list[Block]]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines.pop(0).strip() if lines else ""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", "\n".join(lines)):
        chunk_lines = [line for line in chunk.split("\n") if line.strip()]
        if not chunk_lines:
            continue
        cells = [_cells(line) for line in chunk_lines]
        if all(c is not None for c in cells) and len(cells) > 1:
            width = max(len(c) for c in cells)
            rows = [c + [""] * (width - len(c)) for c in cells if not all(set(x) <= set("-: ") for x in c)]
            blocks.append(Table(rows[0], rows[1:]))
        else:
            blocks.append(Paragraph("\n".join(line.strip() for line in chunk_lines)))
    return title, blocks


def brief_outcomes(scope: Scope, user, *, start: dt.date, end: dt.date) -> list:
    """The outcomes a brief may name: confirmed, dated in the period, not lost, and never confidential (a brief
    counts confidential records but names none, whoever downloads it)."""
    return list(
        brief.in_period(scope, user, start=start, end=end)
        .filter(is_confidential=False)
        .order_by("organisation__name_en", "occurred_on")
    )


def facts_table(outcomes, language: str) -> Table | None:
    """The outcome facts of ``brief.facts`` as a table in the brief's own language (not the viewer's)."""
    found = brief.facts(outcomes)
    if not found:
        return None
    with translation.override(language):
        header = [
            str(h)
            for h in (_("Startup"), _("Outcome"), _("Kind"), _("Status"), _("Amount"), _("Quantity"), _("Counterparty"))
        ]
    s = "ko" if language == "ko" else "en"
    rows = [
        [
            getattr(f, f"{name}_{s}")
            for name in ("startup", "title", "kind", "status", "amount", "quantity", "counterparty")
        ]
        for f in found
    ]
    return Table(header, rows)


def brief_document(text: str, language: str, outcomes) -> Document:
    """The edited brief as a document; the facts table is appended unless the text already carries it."""
    title, blocks = _text_blocks(text)
    table = facts_table(outcomes, language)
    if table and not any(isinstance(b, Table) and b.header == table.header for b in blocks):
        with translation.override(language):
            blocks += [Heading(_("Outcomes in this brief"), 2), table]
    return Document(title=title, language=language, blocks=blocks)
