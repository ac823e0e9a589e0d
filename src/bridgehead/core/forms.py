from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bridgehead.core.enums import COMMON_TIME_ZONES, Language
from bridgehead.core.models import ApiToken, User
from bridgehead.core.text import CleanTextMixin


def time_zone_choices() -> list[tuple[str, str]]:
    others = sorted(zoneinfo.available_timezones() - set(COMMON_TIME_ZONES))
    return [(z, z) for z in COMMON_TIME_ZONES] + [(z, z) for z in others if "/" in z]


def current_password_field() -> forms.CharField:
    """The "your current password" field of every form where a person changes their own e-mail address
    (account preferences, their registry record): one label, one help text, one autocomplete hint."""
    return forms.CharField(
        label=_("Your current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed when you change your own e-mail address."),
    )


class PreferencesForm(CleanTextMixin, forms.ModelForm):
    """A person's own account settings. The e-mail address changes only with the current password: mail
    (password resets, partnering, outcomes) goes there and conflicts of interest read its domain, so a
    session left open must not be enough to move it."""

    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    current_password = current_password_field()

    class Meta:
        model = User
        fields = ["display_name", "email", "language", "time_zone"]

    def clean(self):
        data = super().clean()
        if "email" in self.changed_data:
            stored = User.objects.get(pk=self.instance.pk)
            if not stored.check_password(data.get("current_password") or ""):
                self.add_error(
                    "current_password",
                    forms.ValidationError(
                        _("Enter your current password to change your e-mail address."),
                        code="core.preferences.password_required",
                    ),
                )
        return data


class ApiTokenForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("What is this token for?"), max_length=100)
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=lambda: [(d, gettext("%(days)s days") % {"days": d}) for d in ApiToken.LIFETIME_DAYS],
        initial=ApiToken.DEFAULT_LIFETIME_DAYS,
        help_text=_("It stops working after that, and at once if your password changes."),
    )
