"""Account pages: preferences (language and time zone), language switch, API tokens, my data."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bridgehead.core import notifications, privacy, throttle
from bridgehead.core.enums import Language
from bridgehead.core.forms import ApiTokenForm, PreferencesForm
from bridgehead.core.models import ApiToken, Notification


def favicon(request: HttpRequest) -> HttpResponse:
    """Resolved per request: the static manifest (DEBUG=0) only exists after collectstatic."""
    return HttpResponsePermanentRedirect(static("bridgehead/favicon.svg"))


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the UI language, remembered on the account (and in a cookie for anonymous visitors)."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in Language.values:
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences were saved."))
        response = redirect("preferences")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax")
        return response
    return render(request, "core/preferences.html", {"form": form, "roles": request.user.roles.all()})


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    raw_key = None
    if request.method == "POST" and form.is_valid():
        _token, raw_key = ApiToken.issue(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.live().filter(user=request.user).order_by("-created_at")
    return render(request, "core/api_tokens.html", {"form": form, "tokens": tokens, "raw_key": raw_key})


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api-tokens")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What Bridgehead keeps about the signed-in person, and a button to download it (PIPA art. 35)."""
    return render(request, "core/my_data.html")


@login_required
@require_POST
def my_data_download(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own archive. The page takes no person argument: it can give nobody else's data
    (an administrator exports another person's with ``bridgehead privacy export``)."""
    subject = privacy.resolve(request.user.username)
    archive = privacy.export_person(subject=subject, by=request.user)
    response = HttpResponse(archive.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's notices, newest first; unread ones stand out until opened or marked read."""
    page = Paginator(request.user.notifications.all(), 50).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page, "unread": notifications.unread_count(request.user)})


@login_required
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The header badge alone, polled by htmx so a request that arrives while a page is open shows up."""
    return render(request, "core/_inbox_badge.html", {"nav_unread": notifications.unread_count(request.user)})


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one's own notice read and follow its link (another person's notice is a 404, never a hint)."""
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications.mark_read(notification=notice, by=request.user)
    target = notice.url
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect("inbox")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def mark_all_notifications_read(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_all_read(by=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
        % {"count": count},
    )
    return redirect("inbox")


class ThrottledPasswordReset(auth_views.PasswordResetView):
    """Django's password reset, limited per address and per e-mail address (``PASSWORD_RESET_LIMITS``).

    The limit answers the same whether or not the address belongs to an account, so it reveals nothing.
    """

    def form_valid(self, form):
        limits = settings.PASSWORD_RESET_LIMITS
        window = limits["window_seconds"]
        email = form.cleaned_data["email"].strip().lower()
        by_address = throttle.allow(
            f"reset-address:{throttle.client_address(self.request) or 'unknown'}",
            limit=limits["address"],
            window_seconds=window,
        )
        by_email = throttle.allow(f"reset-email:{email}", limit=limits["email"], window_seconds=window)
        if not (by_address and by_email):
            form.add_error(None, _("Too many password-reset requests. Try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
