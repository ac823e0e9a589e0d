"""Refusals on pages: the same :class:`~bridgehead.core.errors.Refused` the API answers with a code.

A view may catch a refusal itself (to show it beside a form field: :func:`to_form`), or let it propagate:
:class:`RefusedMiddleware` then answers ``FORBIDDEN`` with the "Not allowed" page (403), ``NOT_FOUND``
with the 404 page, and any other kind by flashing the message and sending the visitor back where they came
from (a form post never lands on a blank error page). Every rendering carries ``data-refusal-code``, so
tests assert the code a page refused with, as they do for the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from bridgehead.core.errors import Kind, Refused
from bridgehead.core.permissions import NOT_ALLOWED

TAG_PREFIX = "refusal:"


def flash(request: HttpRequest, refusal: Refused) -> None:
    """Show ``refusal`` as an error message on the next page, tagged with its code."""
    messages.error(request, refusal.message, extra_tags=f"{TAG_PREFIX}{refusal.code}")


#: Refusals answered with a page of their own ("Not allowed", "Not found"), never as a message.
PAGE_KINDS = (Kind.FORBIDDEN, Kind.NOT_FOUND)


def flash_or_raise(request: HttpRequest, refusal: Refused) -> None:
    """What a view does with a refusal it caught: a state or value refusal becomes a message on the page the
    view shows next; a permission (or not-found) refusal goes on to :class:`RefusedMiddleware`'s page."""
    if refusal.kind in PAGE_KINDS:
        raise refusal
    flash(request, refusal)


@contextmanager
def flashed(request: HttpRequest) -> Iterator[None]:
    """:func:`flash_or_raise` for every refusal raised inside the block (the view goes on after it)."""
    try:
        yield
    except Refused as refusal:
        flash_or_raise(request, refusal)


def to_form(form: forms.BaseForm, refusal: Refused) -> None:
    """Attach ``refusal`` to the form (on its field when it names one that the form has)."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, forms.ValidationError(refusal.message, code=refusal.code))


def back(request: HttpRequest) -> str:
    """Where to send the visitor after a refused post: ``next``, the referring page, or this address."""
    for candidate in (request.POST.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return request.get_full_path()


def response(request: HttpRequest, refusal: Refused) -> HttpResponse:
    if refusal.kind == Kind.FORBIDDEN:
        specific = refusal.message != str(NOT_ALLOWED)  # the page already says "not allowed" in general
        return render(request, "403.html", {"refusal": refusal, "refusal_specific": specific}, status=403)
    if refusal.kind == Kind.NOT_FOUND:
        return render(request, "404.html", {"refusal": refusal}, status=404)
    flash(request, refusal)
    target = back(request)
    if getattr(request, "htmx", False):
        # htmx would swap a redirected full page into a fragment; ask it to load the page instead.
        answer = HttpResponse(status=204)
        answer["HX-Redirect"] = target
        return answer
    return HttpResponseRedirect(target)


class RefusedMiddleware:
    """Turns a :class:`Refused` a view did not catch into the page answer described above."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Refused) and not request.path.startswith("/api/"):
            return response(request, exception)
        return None
