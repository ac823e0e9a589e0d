"""Forms shared by the pages and the API (the API fills them from JSON, so validation is identical)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from bridgehead.core.bilingual import pick
from bridgehead.core.enums import Role
from bridgehead.core.models import User
from bridgehead.core.text import CleanTextMixin
from bridgehead.programs import limits
from bridgehead.programs.enums import FieldKind, FileType, Outcome
from bridgehead.programs.models import (
    Call,
    CallReviewer,
    Criterion,
    DecisionTemplate,
    FormField,
    MentoringSession,
    Program,
)
from bridgehead.programs.uploads import is_executable, sniff
from bridgehead.registry.models import Sector

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def count_field(label, bounds: tuple[int, int], **kwargs) -> forms.IntegerField:
    """A whole number within one of the app's ranges (``limits``)."""
    low, high = bounds
    return forms.IntegerField(label=label, min_value=low, max_value=high, **kwargs)


def check_upload(field: FormField, upload) -> FileType:
    """Refuse a file that is too large, an executable whatever its name, or a type the field does not accept."""
    if upload.size > field.max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(field.max_bytes)},
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    if is_executable(content[:8]):
        raise ValidationError(_("This file is a program, not a document; it cannot be uploaded."), code="executable")
    kind = sniff(content)
    allowed = [FileType(t) for t in field.file_types] or list(FileType)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("This file type is not accepted here. Accepted: %(types)s."),
            code="file_type",
            params={"types": ", ".join(str(t.label) for t in allowed)},
        )
    return kind


class UploadField(forms.FileField):
    def __init__(self, *, form_field: FormField, **kwargs) -> None:
        self.form_field = form_field
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data and hasattr(data, "size"):
            data.sniffed_type = check_upload(self.form_field, data)
        return data


