"""Input for the conversation pages; the services check the same rules for the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bridgehead.conversations.models import MAX_MESSAGE_LENGTH, MAX_REPORT_REASON
from bridgehead.core.text import CleanTextMixin


class MessageForm(CleanTextMixin, forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Korean or English. The other side is told in the inbox and by e-mail (at most hourly)."),
    )
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("PDF, image or Office document, up to 10 MB."),
    )


class ReportForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why are you reporting this message? (optional)"),
        max_length=MAX_REPORT_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
