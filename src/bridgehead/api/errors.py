"""Errors as JSON with field paths, the same shape as django-ninja's own validation errors (422)."""

from __future__ import annotations

from django import forms


class FormErrors(Exception):
    """A domain form refused the payload; carries ``[{loc, msg, type}]`` like pydantic."""

    def __init__(self, detail: list[dict]) -> None:
        super().__init__("validation failed")
        self.detail = detail


def raise_for_form(form: forms.Form, *, field_map: dict[str, str] | None = None) -> None:
    if form.is_valid():
        return
    field_map = field_map or {}
    detail = []
    for field, errors in form.errors.get_json_data().items():
        loc = ["body", "payload"] + ([field_map.get(field, field)] if field != "__all__" else [])
        detail.extend({"loc": loc, "msg": error["message"], "type": error["code"] or "invalid"} for error in errors)
    raise FormErrors(detail)