class ApplicationForm(CleanTextMixin, forms.Form):
    """Built from a call's form definition. Saving a draft never insists on required answers; submitting
    does (``services.submit_application`` checks the stored answers), so a half-finished draft can be kept."""

    def __init__(self, *args, call: Call, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        self.definition = list(call.fields.all())
        for f in self.definition:
            self.fields[f.key] = self._field_for(f)

    @staticmethod
    def _field_for(f: FormField) -> forms.Field:
        common = {"label": f.label + (" *" if f.required else ""), "help_text": f.help, "required": False}
        if f.kind == FieldKind.TEXT:
            return forms.CharField(max_length=f.max_length or limits.TEXT_ANSWER_MAX, **common)
        if f.kind == FieldKind.LONG_TEXT:
            return forms.CharField(
                max_length=f.max_length or limits.LONG_TEXT_ANSWER_MAX,
                widget=forms.Textarea(attrs={"rows": 5}),
                **common,
            )
        if f.kind == FieldKind.NUMBER:
            return forms.DecimalField(
                min_value=f.min_value, max_value=f.max_value, max_digits=18, decimal_places=2, **common
            )
        if f.kind == FieldKind.CHOICE:
            choices = [("", "—")] + [(c["value"], pick(_Choice(c), "label")) for c in f.choices]
            return forms.ChoiceField(choices=choices, **common)
        if f.kind == FieldKind.SECTORS:
            field = forms.ModelMultipleChoiceField(
                queryset=Sector.objects.all(),
                to_field_name="code",
                widget=forms.SelectMultiple(attrs={"size": 6}),
                **common,
            )
            field.label_from_instance = lambda sector: sector.name  # names, never raw codes like health.ai
            return field
        return UploadField(form_field=f, **common)

    def answers(self) -> dict[str, object]:
        """Cleaned values as JSON-ready answers (files are handled separately)."""
        out: dict[str, object] = {}
        for f in self.definition:
            value = self.cleaned_data.get(f.key)
            if f.kind == FieldKind.FILE:
                continue
            if f.kind == FieldKind.NUMBER:
                out[f.key] = None if value is None else str(Decimal(value).normalize())
            elif f.kind == FieldKind.SECTORS:
                out[f.key] = [s.code for s in value] if value else []
            else:
                out[f.key] = value or ""
        return out

    def uploads(self) -> dict[str, object]:
        return {
            f.key: self.cleaned_data[f.key]
            for f in self.definition
            if f.kind == FieldKind.FILE and self.cleaned_data.get(f.key)
        }


class _Choice:
    def __init__(self, choice: dict) -> None:
        self.label_ko = choice.get("ko", "")
        self.label_en = choice.get("en", "")


class CallForm(CleanTextMixin, forms.ModelForm):
    """Open and close times are typed in the program's time zone (the view activates it)."""

    opens_at = forms.DateTimeField(label=_("Opens"), widget=LOCAL_INPUT)
    closes_at = forms.DateTimeField(label=_("Closes"), widget=LOCAL_INPUT)
    reviews_per_application = count_field(_("Reviews per application"), limits.REVIEWS_PER_APPLICATION)
    max_reviews_per_reviewer = count_field(_("Maximum reviews per reviewer"), limits.REVIEWS_PER_REVIEWER)

    class Meta:
        model = Call
        fields = [
            "slug",
            "title_ko",
            "title_en",
            "description_ko",
            "description_en",
            "eligibility_ko",
            "eligibility_en",
            "opens_at",
            "closes_at",
            "is_published",
            "reviews_per_application",
            "max_reviews_per_reviewer",
            "disagreement_threshold",
        ]

    def __init__(self, *args, program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.program = program

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The call must close after it opens."))
        if not data.get("title_ko") and not data.get("title_en"):
            self.add_error("title_en", _("Give a title in Korean or English."))
        slug = data.get("slug")
        if slug and Call.objects.filter(program=self.program, slug=slug).exclude(pk=self.instance.pk).exists():
            self.add_error("slug", _("Another call of this program uses this slug."))
        return data


class FormFieldForm(CleanTextMixin, forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: value | Korean label | English label."),
    )
    file_types = forms.MultipleChoiceField(
        label=_("Accepted file types"), choices=FileType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = FormField
        fields = [
            "key",
            "kind",
            "label_ko",
            "label_en",
            "help_ko",
            "help_en",
            "required",
            "order",
            "max_length",
            "min_value",
            "max_value",
            "file_types",
            "max_bytes",
            "used_for_matching",
        ]

    def __init__(self, *args, call: Call, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        if self.instance.pk and self.instance.choices:
            self.initial["choices_text"] = "\n".join(
                f"{c['value']} | {c.get('ko', '')} | {c.get('en', '')}" for c in self.instance.choices
            )

    def clean(self):
        data = super().clean()
        choices = []
        for line in (data.get("choices_text") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            parts += [""] * (3 - len(parts))
            choices.append({"value": parts[0], "ko": parts[1] or parts[0], "en": parts[2] or parts[0]})
        if data.get("kind") == FieldKind.CHOICE and not choices:
            self.add_error("choices_text", _("A choice field needs at least one choice."))
        data["choices"] = choices
        key = data.get("key")
        if key and FormField.objects.filter(call=self.call, key=key).exclude(pk=self.instance.pk).exists():
            self.add_error("key", _("This form already has a field with this key."))
        return data

    def save(self, commit: bool = True) -> FormField:
        self.instance.call = self.call
        self.instance.choices = self.cleaned_data["choices"]
        return super().save(commit)


class CriterionForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name_ko", "name_en", "description_ko", "description_en", "weight", "scale_min", "scale_max", "order"]

    def clean(self):
        data = super().clean()
        if (
            data.get("scale_min") is not None
            and data.get("scale_max") is not None
            and data["scale_max"] <= data["scale_min"]
        ):
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        return data


class ReviewForm(CleanTextMixin, forms.Form):
    """One integer per criterion within its scale, an optional comment per criterion and an overall comment."""

    comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=limits.REVIEW_COMMENT_MAX,
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.IntegerField(
                label=f"{c.name} ({c.scale_min}–{c.scale_max})",
                min_value=c.scale_min,
                max_value=c.scale_max,
                help_text=c.description,
                required=False,
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": c.name},
                required=False,
                max_length=limits.SCORE_COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}") or "")
            for c in self.criteria
        }


class PanelForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = CallReviewer
        fields = ["user", "expertise", "max_load"]

    def __init__(self, *args, call: Call, **kwargs) -> None:
        super().__init__(*args, **kwargs)

        self.call = call
        self.fields["user"].queryset = (
            User.objects.filter(roles__role=Role.REVIEWER, roles__program=call.program).distinct().order_by("username")
        )
        self.fields["user"].label = _("Reviewer")

    def clean_user(self):
        user = self.cleaned_data["user"]
        if CallReviewer.objects.filter(call=self.call, user=user).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This reviewer is already on the panel."))
        return user


class AssignmentSettingsForm(CleanTextMixin, forms.Form):
    reviews_per_application = count_field(_("Reviews per application"), limits.REVIEWS_PER_APPLICATION)
    max_reviews_per_reviewer = count_field(_("Maximum reviews per reviewer"), limits.REVIEWS_PER_REVIEWER)


class ManualAssignmentForm(CleanTextMixin, forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    reviewer = forms.IntegerField(widget=forms.HiddenInput)


class ConflictDeclarationForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you have a conflict?"), max_length=limits.CONFLICT_REASON_MAX, required=False
    )


class DecisionForm(CleanTextMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=Outcome.choices,
        error_messages={"required": _("Choose a decision first."), "invalid_choice": _("Choose a decision first.")},
    )
    note = forms.CharField(
        label=_("Note to the applicant"),
        required=False,
        max_length=limits.DECISION_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to the e-mail; the applicant also reads it on their application."),
    )
    despite_incomplete = forms.BooleanField(label=_("Decide without the missing reviews"), required=False)


class OutboxMessageForm(CleanTextMixin, forms.Form):
    """A waiting decision e-mail, as the manager may rewrite it before it leaves."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=limits.MESSAGE_SUBJECT_MAX,
        widget=forms.TextInput(attrs={"style": "width:100%"}),
    )
    body = forms.CharField(
        label=_("Message"), max_length=limits.MESSAGE_BODY_MAX, widget=forms.Textarea(attrs={"rows": 14})
    )


class DecisionTemplateForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = DecisionTemplate
        fields = ["subject_ko", "body_ko", "subject_en", "body_en"]
        widgets = {"body_ko": forms.Textarea(attrs={"rows": 8}), "body_en": forms.Textarea(attrs={"rows": 8})}


class MentorMatchingForm(CleanTextMixin, forms.Form):
    mentors_per_startup = count_field(_("Mentors per startup"), limits.MENTORS_PER_STARTUP, initial=1)
    max_mentees = count_field(_("Maximum startups per mentor"), limits.MENTEES_PER_MENTOR, initial=3)


class SessionForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = MentoringSession
        fields = ["held_on", "topic", "notes", "next_steps"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }


class ProgramForm(CleanTextMixin, forms.ModelForm):
    """What a program manager keeps up to date; the agreement and slug are fixed by the site admin."""

    class Meta:
        model = Program
        fields = [
            "title_ko",
            "title_en",
            "description_ko",
            "description_en",
            "starts_on",
            "ends_on",
            "time_zone",
            "commitments",
            "operators",
            "office_name_ko",
            "office_name_en",
            "office_email",
            "office_phone",
            "press_office_ko",
            "press_office_en",
            "press_contact_ko",
            "press_contact_en",
            "press_phone",
            "press_email",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "commitments": forms.CheckboxSelectMultiple,
            "operators": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = self.instance.agreement.commitments.all()

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The program must end after it starts."))
        if not data.get("title_ko") and not data.get("title_en"):
            self.add_error("title_en", _("Give a title in Korean or English."))
        return data
