"""Shared API schema pieces: the input base that cleans text, and the one pagination of every list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from bridgehead.core.text import clean_strings

PAGE_DEFAULT = 50
PAGE_MAX = 200


class In(Schema):
    """Base of every request body and query schema: each string field passes
    :func:`bridgehead.core.text.clean_strings` (NFC, no control characters other than tab and line breaks,
    stripped); strings nested in an object or a list are NFC-normalised and checked by the form the endpoint
    fills. A refused string answers 422 with the text rule's code as the error ``type``
    (``text.control_character``); the forms behind the endpoints then apply the single-line rule."""

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any) -> Any:
        try:
            return clean_strings(value)
        except ValidationError as error:
            message = error.messages[0]
            raise PydanticCustomError(error.error_list[0].code or "value_error", message) from None


class Page(PaginationBase):
    """Every list answers ``{"items": [...], "count": N}``, ``limit`` items from ``offset`` on.

    ``limit`` defaults to 50 and may not exceed 200: a larger one is refused (422, error type
    ``less_than_equal`` on ``limit``) rather than silently cut, so a client never mistakes a short page for
    the end of the list. Walk a long list with ``offset`` until ``offset >= count``."""

    class Input(Schema):
        limit: int = Field(PAGE_DEFAULT, ge=1, le=PAGE_MAX, description=f"items per page, at most {PAGE_MAX}")
        offset: int = Field(0, ge=0, le=2**31 - 1, description="items to skip")

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute: str = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        count = len(queryset) if isinstance(queryset, list) else queryset.count()
        return {"items": list(queryset[offset : offset + limit]), "count": count}


class Mapped:
    """A queryset whose rows an endpoint turns into dicts (``_out``): only the page asked for is read and
    mapped, and the count is the database's, so a list of 20,000 outcomes costs one page of work."""

    def __init__(self, queryset: QuerySet, to_item: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.to_item = to_item

    def __getitem__(self, page: slice) -> list[Any]:
        return [self.to_item(row) for row in self.queryset[page]]

    def count(self) -> int:
        return self.queryset.count()
