from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from bridgehead.core.forms import time_zone_choices
from bridgehead.core.text import CleanTextMixin
from bridgehead.partnering.enums import (
    FEEDBACK_COMMENT_MAX,
    REQUEST_MESSAGE_MAX,
    SOLVE_TIME_LIMIT_DEFAULT,
    SOLVE_TIME_LIMIT_MAX,
    SOLVE_TIME_LIMIT_MIN,
    Attendance,
    Objective,
)
from bridgehead.partnering.models import DEFAULT_ALLOWED_PAIRS, Event, EventSession, Participant
from bridgehead.partnering.recommending import INTENT_CHOICES
from bridgehead.registry.enums import OrganisationKind

PAIR_CHOICES = [
    (f"{a}:{b}", f"{OrganisationKind(a).label} ↔ {OrganisationKind(b).label}")
    for i, a in enumerate(OrganisationKind.values)
    for b in OrganisationKind.values[i:]
]


class EventForm(CleanTextMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    allowed_pairs = forms.MultipleChoiceField(
        label=_("Who may meet whom"),
        choices=PAIR_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=DEFAULT_ALLOWED_PAIRS,
    )

    class Meta:
        model = Event
        fields = [
            "slug",
            "title_ko",
            "title_en",
            "description_ko",
            "description_en",
            "venue_ko",
            "venue_en",
            "time_zone",
            "slot_minutes",
            "tables",
            "virtual_allowed",
            "video_link_base",
            "allowed_pairs",
            "request_quota",
            "max_meetings",
            "request_deadline",
            "acceptance_deadline",
        ]
        widgets = {
            "request_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "acceptance_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description_ko": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "request_deadline": _("In your own time zone."),
            "acceptance_deadline": _("In your own time zone. Requests still pending then expire."),
        }

    def clean(self):
        data = super().clean()
        if not data.get("title_ko") and not data.get("title_en"):
            raise forms.ValidationError(_("Give the title in Korean, in English or both."))
        request, acceptance = data.get("request_deadline"), data.get("acceptance_deadline")
        if request and acceptance and acceptance < request:
            self.add_error("acceptance_deadline", _("Requests must be answerable after the last one is sent."))
        return data


SessionFormSet = inlineformset_factory(
    Event,
    EventSession,
    fields=["name_ko", "name_en", "date", "starts", "ends", "tables"],
    extra=1,
    can_delete=True,
    widgets={
        "date": forms.DateInput(attrs={"type": "date"}),
        "starts": forms.TimeInput(attrs={"type": "time"}),
        "ends": forms.TimeInput(attrs={"type": "time"}),
    },
)


class ProfileForm(CleanTextMixin, forms.ModelForm):
    seeks_intents = forms.MultipleChoiceField(
        label=_("We are looking for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what you want from partners here; it weighs in every recommendation."),
    )
    offers_intents = forms.MultipleChoiceField(
        label=_("We can offer"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what you can give partners."),
    )

    class Meta:
        model = Participant
        fields = [
            "language",
            "seeks",
            "seeks_intents",
            "offers",
            "offers_intents",
            "attendance",
            "preferred_start",
            "preferred_end",
        ]
        help_texts = {
            "preferred_start": _("In your own time zone. Meetings go inside these hours when the schedule allows."),
        }
        widgets = {
            "preferred_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "preferred_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "seeks": forms.Textarea(attrs={"rows": 3}),
            "offers": forms.Textarea(attrs={"rows": 3}),
            "language": forms.Select(choices=[("ko", _("Korean")), ("en", _("English"))]),
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seeks_intents"].choices = INTENT_CHOICES
        self.fields["offers_intents"].choices = INTENT_CHOICES
        if not event.virtual_allowed:
            self.fields["attendance"].choices = [(Attendance.IN_PERSON, Attendance.IN_PERSON.label)]
        for name in ("preferred_start", "preferred_end"):
            self.fields[name].required = False  # left empty: keep what is stored (08:00-20:00 by default)

    def clean(self) -> dict:
        data = super().clean()
        for name in ("preferred_start", "preferred_end"):
            if data.get(name) is None and name not in self.errors:
                data[name] = getattr(self.instance, name)
        start, end = data.get("preferred_start"), data.get("preferred_end")
        if start is not None and end is not None and start >= end:
            self.add_error("preferred_end", _("The end of your preferred hours must come after their start."))
        return data


class RegisterForm(CleanTextMixin, forms.Form):
    person = forms.IntegerField(label=_("Person"), widget=forms.HiddenInput)


class RequestForm(CleanTextMixin, forms.Form):
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=REQUEST_MESSAGE_MAX
    )


class SolveForm(CleanTextMixin, forms.Form):
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"),
        min_value=SOLVE_TIME_LIMIT_MIN,
        max_value=SOLVE_TIME_LIMIT_MAX,
        initial=SOLVE_TIME_LIMIT_DEFAULT,
    )
    objective = forms.ChoiceField(label=_("Objective"), choices=Objective.choices)
    relax = forms.MultipleChoiceField(
        required=False, choices=[("fixed", "fixed"), ("break-spread", "break-spread")], widget=forms.MultipleHiddenInput
    )


class FeedbackForm(CleanTextMixin, forms.Form):
    valuable = forms.TypedChoiceField(
        label=_("Was it valuable?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    follow_up = forms.TypedChoiceField(
        label=_("Is a follow-up planned?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=FEEDBACK_COMMENT_MAX
    )


class PinForm(CleanTextMixin, forms.Form):
    slot = forms.IntegerField(label=_("Slot"))
    table = forms.IntegerField(label=_("Table"), required=False, min_value=1)
