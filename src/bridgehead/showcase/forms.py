from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bridgehead.core.text import CleanTextMixin
from bridgehead.showcase.models import MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH


class InvitationRequestForm(CleanTextMixin, forms.Form):
    """A visitor's request; the text rules of every form apply (NFC, no control characters, stripped).
    ``website`` is a honeypot: hidden from people, filled in by form-spamming robots."""

    name = forms.CharField(label=_("Your name"), max_length=MAX_NAME_LENGTH)
    organisation = forms.CharField(label=_("Organisation"), max_length=MAX_NAME_LENGTH)
    email = forms.EmailField(label=_("E-mail"))
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you would like to do at the event (optional)."),
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""
