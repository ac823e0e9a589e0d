from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bridgehead.agreements.models import Agreement
from bridgehead.core.text import CleanTextMixin
from bridgehead.registry.models import Organisation


class AgreementForm(CleanTextMixin, forms.ModelForm):
    signatories = forms.JSONField(required=False)

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "title_ko",
            "title_en",
            "signed_at",
            "time_zone",
            "place_ko",
            "place_en",
            "summary_ko",
            "summary_en",
        ]

    def clean_signatories(self):
        slugs = self.cleaned_data.get("signatories") or []
        if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
            raise forms.ValidationError(_("Give the signatories as a list of organisation slugs."))
        found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
        unknown = [s for s in slugs if s not in found]
        if unknown:
            raise forms.ValidationError(_("Unknown organisations: %(slugs)s."), params={"slugs": ", ".join(unknown)})
        self.cleaned_data["signatory_organisations"] = [found[s] for s in slugs]
        return slugs

    def clean(self):
        data = super().clean()
        if not data.get("title_ko") and not data.get("title_en"):
            raise forms.ValidationError(_("Give the title in Korean, in English or both."))
        return data
