"""Report files for a dashboard: an XLSX workbook (one sheet per table, real numbers and dates, formula
injection neutralised by ``core.spreadsheets``) and a PDF (WeasyPrint, Korean fonts from Debian).

With ``public=True`` (and always for readers the confidential records do not belong to) a confidential
outcome keeps its kind, status, date and amount — it counts in every total — but loses every name.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from bridgehead.core.spreadsheets import write_xlsx
from bridgehead.outcomes import fx
from bridgehead.outcomes.dashboards import ROW_LIMIT, Dashboard
from bridgehead.outcomes.models import FxRate, StatusChange

MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
RATE = "#,##0.00######"


def rows_for(dashboard: Dashboard, *, public: bool):
    """(row, named) pairs: names shown only when the viewer may see them and the file is not public."""
    return [(row, row.named and (not public or not row.outcome.is_confidential)) for row in dashboard.rows]


def xlsx(dashboard: Dashboard, *, public: bool = False) -> bytes:
    currency = dashboard.currency
    both = dashboard.confirmed_total.conversions + dashboard.unconfirmed_total.conversions
    conversions = {c.outcome_id: c for c in both}
    hidden = _("Confidential outcome")
    outcome_headers = [
        _("ID"), _("Startup"), _("Program"), _("Kind"), _("Status"), _("Confirmed"), _("Confirmed on"),
        _("Title (Korean)"), _("Title (English)"), _("Date"), _("Amount"), _("Currency"),
        _("Amount in %(currency)s") % {"currency": currency}, _("Rate"), _("Rate date"), _("Quantity"), _("Unit"),
        _("Period"), _("Counterparty"), _("Country"), _("Partnering event"), _("Confidential"),
    ]
    outcome_rows = []
    for row, named in rows_for(dashboard, public=public):
        o = row.outcome
        conversion = conversions.get(o.pk)
        outcome_rows.append([
            o.pk, o.organisation.name if named else "—", o.program.title, o.get_kind_display(),
            o.get_status_display(), _("yes") if o.is_confirmed else _("no, unconfirmed"),
            timezone.localtime(o.confirmed_at).date() if o.confirmed_at else None,
            o.title_ko if named else hidden, o.title_en if named else hidden, o.occurred_on, o.amount,
            o.currency, conversion.converted if conversion else None,
            conversion.rate if conversion and conversion.rate_on else None,
            conversion.rate_on if conversion else None, o.quantity, o.unit, o.get_period_display(),
            o.counterparty_label if named else "—", o.country, (o.event.title if o.event and named else ""),
            _("yes") if o.is_confidential else _("no"),
        ])
    kpi_headers = [_("Commitment"), _("KPI"), _("Computed as"), _("Target"), _("Confirmed"), _("Unconfirmed"),
                   _("Progress (%)"), _("Unit"), _("Period starts"), _("Period ends"), _("Excluded amounts")]
    kpi_rows = [[
        v.kpi.commitment.text, v.kpi.name, v.kpi.get_metric_display(), v.kpi.target, v.confirmed, v.unconfirmed,
        v.progress, v.unit, v.kpi.starts_on, v.kpi.ends_on, _excluded_text(v.total) if v.total else "",
    ] for v in dashboard.kpi_values]
    total_headers = [_("Outcomes"), _("Total in %(currency)s") % {"currency": currency}, _("Rate dates used"),
                     _("Excluded amounts (no rate)")]
    total_rows = [
        [_("Confirmed"), dashboard.confirmed_total.amount, _dates(dashboard.confirmed_total),
         _excluded_text(dashboard.confirmed_total)],
        [_("Unconfirmed"), dashboard.unconfirmed_total.amount, _dates(dashboard.unconfirmed_total),
         _excluded_text(dashboard.unconfirmed_total)],
    ]
    rate_rows = [[r.on, r.currency, r.base, r.rate, r.source]
                 for r in FxRate.objects.filter(program_id__in=dashboard.scope.program_ids).order_by("on", "currency")]
    named_ids = {row.outcome.pk for row, named in rows_for(dashboard, public=public)}
    history_rows = [[h.outcome_id, h.get_status_display(), h.on]
                    for h in StatusChange.objects.filter(outcome_id__in=named_ids).order_by("outcome_id", "on", "pk")]
    sheets = [
        (str(_("Outcomes")), outcome_headers, outcome_rows),
        (str(_("KPIs")), kpi_headers, kpi_rows),
        (str(_("Totals")), total_headers, total_rows),
        (str(_("FX rates")), [_("Date"), _("Currency"), _("In"), _("Rate"), _("Source")], rate_rows),
        (str(_("Status history")), [_("ID"), _("Status"), _("Since")], history_rows),
    ]
    formats = {
        str(_("Outcomes")): {6: DATE, 9: DATE, 10: MONEY, 12: MONEY, 13: RATE, 14: DATE, 15: "#,##0.##"},
        str(_("KPIs")): {3: "#,##0.##", 4: "#,##0.##", 5: "#,##0.##", 8: DATE, 9: DATE},
        str(_("Totals")): {1: MONEY},
        str(_("FX rates")): {0: DATE, 3: RATE},
        str(_("Status history")): {2: DATE},
    }
    return write_xlsx(sheets, number_formats=formats)


def _dates(total: fx.Total) -> str:
    return ", ".join(day.isoformat() for day in total.rate_dates)


def _excluded_text(total: fx.Total) -> str:
    return "; ".join(
        _("%(amount)s %(currency)s (%(count)s)") % {"amount": f"{amount:,}", "currency": code, "count": count}
        for code, amount, count in total.excluded_by_currency
    )


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def pdf(dashboard: Dashboard, *, public: bool = False) -> bytes:
    from weasyprint import HTML

    rows = rows_for(dashboard, public=public)
    html = render_to_string("outcomes/report_pdf.html", {
        "d": dashboard,
        "rows": rows[:ROW_LIMIT],
        "row_limit": ROW_LIMIT,
        "charts": {name: _svg_uri(svg) for name, svg in dashboard.charts.items()},
        "generated": timezone.localtime(),
        "public": public,
        "confirmed_excluded": _excluded_text(dashboard.confirmed_total),
        "unconfirmed_excluded": _excluded_text(dashboard.unconfirmed_total),
    })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
