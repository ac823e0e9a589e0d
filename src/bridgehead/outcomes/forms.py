"""Forms shared by the pages and the API (the API fills them from JSON, so validation is identical)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bridgehead.core import roles
from bridgehead.core.text import CleanTextMixin
from bridgehead.core.uploads import LinkedFileInput
from bridgehead.outcomes.currencies import ISO_4217
from bridgehead.outcomes.enums import OutcomeStatus, ReportingCurrency
from bridgehead.outcomes.models import FX_RATE_MAX, FX_RATE_MIN, FX_RATE_PLACES, FxRate, Kpi, Outcome
from bridgehead.outcomes.rules import (
    managed_program_ids,
    reporting_organisations,
    reporting_programs,
    startup_organisation_ids,
)
from bridgehead.partnering.models import Event, Meeting
from bridgehead.programs.models import Cohort
from bridgehead.registry.models import Organisation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.event.title} · {obj.first.organisation.name} × {obj.second.organisation.name}"


def organisation_label(organisation: Organisation) -> str:
    """How the counterparty picker shows a registry entry: both names, kind and city, so two companies with
    similar names can be told apart ("Hangzhou Meditech · 항저우메디텍 — Company, Hangzhou")."""
    names = [organisation.name_en, organisation.name_ko]
    name = " · ".join(dict.fromkeys(n for n in names if n))
    where = ", ".join(part for part in (str(organisation.get_kind_display()), organisation.city) if part)
    return f"{name} — {where}" if where else name


def _labels_in_both_languages(organisation: Organisation) -> set[str]:
    """The picker's label as a Korean and an English page print it (the viewer may switch language while
    filling in the form), case-folded for comparison."""
    labels = set()
    for language in ("ko", "en"):
        with translation.override(language):
            labels.add(organisation_label(organisation).casefold())
    return labels


class CounterpartyInput(forms.TextInput):
    """A text box with a list of registry entries (``<datalist>``): the browser filters the list as one
    types, htmx refreshes it from the whole registry (the page carries only the first entries), and it
    works without JavaScript. Replaces a select of every organisation, unusable at 85 entries and more."""

    input_type = "search"

    def __init__(self, attrs=None) -> None:
        super().__init__({"list": "counterparty-options", "autocomplete": "off", **(attrs or {})})
        self.options: list[str] = []  # rendered by the form's template as <datalist id="counterparty-options">


class CounterpartyField(forms.ModelChoiceField):
    """A registry organisation picked by its label (or by primary key, as the API and proposals send it)."""

    widget = CounterpartyInput
    default_error_messages = {
        "invalid_choice": _(
            "No organisation in the registry is called “%(value)s”. Pick one from the list, or "
            "leave this empty and describe the counterparty below."
        ),
        "ambiguous": _("Several organisations in the registry match “%(value)s”; pick one from the list."),
    }

    def _match(self, text: str) -> Organisation:
        if text.isdigit():
            return super().to_python(text)
        by_name = list(self.queryset.filter(Q(name_en__iexact=text) | Q(name_ko__iexact=text))[:2])
        if len(by_name) == 1:
            return by_name[0]
        by_label = [o for o in (by_name or self.queryset) if text.casefold() in _labels_in_both_languages(o)]
        if len(by_label) == 1:
            return by_label[0]
        code = "ambiguous" if by_name or len(by_label) > 1 else "invalid_choice"
        raise forms.ValidationError(self.error_messages[code], code=code, params={"value": text})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return self._match(str(value).strip())

    def prepare_value(self, value):
        if isinstance(value, Organisation):
            return organisation_label(value)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = self.queryset.filter(pk=int(value)).first()
            return organisation_label(found) if found else value
        return value

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        old = initial.pk if isinstance(initial, Organisation) else (int(initial) if initial not in (None, "") else None)
        return (new.pk if new else None) != old


# The outcome form's fieldsets: what happened, money and quantity, the counterparty, attribution, evidence,
# confidentiality (25 fields in one column were hard to fill in and to check).
GROUPS = (
    (
        _("What happened"),
        (
            "organisation",
            "program",
            "kind",
            "status",
            "status_on",
            "occurred_on",
            "title_ko",
            "title_en",
            "description_ko",
            "description_en",
        ),
    ),
    (_("Money and quantity"), ("amount", "currency", "quantity", "unit", "period")),
    (_("Counterparty"), ("counterparty", "counterparty_name", "counterparty_name_ko", "country")),
    (_("Attribution to the program"), ("cohort", "event", "meeting")),
    (_("Evidence"), ("evidence", "evidence_url")),
    (_("Confidentiality"), ("is_confidential",)),
    (_("Your proposal"), ("reason",)),
)
# Shown as required although the model lets either be empty: one of the two titles must be given.
ONE_OF_REQUIRED = ("title_ko", "title_en")
PICKER_OPTIONS = 300


class OutcomeForm(CleanTextMixin, forms.ModelForm):
    status_on = forms.DateField(
        label=_("Status since"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("When the outcome reached this status (today if empty)."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("ISO 4217 code: USD, KRW, CNY, EUR…"),
        widget=forms.TextInput(attrs={"list": "currency-codes", "size": 5}),
    )
    meeting = MeetingChoiceField(queryset=Meeting.objects.none(), required=False, label=_("Partnering meeting"))
    counterparty = CounterpartyField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Counterparty in the registry"),
        help_text=_("Type a few letters of its Korean or English name and pick it from the list."),
    )

    class Meta:
        model = Outcome
        fields = [
            "organisation",
            "program",
            "kind",
            "status",
            "status_on",
            "title_ko",
            "title_en",
            "description_ko",
            "description_en",
            "amount",
            "currency",
            "quantity",
            "unit",
            "period",
            "counterparty",
            "counterparty_name",
            "counterparty_name_ko",
            "country",
            "occurred_on",
            "cohort",
            "event",
            "meeting",
            "evidence",
            "evidence_url",
            "is_confidential",
        ]
        widgets = {
            # The current file links to the view that checks permission; files have no public address.
            "evidence": LinkedFileInput(
                link=lambda outcome: reverse("outcome-evidence", args=[outcome.pk]),
                label=lambda outcome: outcome.evidence_name,
            ),
            "occurred_on": DATE_INPUT,
            "description_ko": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        programs = reporting_programs(user)
        self.fields["program"].queryset = programs
        self.fields["organisation"].queryset = reporting_organisations(user)
        self.fields["counterparty"].queryset = Organisation.objects.all()
        self.fields["counterparty"].widget.options = [
            organisation_label(o) for o in Organisation.objects.order_by("name_en")[:PICKER_OPTIONS]
        ]
        self.fields["cohort"].queryset = Cohort.objects.filter(program__in=programs)
        self.fields["event"].queryset = Event.objects.filter(program__in=programs)
        meetings = Meeting.objects.filter(event__program__in=programs).select_related(
            "event", "first__organisation", "second__organisation"
        )
        if not (roles.is_site_admin(user) or managed_program_ids(user)):
            own = startup_organisation_ids(user)
            meetings = meetings.filter(Q(first__organisation_id__in=own) | Q(second__organisation_id__in=own))
        self.fields["meeting"].queryset = meetings
        self.fields["amount"].widget.attrs.update({"min": "0", "step": "any"})
        self.fields["quantity"].widget.attrs.update({"min": "0", "step": "any"})
        if self.instance.pk:
            # The record's startup and program are fixed once reported: moving it would move it out of sight.
            for name in ("organisation", "program"):
                self.fields[name].disabled = True
        for name in ONE_OF_REQUIRED:
            self.fields[name].help_text = _("Give the title in Korean, in English or in both (one is required).")
        for bound in self:
            if bound.field.help_text:
                bound.field.widget.attrs["aria-describedby"] = f"{bound.auto_id}-help"

    def groups(self) -> list[tuple[str, list[tuple[forms.BoundField, bool]]]]:
        """(legend, [(bound field, shown as required)]) per fieldset, in order; a field of no group ends up
        last. "Required" is what the person must fill in: a disabled field is not, one of the titles is."""
        placed: set[str] = set()
        groups = []
        for legend, names in (
            *GROUPS,
            (_("Other"), tuple(name for name in self.fields if not any(name in group for _legend, group in GROUPS))),
        ):
            fields = [
                (self[name], self._shown_as_required(name))
                for name in names
                if name in self.fields and name not in placed
            ]
            placed.update(names)
            if fields:
                groups.append((legend, fields))
        return groups

    def _shown_as_required(self, name: str) -> bool:
        field = self.fields[name]
        return not field.disabled and (field.required or name in ONE_OF_REQUIRED)

    def _update_errors(self, errors) -> None:
        """Model rules re-checked after a field already failed would only repeat it ("no currency" after an
        unknown currency): keep the first, precise message per field."""
        if hasattr(errors, "error_dict"):
            errors.error_dict = {k: v for k, v in errors.error_dict.items() if k not in self._errors}
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    def clean_currency(self) -> str:
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if code and code not in ISO_4217:
            raise forms.ValidationError(
                _("“%(code)s” is not an ISO 4217 currency code (e.g. USD, KRW, CNY, EUR)."),
                code="currency",
                params={"code": code},
            )
        return code

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean(self):
        data = super().clean()
        if not data.get("title_ko") and not data.get("title_en"):
            self.add_error("title_en", _("Give a title in Korean, English or both."))
        status_on = data.get("status_on")
        if status_on and status_on > timezone.localdate():
            self.add_error("status_on", _("A status cannot start in the future."))
        if data.get("meeting") and not data.get("event"):
            data["event"] = data["meeting"].event  # the attribution chain follows from the meeting
        if data.get("status") == OutcomeStatus.CLOSED and status_on is None and data.get("occurred_on"):
            data["status_on"] = data["occurred_on"]
        return data


class ProposalForm(OutcomeForm):
    """The outcome form plus the reason; files cannot be proposed (the manager re-uploads evidence)."""

    reason = forms.CharField(
        label=_("Why should it change?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    class Meta(OutcomeForm.Meta):
        fields = [f for f in OutcomeForm.Meta.fields if f != "evidence"]


class FxRateForm(CleanTextMixin, forms.ModelForm):
    currency = forms.CharField(label=_("Currency"), max_length=3, help_text=_("ISO 4217 code, e.g. KRW or CNY."))
    # The column's limits are checked in clean_rate, each with its own code and words: Django's "no more than
    # 8 decimal places" would be the answer to 0.000000004, which is a rate too small, not a typo.
    rate = forms.DecimalField(label=_("Rate"))

    class Meta:
        model = FxRate
        fields = ["on", "currency", "base", "rate", "source"]
        widgets = {"on": DATE_INPUT}

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.program = program

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if code not in ISO_4217:
            raise forms.ValidationError(
                _("“%(code)s” is not an ISO 4217 currency code (e.g. USD, KRW, CNY, EUR)."),
                code="currency",
                params={"code": code},
            )
        return code

    def clean_rate(self) -> Decimal:
        rate = self.cleaned_data["rate"]
        if rate <= 0:
            raise forms.ValidationError(_("A rate must be greater than zero."), code="outcomes.fx.rate_not_positive")
        if rate < FX_RATE_MIN:
            raise forms.ValidationError(
                _("A rate must be at least %(min)s (rates are kept to %(places)s decimal places)."),
                code="outcomes.fx.rate_too_small",
                params={"min": f"{FX_RATE_MIN:f}", "places": FX_RATE_PLACES},
            )
        if rate >= FX_RATE_MAX:
            raise forms.ValidationError(
                _("A rate must be below %(max)s."),
                code="outcomes.fx.rate_too_large",
                params={"max": f"{FX_RATE_MAX:f}"},
            )
        if rate != rate.quantize(FX_RATE_MIN):
            raise forms.ValidationError(
                _("Give the rate with at most %(places)s decimal places."),
                code="max_decimal_places",
                params={"places": FX_RATE_PLACES},
            )
        return rate

    def clean(self):
        data = super().clean()
        if data.get("currency") and data.get("currency") == data.get("base"):
            self.add_error("currency", _("A rate converts between two different currencies."))
        return data


class FxImportForm(CleanTextMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"), help_text=_("Columns: date, currency, in (USD or KRW), rate, source.")
    )


class KpiForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Kpi
        fields = [
            "commitment",
            "name_ko",
            "name_en",
            "metric",
            "kind",
            "country",
            "counting",
            "target",
            "currency",
            "starts_on",
            "ends_on",
            "order",
        ]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["commitment"].queryset = program.agreement.commitments.all()
        self.fields["currency"].choices = ReportingCurrency.choices

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()


class ReminderForm(CleanTextMixin, forms.Form):
    every_days = forms.IntegerField(label=_("Remind startups every (days)"), min_value=7, max_value=366)
    is_active = forms.BooleanField(label=_("Reminders on"), required=False)


class BriefForm(CleanTextMixin, forms.Form):
    # A release now carries a sentence and a table row per outcome: room for a few hundred outcomes.
    text_ko = forms.CharField(label=_("Korean brief"), widget=forms.Textarea(attrs={"rows": 30}), max_length=60000)
    text_en = forms.CharField(label=_("English brief"), widget=forms.Textarea(attrs={"rows": 30}), max_length=60000)
