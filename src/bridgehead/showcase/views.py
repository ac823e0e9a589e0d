"""Public pages (no log-in) in the language of their address, and the staff list of invitation requests.

Every public page reads through :mod:`bridgehead.showcase.public`; an agreement, program or event that is not
public answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from bridgehead.core import refusals, throttle
from bridgehead.core.errors import Refused
from bridgehead.core.http import require
from bridgehead.core.mail import absolute_url
from bridgehead.partnering.models import Event
from bridgehead.showcase import public, services
from bridgehead.showcase.forms import InvitationRequestForm
from bridgehead.showcase.models import InvitationRequest

LANGUAGES = ("ko", "en")
OG_LOCALE = {"ko": "ko_KR", "en": "en_US"}
# Invitation requests: per address, and per event and e-mail, within an hour (core.throttle counts them).
REQUESTS_PER_ADDRESS = 5
REQUESTS_PER_EMAIL = 2
WINDOW_SECONDS = 3600


def _render(
    request: HttpRequest, lang: str, template: str, context: dict, *, url_name: str, url_kwargs=None, status=200
):
    """Render in the address's language with the head every public page carries: hreflang alternates (and
    x-default on the language-choosing start page), Open Graph tags with absolute addresses."""
    url_kwargs = url_kwargs or {}
    paths = {code: reverse(url_name, kwargs={**url_kwargs, "lang": code}) for code in LANGUAGES}
    alternates = {code: absolute_url(path) for code, path in paths.items()}
    with translation.override(lang):
        request.LANGUAGE_CODE = lang
        context = {
            **context,
            "lang": lang,
            "alternates": alternates,
            "paths": paths,
            "x_default": absolute_url(reverse("showcase-start")),
            "canonical": alternates[lang],
            "og_locale": OG_LOCALE[lang],
            "og_locale_alternate": [OG_LOCALE[c] for c in LANGUAGES if c != lang],
            "other_lang": "en" if lang == "ko" else "ko",
        }
        return render(request, template, context, status=status)


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """``/showcase/``: the visitor's language (chosen with the language switch, or from the browser)."""
    lang = "ko" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("ko") else "en"
    return redirect("showcase-home", lang=lang)


@require_safe
def home(request: HttpRequest, lang: str) -> HttpResponse:
    agreements = list(public.agreements().prefetch_related("signatories__organisation"))
    programs = list(public.programs())
    program_ids = [p.pk for p in programs]
    return _render(
        request,
        lang,
        "showcase/home.html",
        {
            "agreements": agreements,
            "programs": programs,
            "events": list(public.events()),
            "startups": list(public.startups(program_ids)),
            "outcomes": public.outcomes(program_ids)[:10],
            # Lazy: rendered in the address's language, not the visitor's.
            "description": gettext_lazy(
                "What the Ulsan–San Diego cluster cooperation produced: programs, startups, results."
            ),
        },
        url_name="showcase-home",
    )


@require_safe
def agreement(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    found = get_object_or_404(
        public.agreements().prefetch_related("signatories__organisation", "commitments"), slug=slug
    )
    programs = list(public.programs(found))
    program_ids = [p.pk for p in programs]
    with translation.override(lang):
        description = found.summary[:300]
    return _render(
        request,
        lang,
        "showcase/agreement.html",
        {
            "agreement": found,
            "programs": programs,
            "startups": list(public.startups(program_ids)),
            "outcomes": public.outcomes(program_ids),
            "events": list(public.events(program_ids)),
            "description": description,
        },
        url_name="showcase-agreement",
        url_kwargs={"slug": slug},
    )


@require_safe
def program(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    found = get_object_or_404(public.programs(), slug=slug)
    with translation.override(lang):
        description = found.description[:300]
    return _render(
        request,
        lang,
        "showcase/program.html",
        {
            "program": found,
            "startups": list(public.startups([found.pk])),
            "outcomes": public.outcomes([found.pk]),
            "events": list(public.events([found.pk])),
            "description": description,
        },
        url_name="showcase-program",
        url_kwargs={"slug": slug},
    )


def event(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    """An upcoming event and its "request an invitation" form (throttled per address and per e-mail)."""
    found = get_object_or_404(public.events().prefetch_related("sessions"), slug=slug)
    status = 200
    with translation.override(lang):
        form = InvitationRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            address = throttle.client_address(request) or "unknown"
            email = form.cleaned_data["email"].lower()
            if not (
                throttle.allow(f"invite-address:{address}", limit=REQUESTS_PER_ADDRESS, window_seconds=WINDOW_SECONDS)
                and throttle.allow(
                    f"invite-email:{found.pk}:{email}", limit=REQUESTS_PER_EMAIL, window_seconds=WINDOW_SECONDS
                )
            ):
                form.add_error(None, _("Too many requests were sent from here. Please try again in an hour."))
                status = 429
            else:
                try:
                    services.request_invitation(
                        event=found,
                        name=form.cleaned_data["name"],
                        organisation=form.cleaned_data["organisation"],
                        email=form.cleaned_data["email"],
                        message=form.cleaned_data["message"],
                        language=lang,
                    )
                except Refused as refusal:
                    refusals.to_form(form, refusal)
                    status = 409
                else:
                    messages.success(
                        request, _("Thank you. The organisers received your request and will answer by e-mail.")
                    )
                    return redirect("showcase-event", lang=lang, slug=slug)
        elif request.method == "POST":
            status = 422
        description = found.description[:300]
    return _render(
        request,
        lang,
        "showcase/event.html",
        {"event": found, "form": form, "description": description},
        url_name="showcase-event",
        url_kwargs={"slug": slug},
        status=status,
    )


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """The event staff's list: open requests first, then the handled ones with who handled them."""
    found = get_object_or_404(Event.objects.select_related("program"), slug=slug)
    require(request.user, "partnering.view_event", found, hide=True)
    require(request.user, "showcase.view_invitation_requests", found)
    rows = InvitationRequest.objects.filter(event=found).select_related("handled_by")
    return render(request, "showcase/invitations.html", {"event": found, "rows": rows})


@login_required
@require_POST
def invitation_handled(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(InvitationRequest.objects.select_related("event"), pk=pk)
    require(request.user, "partnering.view_event", invitation.event, hide=True)
    with refusals.flashed(request):
        services.mark_handled(invitation=invitation, by=request.user)
        messages.success(request, _("Marked handled."))
    return redirect("showcase-invitations", slug=invitation.event.slug)


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the showcase; everything behind the log-in (and the API, admin, files) is off-limits."""
    private = [
        "/admin/",
        "/api/",
        "/agreements/",
        "/programs/",
        "/events/",
        "/outcomes/",
        "/organisations/",
        "/people/",
        "/clusters/",
        "/import/",
        "/export/",
        "/calendar/",
        "/showcase/manage/",
        "/accounts/",
    ]
    lines = ["User-agent: *", "Allow: /showcase/", *[f"Disallow: {path}" for path in private]]
    lines += ["", f"Sitemap: {absolute_url(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
