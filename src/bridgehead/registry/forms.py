from __future__ import annotations

import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bridgehead.core.forms import current_password_field
from bridgehead.core.models import User
from bridgehead.core.text import CleanTextMixin, name_key
from bridgehead.registry.enums import OrganisationKind, Stage
from bridgehead.registry.models import Cluster, Organisation, Person, Sector

COUNTRY_CODES = re.compile(r"^[A-Z]{2}$")


class CountryListField(forms.CharField):
    """Two-letter country codes typed as "US, CN"; stored as a list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        codes = [code.strip().upper() for code in re.split(r"[;, ]+", value or "") if code.strip()]
        bad = [code for code in codes if not COUNTRY_CODES.match(code)]
        if bad:
            raise forms.ValidationError(
                _("Not two-letter country codes: %(codes)s."),
                code="registry.organisation.country_codes",
                params={"codes": ", ".join(bad)},
            )
        return codes


class _NameRuleOnce:
    """The model's "has a name" constraint (its only whole-record rule) would repeat the form's own, clearer
    message under another wording: when the form already refused the record as a whole, keep the form's."""

    def _update_errors(self, errors) -> None:
        if hasattr(errors, "error_dict") and NON_FIELD_ERRORS in self._errors:
            errors.error_dict = {k: v for k, v in errors.error_dict.items() if k != NON_FIELD_ERRORS}
            if not errors.error_dict:
                return
        super()._update_errors(errors)


def _name_refused(form: forms.BaseForm) -> bool:
    """A name was given but refused (a control character …): its own error says so; "no name" would not."""
    return "name_ko" in form.errors or "name_en" in form.errors


def _name_taken(field: str, name: str, own_pk: int | None) -> bool:
    """Does another organisation already carry ``name`` (compared NFC and case folded)? Rows saved before
    names were normalised may still be decomposed (NFD), so the database is asked for both forms and the
    candidates compared by :func:`bridgehead.core.text.name_key`."""
    forms_of_name = {unicodedata.normalize(form, name.strip()) for form in ("NFC", "NFD")}
    query = Q()
    for variant in forms_of_name:
        query |= Q(**{f"{field}__iexact": variant})
    key = name_key(name)
    candidates = Organisation.objects.exclude(pk=own_pk).filter(query).values_list(field, flat=True)
    return any(name_key(other) == key for other in candidates)


class OrganisationForm(CleanTextMixin, _NameRuleOnce, forms.ModelForm):
    """The one definition of a valid organisation: the edit page, the API and every row of a spreadsheet
    import (``registry.importing``) are checked by this form. Error codes are stable (tests match them)."""

    markets_sought = CountryListField(
        label=_("Markets sought"), required=False, help_text=_("Two-letter country codes, e.g. US, CN.")
    )
    markets_offered = CountryListField(label=_("Markets offered"), required=False)

    class Meta:
        model = Organisation
        fields = [
            "name_ko",
            "name_en",
            "kind",
            "cluster",
            "country",
            "city",
            "sectors",
            "stage",
            "website",
            "description_ko",
            "description_en",
            "markets_sought",
            "markets_offered",
        ]
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "description_ko": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        if not data.get("name_ko") and not data.get("name_en") and not _name_refused(self):
            raise forms.ValidationError(
                _("Give the name in Korean, in English or both."), code="registry.organisation.name_missing"
            )
        for field in ("name_ko", "name_en"):
            name = data.get(field)
            if name and _name_taken(field, name, self.instance.pk):
                self.add_error(
                    field,
                    forms.ValidationError(
                        _("An organisation with this name already exists."), code="registry.organisation.duplicate_name"
                    ),
                )
        if data.get("kind") != OrganisationKind.STARTUP and data.get("stage"):
            self.add_error(
                "stage",
                forms.ValidationError(
                    _("Only startups have a funding stage."), code="registry.organisation.stage_not_startup"
                ),
            )
        return data


class PersonForm(CleanTextMixin, _NameRuleOnce, forms.ModelForm):
    """The one definition of a valid person: the edit page, the API, imported people and import contacts."""

    class Meta:
        model = Person
        fields = [
            "name_ko",
            "name_en",
            "organisation",
            "title_ko",
            "title_en",
            "email",
            "time_zone",
            "bio_ko",
            "bio_en",
        ]

    current_password = current_password_field()

    def show_organisation_only(self) -> None:
        """On the edit page: membership decides the organisation (``registry.memberships``), so the field is
        shown, not sent. (The API sends it; the service refuses a change with a code.)"""
        self.fields["organisation"].disabled = True
        self.fields["organisation"].help_text = _(
            "Changed through memberships: ask to join an organisation, or ask its admins to end yours."
        )

    def clean(self):
        data = super().clean()
        if not data.get("name_ko") and not data.get("name_en") and not _name_refused(self):
            raise forms.ValidationError(
                _("Give the name in Korean, in English or both."), code="registry.person.name_missing"
            )
        return data


class InviteMemberForm(CleanTextMixin, forms.Form):
    """Invite someone who has an account, named by their user name or account e-mail address."""

    account = forms.CharField(
        label=_("User name or account e-mail"), max_length=254, help_text=_("They accept the invitation themselves.")
    )
    is_admin = forms.BooleanField(
        label=_("Organisation admin"), required=False, help_text=_("May invite members and approve requests.")
    )

    def clean_account(self) -> str:
        value = self.cleaned_data["account"].strip()
        users = User.objects.filter(is_active=True).filter(Q(username__iexact=value) | Q(email__iexact=value))
        if users.count() != 1:
            raise forms.ValidationError(
                _("No single account has this user name or e-mail address."), code="registry.membership.no_account"
            )
        self.cleaned_data["user"] = users.get()
        return value


class DirectoryFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    cluster = forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=Cluster.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("Any cluster"),
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("Any sector"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any kind")), *OrganisationKind.choices], required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("Any stage")), *Stage.choices], required=False)


class ImportUploadForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.csv or .xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s bytes); the limit is %(limit)s bytes."),
                params={"size": f"{upload.size:,}", "limit": f"{settings.IMPORT_MAX_BYTES:,}"},
            )
        return upload
