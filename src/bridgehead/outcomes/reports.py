"""Report files for a dashboard: an XLSX workbook (one sheet per table, real numbers and dates, formula
injection neutralised by ``core.spreadsheets``) and a PDF (WeasyPrint, Korean fonts from Debian).

Every file states its rule about confidential records, and keeps it on every row:

* the **public version** (``public=True``; and always for readers the confidential records do not belong
  to, such as signatory observers) withholds them: a confidential outcome keeps its kind, status, date and
  amount — it counts in every total — but is shown as "Confidential outcome", with no startup, title,
  counterparty, event or status history;
* the **internal version** (the people a confidential record belongs to: its program's managers, its
  startup, its counterparty) names it, and marks it "Confidential" on its own row, so a page printed or a
  row copied out of the file still says so.

Totals separate closed deals (money attracted) from deals in progress, and flag amounts converted at a
stale rate (:data:`bridgehead.outcomes.fx.STALE_AFTER_DAYS`).
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from bridgehead.core import formatting
from bridgehead.core.spreadsheets import write_xlsx
from bridgehead.outcomes import fx
from bridgehead.outcomes.dashboards import ROW_LIMIT, Dashboard, Row
from bridgehead.outcomes.enums import KpiMetric, OutcomeStatus
from bridgehead.outcomes.models import FxRate, StatusChange

RATE = "#,##0.00######"
COUNT = "#,##0.##"


def named_in(row: Row, *, public: bool) -> bool:
    """The one confidentiality rule of every report and of the public showcase: a row is named only when the
    viewer may see it by name and, in a public version, only when its outcome is not confidential."""
    return row.named and (not public or not row.outcome.is_confidential)


def rows_for(dashboard: Dashboard, *, public: bool) -> list[tuple[Row, bool]]:
    """(row, named) pairs: names shown only when the viewer may see them and the file is not public."""
    return [(row, named_in(row, public=public)) for row in dashboard.rows]


def names_confidential(dashboard: Dashboard, *, public: bool) -> bool:
    """Whether this file is the internal version: it names at least one confidential record."""
    return any(named and row.outcome.is_confidential for row, named in rows_for(dashboard, public=public))


def confidentiality_rule(dashboard: Dashboard, *, public: bool) -> str:
    """The sentence a file states about confidential records — true of every row below it."""
    count = dashboard.counts["confidential"]
    if not count:
        return str(_("None of these outcomes is confidential."))
    if names_confidential(dashboard, public=public):
        return ngettext(
            "Internal version: %(count)s confidential outcome is named and marked “Confidential” on its row. "
            "Do not pass this file on; share the public version instead.",
            "Internal version: %(count)s confidential outcomes are named and marked “Confidential” on their "
            "rows. Do not pass this file on; share the public version instead.",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)s confidential outcome is counted in every figure but not named: its row reads "
        "“Confidential outcome”.",
        "%(count)s confidential outcomes are counted in every figure but not named: their rows read "
        "“Confidential outcome”.",
        count,
    ) % {"count": count}


def _stale_text(total: fx.Total) -> str:
    return "; ".join(
        _("%(amount)s of %(on)s at the rate of %(rate_on)s")
        % {
            "amount": formatting.money(c.amount, c.currency),
            "on": formatting.day(c.on),
            "rate_on": formatting.day(c.rate_on),
        }
        for c in total.stale
    )


def xlsx(dashboard: Dashboard, *, public: bool = False) -> bytes:
    currency = dashboard.currency
    both = (
        dashboard.closed_total.conversions
        + dashboard.closed_unconfirmed_total.conversions
        + dashboard.in_progress_total.conversions
    )
    conversions = {c.outcome_id: c for c in both}
    hidden = _("Confidential outcome")
    outcome_headers = [
        _("ID"),
        _("Startup"),
        _("Program"),
        _("Kind"),
        pgettext("outcome status", "Status"),
        _("Record confirmed"),
        _("Record confirmed on"),
        _("Title (Korean)"),
        _("Title (English)"),
        _("Date"),
        _("Amount"),
        _("Currency"),
        _("Amount in %(currency)s") % {"currency": currency},
        _("Rate"),
        _("Rate date"),
        _("Quantity"),
        _("Unit"),
        _("Period"),
        _("Counterparty"),
        _("Country"),
        _("Partnering event"),
        _("Confidential"),
        _("Deal closed"),
        _("Rate older than %(days)s days") % {"days": fx.STALE_AFTER_DAYS},
    ]
    outcome_rows = []
    for row, named in rows_for(dashboard, public=public):
        o = row.outcome
        conversion = conversions.get(o.pk)
        outcome_rows.append(
            [
                o.pk,
                o.organisation.name if named else "—",
                o.program.title,
                o.get_kind_display(),
                o.get_status_display(),
                _("yes") if o.is_confirmed else _("no, unconfirmed"),
                timezone.localtime(o.confirmed_at).date() if o.confirmed_at else None,
                o.title_ko if named else hidden,
                o.title_en if named else hidden,
                o.occurred_on,
                o.amount,
                o.currency,
                conversion.converted if conversion else None,
                conversion.rate if conversion and conversion.rate_on else None,
                conversion.rate_on if conversion else None,
                o.quantity,
                o.unit,
                o.get_period_display(),
                o.counterparty_label if named else "—",
                o.country,
                (o.event.title if o.event and named else ""),
                _("yes") if o.is_confidential else _("no"),
                _("yes") if o.status == OutcomeStatus.CLOSED else _("no"),
                _("yes") if conversion and conversion.is_stale else "",
            ]
        )
    kpi_headers = [
        _("Commitment"),
        _("KPI"),
        _("Computed as"),
        _("Target"),
        _("Confirmed records"),
        _("Unconfirmed"),
        _("Progress (%)"),
        _("Unit"),
        _("Period starts"),
        _("Period ends"),
        _("Excluded amounts"),
        _("Which outcomes"),
        _("Converted at a rate older than %(days)s days") % {"days": fx.STALE_AFTER_DAYS},
    ]
    kpi_rows = [
        [
            v.kpi.commitment.text,
            v.kpi.name,
            v.kpi.get_metric_display(),
            v.kpi.target,
            v.confirmed,
            v.unconfirmed,
            v.progress,
            v.unit,
            v.kpi.starts_on,
            v.kpi.ends_on,
            _excluded_text(v.total) if v.total else "",
            "" if v.kpi.metric == KpiMetric.MEETINGS else v.kpi.get_counting_display(),
            _stale_text(v.total) if v.total else "",
        ]
        for v in dashboard.kpi_values
    ]
    total_headers = [
        _("Outcomes"),
        _("Number"),
        _("Total in %(currency)s") % {"currency": currency},
        _("Rate dates used"),
        _("Excluded amounts (no rate)"),
        _("Converted at a rate older than %(days)s days") % {"days": fx.STALE_AFTER_DAYS},
    ]
    total_rows = [
        [label, count, total.amount, _dates(total), _excluded_text(total), _stale_text(total)]
        for label, count, total in dashboard.money_rows
    ]
    rate_rows = [
        [r.on, r.currency, r.base, r.rate, r.source]
        for r in FxRate.objects.filter(program_id__in=dashboard.scope.program_ids).order_by("on", "currency")
    ]
    named_ids = {row.outcome.pk for row, named in rows_for(dashboard, public=public)}
    history_rows = [
        [h.outcome_id, h.get_status_display(), h.on]
        for h in StatusChange.objects.filter(outcome_id__in=named_ids).order_by("outcome_id", "on", "pk")
    ]
    sheets = [
        (str(_("Outcomes")), outcome_headers, outcome_rows),
        (str(_("KPIs")), kpi_headers, kpi_rows),
        (str(_("Totals")), total_headers, total_rows),
        (str(_("FX rates")), [_("Date"), _("Currency"), _("In"), _("Rate"), _("Source")], rate_rows),
        (str(_("Status history")), [_("ID"), pgettext("outcome status", "Status"), _("Since")], history_rows),
        (str(_("Notes")), [_("Note")], [[line] for line in notes(dashboard, public=public)]),
    ]
    # Cells keep real numbers and dates; only their display follows the reader's language: thousands
    # separators, cents only for currencies that have them, "yyyy. m. d." dates in Korean.
    date = formatting.xlsx_date_format()
    money = formatting.xlsx_number_format(decimals=True)
    reporting = formatting.xlsx_number_format(decimals=formatting.money_has_minor_unit(currency))
    formats = {
        str(_("Outcomes")): {6: date, 9: date, 10: money, 12: reporting, 13: RATE, 14: date, 15: COUNT},
        str(_("KPIs")): {3: COUNT, 4: COUNT, 5: COUNT, 8: date, 9: date},
        str(_("Totals")): {2: reporting},
        str(_("FX rates")): {0: date, 3: RATE},
        str(_("Status history")): {2: date},
    }
    return write_xlsx(sheets, number_formats=formats)


def notes(dashboard: Dashboard, *, public: bool) -> list[str]:
    """What a reader of the file must know to read it right: its version, and what the figures count."""
    return [
        str(_("Public version") if public else _("Version for %(scope)s") % {"scope": dashboard.scope.title}),
        confidentiality_rule(dashboard, public=public),
        str(
            _(
                "A confirmed record was verified by the counterparty or the program manager; a closed deal has the "
                "status “Signed / closed”. Money attracted counts closed deals with confirmed records only."
            )
        ),
        str(
            _(
                "An amount converted at a rate more than %(days)s days older than its own date is flagged: enter a "
                "newer rate for the program."
            )
            % {"days": fx.STALE_AFTER_DAYS}
        ),
    ]


def _dates(total: fx.Total) -> str:
    return ", ".join(formatting.day(day) for day in total.rate_dates)


def _excluded_text(total: fx.Total) -> str:
    return "; ".join(
        _("%(amount)s (%(count)s)") % {"amount": formatting.money(amount, code), "count": count}
        for code, amount, count in total.excluded_by_currency
    )


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def pdf(dashboard: Dashboard, *, public: bool = False) -> bytes:
    from weasyprint import HTML  # WeasyPrint is heavy: loaded only for PDFs

    rows = rows_for(dashboard, public=public)
    html = render_to_string(
        "outcomes/report_pdf.html",
        {
            "d": dashboard,
            "rows": rows[:ROW_LIMIT],
            "row_limit": ROW_LIMIT,
            "charts": {name: _svg_uri(svg) for name, svg in dashboard.charts.items()},
            "generated": timezone.localtime(),
            "public": public,
            "internal": names_confidential(dashboard, public=public),
            "money_rows": dashboard.money_rows,
            "rule": confidentiality_rule(dashboard, public=public),
            "stale_after_days": fx.STALE_AFTER_DAYS,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
