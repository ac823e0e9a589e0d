"""Safe text: the one place that decides what text the platform accepts, for pages, the API and imports.

Every piece of text a person or a script sends is

* refused when it is not text at all (a list or an object where a sentence belongs — it would otherwise be
  stored as Python's ``repr`` of it);
* NFC-normalised, so "한국" typed on a Mac (decomposed jamo, NFD) and on Windows (precomposed, NFC) are the
  same string, compare equal and are found as duplicates;
* refused when it holds control characters (C0, DEL and C1; a line break and a tab only in multi-line
  fields): they are invisible, break exports and terminals, and never belong in a name or a note;
* stripped of surrounding white space.

Forms get it by inheriting :class:`CleanTextMixin` (every form of the apps does; a house rule checks it);
API schemas by inheriting ``bridgehead.api.schemas.In``, which cleans every string of a payload, nested
ones included; the spreadsheet importers validate each row through the same forms.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from enum import Enum
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls, DEL and C1 controls. Tab, line feed and carriage return are allowed in multi-line text only.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE_OK = frozenset("\t\n\r")

CODE_CONTROL = "text.control_character"
CODE_LINE_BREAK = "text.line_break"
CODE_NOT_TEXT = "text.not_text"


def nfc(value: str) -> str:
    """The canonical composed form of ``value`` (NFC)."""
    return unicodedata.normalize("NFC", value)


def name_key(value: str) -> str:
    """What two names are compared by: NFC, white space collapsed, case folded ("ÉCOLE" = "école")."""
    return re.sub(r"\s+", " ", nfc(value)).strip().casefold()


def control_character(value: str, *, multiline: bool) -> str | None:
    """The first control character ``value`` may not hold, or None."""
    allowed = _CONTROL_MULTILINE_OK if multiline else frozenset()
    for match in _CONTROL.finditer(value):
        if match.group() not in allowed:
            return match.group()
    return None


def clean_text(value: str, *, multiline: bool) -> str:
    """``value`` NFC-normalised and stripped; a ``ValidationError`` (with a code) for a control character.

    In a single-line field a line break is refused with its own code and message: it is what a pasted
    spreadsheet cell or address usually brings in, and "invisible character" would not help anyone."""
    text = nfc(value)
    bad = control_character(text, multiline=multiline)
    if bad is not None:
        if bad in "\n\r":
            raise ValidationError(_("Write this on one line: it may not contain a line break."), code=CODE_LINE_BREAK)
        raise ValidationError(
            _("This text contains an invisible control character (%(char)s); remove it and try again."),
            code=CODE_CONTROL,
            params={"char": f"U+{ord(bad):04X}"},
        )
    return text.strip()


def refuse_non_text(value: Any) -> None:
    """A list or an object where text belongs: refused, never stored as its Python ``repr``."""
    if isinstance(value, (dict, list, tuple, set)):
        raise ValidationError(_("Give text here, not a list or an object."), code=CODE_NOT_TEXT)


def is_multiline(field: forms.Field) -> bool:
    """A form field takes several lines when its widget is a text area."""
    return isinstance(field.widget, forms.Textarea)


def _cleaning_to_python(to_python: Callable[[Any], Any], multiline: bool, value: Any) -> Any:
    refuse_non_text(value)
    value = to_python(value)
    if isinstance(value, str):
        return clean_text(value, multiline=multiline)
    return value


class CleanTextMixin:
    """Cleans every text field of a form (``forms.CharField`` and its kinds: e-mail, URL, slug, choice of
    free text …) with :func:`clean_text` before the field's own validation, so ``max_length``, the form's
    ``clean_*`` methods and duplicate checks see the normalised text.

    Put it first among a form's bases: ``class OrganisationForm(CleanTextMixin, forms.ModelForm)``."""

    def full_clean(self) -> None:
        # Wrapped here rather than in __init__: forms built from definitions (an application form) add
        # their fields after the base __init__ ran.
        self.clean_text_fields()
        super().full_clean()

    def clean_text_fields(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.JSONField):  # structured on purpose; its strings: clean_strings
                continue
            if isinstance(field, forms.CharField) and not getattr(field, "_cleans_text", False):
                field.to_python = functools.partial(_cleaning_to_python, field.to_python, is_multiline(field))
                field._cleans_text = True


def clean_strings(value: Any) -> Any:
    """``value`` as an API payload field: a string cleaned with :func:`clean_text` (multi-line: the form the
    endpoint fills decides later whether the field takes one line), the strings inside a list or an object
    NFC-normalised only — they are answers or changes that a form checks one by one, and that form's error
    names the nested field (``answers.summary``) where a refusal here could name only the container."""
    if isinstance(value, Enum):  # a choice the schema already checked (a str enum is a str too)
        return value
    if isinstance(value, str):
        return clean_text(value, multiline=True)
    return _normalised(value)


def _normalised(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {_normalised(k): _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value
