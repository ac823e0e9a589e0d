"""Role × endpoint proof: every page route and every API operation, asked by every role, with our tenant's
objects and with the other tenant's.

The routes come from the URL conf (``get_resolver()``) and the OpenAPI document of the ninja API, so a new
route that nobody wrote an expectation for fails :func:`test_every_route_has_an_expectation` with its name
and the line to add. How to read and extend the tables: docs/architecture.md, "Proving permissions".

The rule the tables prove (docs/architecture.md): an object the viewer may not see at all answers 404; an
object the viewer can see, with a page or action they may not use, answers 403; an anonymous visitor is sent
to the log-in page (pages) or answered 401 (API). Unsafe methods are refused to the anonymous visitor and to
the other tenant's users.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bridgehead.api.urls import api
from bridgehead.core.enums import Role
from tests.tenants import ROLES, SCOPED, Tenant, build_world, user_for

LOGIN = "login"  # a redirect to the log-in page
#: What "refused" means for an unsafe method: sent to log in, forbidden, hidden, or not a method it takes.
REFUSED = {LOGIN, 401, 403, 404, 405}
#: On an API write the body is validated before the object is looked up, so an empty body sent by the other
#: tenant is refused as invalid (422) before anyone looks for the object; 422 counts as refused there.
API_REFUSED = REFUSED | {422}
#: The users of our tenant who try the other tenant's objects with an unsafe method: a staff role and the
#: two member roles (asking with every role would double the run for no new door).
WRITERS = ("manager", "startup", "partner")
#: ``own`` of an API write: what each role may do with a valid body is each app's own tests' business; this
#: walk proves only the refusals (anonymous, other tenant).
WRITE = "write"


@dataclass(frozen=True)
class Expect:
    """What one route answers.

    ``own`` and ``other`` are the GET outcomes, written ``"200: admin manager | 403: *"``: a status (or
    ``login``) and the roles that get it; ``*`` is every role not named in another group. The anonymous
    visitor gets ``login`` (pages) or 401 (API) unless named. ``own`` is asked with our tenant's objects;
    ``other`` with theirs, by our users (the site admin is site-wide and is not asked); ``other=None`` when the
    route names no object of a tenant. Every route is also sent an empty POST (pages) or its own unsafe method
    (API), which the anonymous visitor and the :data:`WRITERS` with the other tenant's objects must be refused
    — unless ``may`` names them (``"anon"``, ``"other"``), with the reason in ``why``.
    """

    kwargs: Callable[[Tenant], dict] | None
    own: str
    other: str | None = "404: *"
    may: tuple[str, ...] = ()
    why: str = ""

    def __post_init__(self):
        assert not self.may or self.why, "say why the refusal does not apply"


def k(**fields: str) -> Callable[[Tenant], dict]:
    """URL kwargs from tenant attributes: ``k(pk="call")`` → ``{"pk": tenant.call.pk}``; a value starting
    with ``=`` is a literal (``k(kind="=organisations")``); ``attr.field`` reads a field of the object; a name
    starting with ``?`` goes to the query string (``k(**{"?program": "program.slug"})``)."""

    def fill(t: Tenant) -> dict:
        out = {}
        for name, source in fields.items():
            if source.startswith("="):
                out[name] = source[1:]
            elif "." in source:
                obj_name, attr = source.split(".", 1)
                out[name] = getattr(t.objects[obj_name], attr)
            else:
                value = t.objects[source]
                out[name] = value if isinstance(value, str) else value.pk
        return out

    return fill


NO_OBJECT = None  # shorthand for routes that name no tenant object
PUBLIC = "a public page or form (log in, reset a password, choose a language): the anonymous visitor may post"
READ_ONLY = "a read-only page every signed-in user may see: a POST is answered like a GET and changes nothing"
SHARED_REGISTRY = "the registry is shared by all programs: staff of any program may edit, import and export it"

# --------------------------------------------------------------------------------------------- pages
PAGES: dict[str, Expect] = {
    "home": Expect(NO_OBJECT, "200: anon *", may=("anon",), why=PUBLIC),
    "set-language": Expect(NO_OBJECT, "405: anon *", may=("anon",), why=PUBLIC),
    "login": Expect(NO_OBJECT, "200: anon | 302: *", may=("anon",), why=PUBLIC),
    "logout": Expect(NO_OBJECT, "405: anon *", may=("anon",), why=PUBLIC),
    "password_change": Expect(NO_OBJECT, "200: *"),
    "password_change_done": Expect(NO_OBJECT, "200: *"),
    "password_reset": Expect(NO_OBJECT, "200: anon *", may=("anon",), why=PUBLIC),
    "password_reset_done": Expect(NO_OBJECT, "200: anon *"),
    "password_reset_complete": Expect(NO_OBJECT, "200: anon *"),
    "preferences": Expect(NO_OBJECT, "200: *"),
    "api-tokens": Expect(NO_OBJECT, "200: *"),
    "api-token-revoke": Expect(k(pk="api_token"), "405: *", other="405: *"),
    "my-data": Expect(NO_OBJECT, "200: *"),
    "my-data-download": Expect(NO_OBJECT, "405: *"),
    "inbox": Expect(NO_OBJECT, "200: *"),
    "inbox-badge": Expect(NO_OBJECT, "200: *"),
    "inbox-read-all": Expect(NO_OBJECT, "405: *"),
    "notification-open": Expect(k(pk="notification"), "302: startup | 404: *"),
    "cluster-list": Expect(NO_OBJECT, "200: *"),
    "cluster-detail": Expect(k(slug="cluster.slug"), "200: *", other="200: *", may=("other",), why=READ_ONLY),
    "organisation-list": Expect(NO_OBJECT, "200: *"),
    "organisation-create": Expect(NO_OBJECT, "200: admin manager | 403: *"),
    "organisation-detail": Expect(k(slug="startup_org.slug"), "200: *", other="200: *", may=("other",), why=READ_ONLY),
    "organisation-edit": Expect(
        k(slug="startup_org.slug"),
        "200: admin manager startup | 403: *",
        other="200: manager | 403: *",
        may=("other",),
        why=SHARED_REGISTRY,
    ),
    # Current members are public to everyone signed in; inviting (a POST) is for the organisation's admins.
    "organisation-members": Expect(k(slug="startup_org.slug"), "200: *", other="200: *"),
    "organisation-join": Expect(
        k(slug="startup_org.slug"),
        "405: *",
        other="405: *",
        may=("other",),
        why="anyone signed in may ask to join any organisation; its admins decide",
    ),
    # Consent to the public listing: the organisation's admins (and site admins) give and withdraw it.
    "organisation-listing-consent": Expect(k(slug="startup_org.slug", action="=give"), "405: *", other="405: *"),
    "membership-action": Expect(k(pk="membership", action="=approve"), "405: *", other="405: *"),
    "person-detail": Expect(k(pk="person"), "200: *", other="200: *", may=("other",), why=READ_ONLY),
    # Finding 11: a manager edits the people tied to their own programs, not another tenant's.
    "person-edit": Expect(k(pk="person"), "200: admin manager startup | 403: *", other="403: *"),
    "import-upload": Expect(
        k(kind="=organisations"),
        "200: admin manager | 403: *",
        other="200: manager | 403: *",
        may=("other",),
        why=SHARED_REGISTRY,
    ),
    "import-preview": Expect(k(pk="import_batch"), "404: admin | 200: manager | 403: *", other="404: manager | 403: *"),
    "import-commit": Expect(k(pk="import_batch"), "405: *", other="405: *"),
    "export": Expect(
        k(kind="=organisations", file_format="=csv"),
        "200: admin manager | 403: *",
        other="200: manager | 403: *",
        may=("other",),
        why=SHARED_REGISTRY,
    ),
    "agreement-list": Expect(NO_OBJECT, "200: *"),
    "agreement-detail": Expect(k(slug="agreement.slug"), "404: guest startup partner | 200: *"),
    "agreement-document": Expect(k(slug="agreement.slug"), "404: guest startup partner | 200: *"),
    "program-list": Expect(NO_OBJECT, "200: *"),
    "my-work": Expect(NO_OBJECT, "200: *"),
    "call-detail": Expect(k(pk="call"), "200: *", other="200: *", may=("other",), why=READ_ONLY),
    "call-edit": Expect(k(pk="call"), "200: admin manager | 403: *", other="403: *"),
    "call-form": Expect(k(pk="call"), "200: admin manager | 403: *", other="403: *"),
    "call-form-field": Expect(k(pk="call", field_id="form_field"), "200: admin manager | 403: *", other="403: *"),
    "call-rubric": Expect(k(pk="call"), "200: admin manager | 403: *", other="403: *"),
    "call-criterion": Expect(k(pk="call", criterion_id="criterion"), "200: admin manager | 403: *", other="403: *"),
    "call-apply": Expect(k(pk="call"), "405: *", other="405: *"),
    "call-assignment": Expect(k(pk="call"), "200: admin manager | 403: *", other="403: *"),
    "call-run-status": Expect(k(pk="call", run_id="assignment_run"), "200: admin manager | 403: *", other="403: *"),
    "call-ranking": Expect(k(pk="call"), "200: admin manager | 403: *", other="403: *"),
    "application-detail": Expect(k(pk="application"), "200: admin manager reviewer startup | 404: *"),
    "application-edit": Expect(k(pk="application"), "200: admin startup | 403: manager reviewer | 404: *"),
    "application-withdraw": Expect(k(pk="application"), "405: *", other="405: *"),
    "application-decide": Expect(k(pk="application"), "302: admin manager | 403: reviewer startup | 404: *"),
    "application-file": Expect(k(pk="application", key="file_key"), "200: admin manager reviewer startup | 404: *"),
    "application-review": Expect(k(pk="application"), "403: manager startup | 200: reviewer | 404: *"),
    "application-conflict": Expect(k(pk="application"), "405: *", other="405: *"),
    "cohort-detail": Expect(k(pk="cohort"), "404: guest partner | 200: *"),
    "mentorship-detail": Expect(k(pk="mentorship"), "200: admin manager mentor startup | 404: *"),
    "outbox-message": Expect(k(pk="outbox_message"), "200: admin manager | 404: *"),
    "program-detail": Expect(k(slug="program.slug"), "404: guest startup partner | 200: *"),
    "program-edit": Expect(k(slug="program.slug"), "200: admin manager | 403: reviewer mentor observer | 404: *"),
    "call-create": Expect(k(slug="program.slug"), "200: admin manager | 403: reviewer mentor observer | 404: *"),
    "program-outbox": Expect(k(slug="program.slug"), "200: admin manager | 403: reviewer mentor observer | 404: *"),
    "decision-templates-default": Expect(
        k(slug="program.slug"), "200: admin manager | 403: reviewer mentor observer | 404: *"
    ),
    "decision-templates": Expect(
        k(slug="program.slug", outcome="=rejected"), "200: admin manager | 403: reviewer mentor observer | 404: *"
    ),
    "event-list": Expect(NO_OBJECT, "200: *"),
    # The public showcase: anyone reads it; the tenants' agreements, programs and events are not public, so
    # their showcase pages answer 404 to everyone (a POST to the read-only pages is 405).
    "showcase-start": Expect(NO_OBJECT, "302: anon *", may=("anon",), why=PUBLIC),
    "showcase-home": Expect(k(lang="=ko"), "200: anon *", other=None, may=("anon",), why=PUBLIC),
    "showcase-agreement": Expect(k(lang="=en", slug="agreement.slug"), "404: anon *", other="404: anon *"),
    "showcase-program": Expect(k(lang="=en", slug="program.slug"), "404: anon *", other="404: anon *"),
    "showcase-event": Expect(k(lang="=ko", slug="event.slug"), "404: anon *", other="404: anon *"),
    "showcase-invitations": Expect(k(slug="event.slug"), "200: admin manager | 403: *", other="403: *"),
    "showcase-invitation-handled": Expect(k(pk="invitation_request"), "405: *", other="405: *"),
    "sitemap": Expect(NO_OBJECT, "200: anon *", may=("anon",), why=PUBLIC),
    "robots": Expect(NO_OBJECT, "200: anon *", may=("anon",), why=PUBLIC),
    "event-create": Expect(
        k(**{"?program": "program.slug"}), "200: admin manager | 403: reviewer mentor observer | 404: *"
    ),
    "event-detail": Expect(k(slug="event.slug"), "200: *", other="200: *", may=("other",), why=READ_ONLY),
    "event-edit": Expect(k(slug="event.slug"), "200: admin manager | 403: *", other="403: *"),
    "event-publish": Expect(k(slug="event.slug"), "405: *", other="405: *"),
    "event-participants": Expect(k(slug="event.slug"), "200: admin manager | 403: *", other="403: *"),
    "event-refresh-recommendations": Expect(k(slug="event.slug"), "405: *", other="405: *"),
    "event-me": Expect(
        k(slug="event.slug"),
        "200: *",
        other="200: *",
        may=("other",),
        why="a published event takes registrations from anyone signed in",
    ),
    "event-availability": Expect(k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"),
    "event-recommendations": Expect(k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"),
    "event-send-request": Expect(k(slug="event.slug", participant_id="partner_participant"), "405: *", other="405: *"),
    "event-requests": Expect(k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"),
    "event-agenda": Expect(k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"),
    "event-agenda-of": Expect(
        k(slug="event.slug", participant_id="startup_participant"), "200: admin manager | 403: *", other="403: *"
    ),
    "event-agenda-ics": Expect(k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"),
    "event-calendar-rotate": Expect(k(slug="event.slug"), "405: *", other="405: *"),
    "event-calendar-rotate-of": Expect(
        k(slug="event.slug", participant_id="startup_participant"), "405: *", other="405: *"
    ),
    "event-schedule": Expect(k(slug="event.slug"), "200: admin manager | 403: *", other="403: *"),
    "event-table-plan": Expect(k(slug="event.slug"), "200: admin manager | 403: *", other="403: *"),
    "request-action": Expect(k(pk="request", action="=accept"), "405: *", other="405: *"),
    "run-status": Expect(k(pk="schedule_run"), "200: admin manager | 404: *"),
    "run-action": Expect(k(pk="schedule_run", action="=cancel"), "405: *", other="405: *"),
    "meeting-action": Expect(k(pk="meeting", action="=check_in"), "405: *", other="405: *"),
    "outcome-list": Expect(NO_OBJECT, "200: *"),
    "outcome-report": Expect(NO_OBJECT, "200: admin manager startup | 403: *"),
    "outcome-counterparties": Expect(NO_OBJECT, "200: admin manager startup | 403: *"),
    "outcome-detail": Expect(k(pk="outcome"), "200: admin manager observer startup | 404: *"),
    "outcome-edit": Expect(k(pk="outcome"), "200: admin manager | 403: observer | 302: startup | 404: *"),
    "outcome-evidence": Expect(k(pk="outcome"), "200: admin manager observer startup | 404: *"),
    "outcome-propose": Expect(k(pk="outcome"), "200: admin startup | 403: manager observer | 404: *"),
    "outcome-confirm": Expect(k(pk="outcome"), "405: anon *", other="405: anon *"),
    # A confirmed outcome is never deleted: its managers are sent back with the refusal flashed.
    "outcome-delete": Expect(k(pk="outcome"), "302: admin manager | 403: observer startup | 404: *"),
    "outcome-proposal-decide": Expect(k(pk="proposal"), "405: anon *", other="405: anon *"),
    "outcomes-agreement": Expect(k(key="agreement.slug"), "200: admin manager observer | 404: *"),
    "outcomes-program": Expect(k(key="program.slug"), "200: admin manager observer | 404: *"),
    "outcomes-cohort": Expect(k(key="cohort.pk"), "200: admin manager observer | 404: *"),
    "outcomes-startup": Expect(k(key="startup_org.slug"), "200: admin manager observer startup | 404: *"),
    "outcomes-xlsx": Expect(k(kind="=program", key="program.slug"), "200: admin manager observer | 404: *"),
    "outcomes-pdf": Expect(k(kind="=program", key="program.slug"), "200: admin manager observer | 404: *"),
    "outcomes-docx": Expect(k(kind="=program", key="program.slug"), "200: admin manager observer | 404: *"),
    "outcomes-hwpx": Expect(k(kind="=program", key="program.slug"), "200: admin manager observer | 404: *"),
    "outcomes-brief": Expect(k(kind="=agreement", key="agreement.slug"), "200: admin manager observer | 404: *"),
    "outcomes-fx": Expect(k(slug="program.slug"), "200: admin manager | 404: *"),
    "outcomes-kpis": Expect(k(slug="program.slug"), "200: admin manager | 404: *"),
    "outcomes-kpi": Expect(k(slug="program.slug", pk="kpi"), "200: admin manager | 404: *"),
    "outcomes-reminders": Expect(k(slug="program.slug"), "200: admin manager | 404: *"),
    "conversation-list": Expect(NO_OBJECT, "200: *"),
    # A participants' thread is theirs alone: the event's staff see only what was reported to them (the site
    # administrator, a superuser, holds every permission).
    "conversation-thread": Expect(k(pk="thread"), "200: admin startup partner | 404: *"),
    "conversation-messages": Expect(k(pk="thread"), "200: admin startup partner | 404: *"),
    "conversation-block": Expect(k(pk="thread"), "405: *", other="405: *"),
    "conversation-unblock": Expect(k(pk="thread"), "405: *", other="405: *"),
    "conversation-request": Expect(k(pk="request"), "302: admin startup partner | 403: manager | 404: *"),
    "conversation-meeting": Expect(k(pk="meeting"), "302: admin startup partner | 403: manager | 404: *"),
    # From a participant: the viewer's request with them. The event is published, so everyone sees it; only
    # its participants may ask (the partner itself is sent to the list with "no request" flashed).
    "conversation-participant": Expect(k(pk="partner_participant"), "302: startup partner | 403: *", other="403: *"),
    "conversation-application": Expect(k(pk="application"), "302: admin manager startup | 403: reviewer | 404: *"),
    "conversation-outcome": Expect(k(pk="outcome"), "302: admin manager startup | 403: observer | 404: *"),
    "conversation-report": Expect(k(pk="message"), "200: admin startup | 403: manager partner | 404: *"),
    "conversation-hide": Expect(k(pk="message"), "405: *", other="405: *"),
    "conversation-attachment": Expect(k(pk="attachment"), "200: admin manager startup partner | 404: *"),
    "conversation-reports": Expect(NO_OBJECT, "200: admin manager | 403: *"),
    "conversation-dismiss": Expect(k(pk="report"), "405: *", other="405: *"),
    "calendar-feed": Expect(
        k(token="startup_participant.calendar_token"),
        "200: anon *",
        other="200: anon *",
        may=("anon", "other"),
        why="the secret address is the credential (a calendar app has no session); read-only",
    ),
}

# Pages and API operations deliberately not walked, with the reason.
#: Whole prefixes the page walk leaves out.
NOT_WALKED: dict[str, str] = {
    "/api/": "walked operation by operation from the OpenAPI document (the API table below)",
    "/admin/": "Django's admin: only is_staff accounts get in, and Django guards every admin view itself",
}

SKIPPED: dict[str, str] = {
    "/favicon.ico": "a redirect to a static file, the same for everyone",
    "password_reset_confirm": "its URL carries a one-time token; tests/core/test_accounts.py walks the reset",
}

# --------------------------------------------------------------------------------------------- API
API: dict[str, Expect] = {
    "GET /api/sectors": Expect(NO_OBJECT, "200: *"),
    "GET /api/clusters": Expect(NO_OBJECT, "200: *"),
    "GET /api/clusters/{slug}": Expect(k(slug="cluster.slug"), "200: *", other="200: *"),
    "GET /api/organisations": Expect(NO_OBJECT, "200: *"),
    "POST /api/organisations": Expect(NO_OBJECT, WRITE),
    "GET /api/organisations/{slug}": Expect(k(slug="startup_org.slug"), "200: *", other="200: *"),
    "PATCH /api/organisations/{slug}": Expect(k(slug="startup_org.slug"), WRITE, may=("other",), why=SHARED_REGISTRY),
    "GET /api/people/{person_id}": Expect(k(person_id="person"), "200: *", other="200: *"),
    # Finding 11: another tenant's manager may not change a person's record (their contact e-mail above all).
    "PATCH /api/people/{person_id}": Expect(k(person_id="person"), WRITE),
    "GET /api/organisations/{slug}/memberships": Expect(k(slug="startup_org.slug"), "200: *", other="200: *"),
    "POST /api/organisations/{slug}/memberships": Expect(
        k(slug="startup_org.slug"), WRITE, may=("other",), why="anyone signed in may ask to join an organisation"
    ),
    "POST /api/memberships/{membership_id}/{action}": Expect(k(membership_id="membership", action="=approve"), WRITE),
    "POST /api/partnering/events/{slug}/participants/{participant_id}/calendar-token": Expect(
        k(slug="event.slug", participant_id="startup_participant"), WRITE
    ),
    "POST /api/people": Expect(NO_OBJECT, WRITE),
    "GET /api/agreements": Expect(NO_OBJECT, "200: *"),
    "POST /api/agreements": Expect(NO_OBJECT, WRITE),
    "GET /api/agreements/{slug}": Expect(k(slug="agreement.slug"), "404: guest startup partner | 200: *"),
    "PATCH /api/agreements/{slug}": Expect(k(slug="agreement.slug"), WRITE),
    "GET /api/programs/calls": Expect(NO_OBJECT, "200: *"),
    "GET /api/programs/calls/{call_id}": Expect(k(call_id="call"), "200: *", other="200: *"),
    "POST /api/programs/calls/{call_id}/applications": Expect(k(call_id="call"), WRITE),
    "GET /api/programs/applications": Expect(NO_OBJECT, "200: *"),
    # The API's applications are the applicant's own (api/programs.py): managers and reviewers read them on
    # the pages, so to them the API answers as if the application did not exist.
    "GET /api/programs/applications/{application_id}": Expect(
        k(application_id="application"), "200: admin startup | 404: *"
    ),
    "PATCH /api/programs/applications/{application_id}": Expect(k(application_id="application"), WRITE),
    "POST /api/programs/applications/{application_id}/submit": Expect(k(application_id="application"), WRITE),
    "POST /api/programs/applications/{application_id}/withdraw": Expect(k(application_id="application"), WRITE),
    "GET /api/programs/reviews": Expect(NO_OBJECT, "200: *"),
    "PUT /api/programs/reviews/{application_id}": Expect(k(application_id="application"), WRITE),
    "GET /api/programs/cohorts": Expect(NO_OBJECT, "200: *"),
    "GET /api/partnering/events": Expect(NO_OBJECT, "200: *"),
    "GET /api/partnering/events/{slug}": Expect(k(slug="event.slug"), "200: *", other="200: *"),
    "GET /api/partnering/events/{slug}/participants": Expect(
        k(slug="event.slug"), "200: admin manager startup partner | 403: *", other="403: *"
    ),
    "GET /api/partnering/events/{slug}/recommendations": Expect(
        k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"
    ),
    "GET /api/partnering/events/{slug}/requests": Expect(
        k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"
    ),
    "POST /api/partnering/events/{slug}/requests": Expect(k(slug="event.slug"), WRITE),
    "POST /api/partnering/requests/{request_id}/{action}": Expect(k(request_id="request", action="=accept"), WRITE),
    "GET /api/partnering/events/{slug}/meetings": Expect(
        k(slug="event.slug"), "200: admin manager startup partner | 403: *", other="403: *"
    ),
    "GET /api/partnering/events/{slug}/agenda": Expect(
        k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"
    ),
    "GET /api/partnering/events/{slug}/agenda.ics": Expect(
        k(slug="event.slug"), "200: startup partner | 403: *", other="403: *"
    ),
    "POST /api/partnering/events/{slug}/solve": Expect(k(slug="event.slug"), WRITE),
    "GET /api/partnering/runs/{run_id}": Expect(k(run_id="schedule_run"), "200: admin manager | 404: *"),
    "POST /api/partnering/runs/{run_id}/publish": Expect(k(run_id="schedule_run"), WRITE),
    "GET /api/outcomes/": Expect(NO_OBJECT, "200: *"),
    "POST /api/outcomes/": Expect(NO_OBJECT, WRITE),
    "GET /api/outcomes/totals": Expect(NO_OBJECT, "422: *"),
    "GET /api/outcomes/kpis": Expect(NO_OBJECT, "422: *"),
    "GET /api/outcomes/programs/{slug}/rates": Expect(k(slug="program.slug"), "200: admin manager | 404: *"),
    "POST /api/outcomes/programs/{slug}/rates": Expect(k(slug="program.slug"), WRITE),
    "GET /api/outcomes/{outcome_id}": Expect(k(outcome_id="outcome"), "200: admin manager observer startup | 404: *"),
    "PATCH /api/outcomes/{outcome_id}": Expect(k(outcome_id="outcome"), WRITE),
    "POST /api/outcomes/{outcome_id}/confirm": Expect(k(outcome_id="outcome"), WRITE),
    "POST /api/outcomes/{outcome_id}/proposals": Expect(k(outcome_id="outcome"), WRITE),
    "GET /api/conversations/threads": Expect(NO_OBJECT, "200: *"),
    "GET /api/conversations/threads/{thread_id}": Expect(k(thread_id="thread"), "200: admin startup partner | 404: *"),
    "GET /api/conversations/threads/{thread_id}/messages": Expect(
        k(thread_id="thread"), "200: admin startup partner | 404: *"
    ),
    "POST /api/conversations/threads/{thread_id}/messages": Expect(k(thread_id="thread"), WRITE),
    "POST /api/conversations/threads/{thread_id}/read": Expect(k(thread_id="thread"), WRITE),
    "POST /api/conversations/threads/{thread_id}/block": Expect(k(thread_id="thread"), WRITE),
    "POST /api/conversations/threads/{thread_id}/unblock": Expect(k(thread_id="thread"), WRITE),
    "POST /api/conversations/requests/{request_id}/thread": Expect(k(request_id="request"), WRITE),
    "POST /api/conversations/meetings/{meeting_id}/thread": Expect(k(meeting_id="meeting"), WRITE),
    "POST /api/conversations/applications/{application_id}/thread": Expect(k(application_id="application"), WRITE),
    "POST /api/conversations/outcomes/{outcome_id}/thread": Expect(k(outcome_id="outcome"), WRITE),
    "POST /api/conversations/messages/{message_id}/report": Expect(k(message_id="message"), WRITE),
    "POST /api/conversations/messages/{message_id}/hide": Expect(k(message_id="message"), WRITE),
    "GET /api/conversations/reports": Expect(NO_OBJECT, "200: admin manager | 403: *"),
    "POST /api/conversations/reports/{report_id}/dismiss": Expect(k(report_id="report"), WRITE),
}


# ===================================================================================== machinery


def _page_routes() -> dict[str, str]:
    """Every route of the URL conf outside /api/ (the API is walked from its schema): name → route."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(tuple(NOT_WALKED)):
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                found.setdefault(entry.name or route, route)  # the first pattern of a name is the one reverse() builds

    walk(get_resolver().url_patterns, "/")
    return found


def _api_operations() -> dict[str, str]:
    """Every operation of the OpenAPI document: ``"GET /api/programs/calls/{call_id}"`` → method."""
    schema = api.get_openapi_schema(path_prefix="/api/")
    return {f"{method.upper()} {path}": method for path, operations in schema["paths"].items() for method in operations}


PAGE_ROUTES = _page_routes()
API_OPERATIONS = _api_operations()


def _parse(spec: str, anon_default) -> dict[str, object]:
    """``"200: admin manager | 403: *"`` → {role: outcome} for every role of :data:`ROLES`."""
    out: dict[str, object] = {}
    rest = None
    for group in spec.split("|"):
        status, _, names = group.partition(":")
        status = status.strip()
        outcome = status if status == LOGIN else int(status)
        for name in names.split():
            if name == "*":
                rest = outcome
            else:
                assert name in ROLES, f"unknown role {name!r} in {spec!r}"
                out[name] = outcome
    for role in ROLES:
        if role not in out:
            out[role] = anon_default if role == "anon" else rest
        assert out[role] is not None, f"{spec!r} says nothing for {role!r}: add it or use '*'"
    return out


def _outcome(response) -> object:
    if response.status_code == 302 and response["Location"].split("?")[0] == resolve_url(settings.LOGIN_URL):
        return LOGIN
    return response.status_code


RECORD = os.environ.get("PROOF_RECORD")


@pytest.fixture(scope="module")
def proof_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both tenants, built once for the module inside a transaction rolled back at the end (each test runs in
    its own savepoint, so a write one test lets through cannot leak into another)."""
    media = tmp_path_factory.mktemp("media")
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        MEDIA_ROOT=media,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        world = build_world()
        clients = {}
        for role in ROLES:
            clients[role] = Client()
            user = user_for(world, role)
            if user is not None:
                clients[role].force_login(user)
        world["clients"] = clients
        world["media"] = media
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def proof(proof_world, db, settings):
    settings.MEDIA_ROOT = proof_world["media"]  # the files the module's tenants stored
    return proof_world


def _check(proof, name: str, expect: Expect, url_for: Callable[[dict], str], *, api_op: bool, method: str):
    """Ask every role; return the differences as lines naming the route, the role and the tenant."""
    anon_default = 401 if api_op else LOGIN
    problems: list[str] = []
    seen: dict[str, dict[str, object]] = {"own": {}, "other": {}}
    if method == "get" and expect.own == WRITE:
        raise AssertionError(f"{name}: WRITE is for unsafe API operations; write what GET answers")
    tenants = [("own", proof["ours"], expect.own)]
    if expect.kwargs is not None and expect.other is not None:
        tenants.append(("other", proof["theirs"], expect.other))
    for which, tenant, spec in tenants:
        kwargs = expect.kwargs(tenant) if expect.kwargs else {}
        query = urlencode({name[1:]: kwargs.pop(name) for name in list(kwargs) if name.startswith("?")})
        url = url_for(kwargs) + (f"?{query}" if query else "")
        if method == "get":
            wanted = _parse(spec, anon_default)
            roles = [role for role in ROLES if not (which == "other" and role == "admin")]
        else:
            roles = [role for role in ROLES if (which, role) in {("own", "anon"), *(("other", w) for w in WRITERS)}]
        for role in roles:
            client = proof["clients"][role]
            if method == "get":
                response = client.get(url)
            else:
                response = client.generic(method.upper(), url, b"{}", content_type="application/json")
            if response.streaming:  # a download holds its file open until read to the end
                b"".join(response.streaming_content)
            got = _outcome(response)
            seen[which][role] = got
            if method == "get":
                if got != wanted[role]:
                    problems.append(f"{name} as {role} ({which} tenant, GET {url}): expected {wanted[role]}, got {got}")
                continue
            exempt = ("anon" if role == "anon" else "other") in expect.may
            if not exempt and got not in (API_REFUSED if api_op else REFUSED):
                problems.append(
                    f"{name} as {role} ({which} tenant, {method.upper()} {url}): must be refused, got {got}"
                )
    if RECORD:  # PROOF_RECORD=<file>: write what each role got, to review when writing a new entry
        with open(RECORD, "a", encoding="utf-8") as out:
            out.write(f"RECORD {name} {method} own={seen['own']} other={seen['other']}\n")
    return problems


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_get(proof, name):
    expect = PAGES[name]
    problems = _check(proof, name, expect, lambda kw: reverse(name, kwargs=kw), api_op=False, method="get")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_post_refused(proof, name):
    """POST with an empty form: the anonymous visitor and the other tenant's users are refused."""
    expect = PAGES[name]
    problems = _check(proof, name, expect, lambda kw: reverse(name, kwargs=kw), api_op=False, method="post")
    assert not problems, "\n".join(problems)


def _api_url(operation: str, kwargs: dict) -> str:
    path = operation.split(" ", 1)[1]
    return path.format(**kwargs)


@pytest.mark.parametrize("operation", sorted(API))
def test_api_operation(proof, operation):
    expect = API[operation]
    method = API_OPERATIONS.get(operation, operation.split(" ", 1)[0].lower())
    problems = _check(proof, operation, expect, lambda kw: _api_url(operation, kw), api_op=True, method=method)
    assert not problems, "\n".join(problems)


def test_every_route_has_an_expectation():
    """A route added to the URL conf or the API without a line in PAGES/API (or SKIPPED) fails here."""
    missing = [
        f"page {name!r} ({route}): add PAGES[{name!r}] = Expect(k(...), own='200: … | 403: *', other='404: *') "
        f"or SKIPPED[{name!r}] = 'reason'"
        for name, route in sorted(PAGE_ROUTES.items())
        if name not in PAGES and name not in SKIPPED
    ]
    missing += [
        f"API operation {op!r}: add API[{op!r}] = Expect(k(...), own='200: … | 403: *', other='404: *') "
        f"or SKIPPED[{op!r}] = 'reason'"
        for op in sorted(API_OPERATIONS)
        if op not in API and op not in SKIPPED
    ]
    stale = [
        f"{name!r} is in the tables but no longer a route: remove it"
        for name in sorted(set(PAGES) | set(API) | set(SKIPPED))
        if name not in PAGE_ROUTES and name not in API_OPERATIONS
    ]
    header = (
        "Routes without an expectation in tests/test_role_endpoints.py "
        "(how to write one: docs/architecture.md, 'Proving permissions'):\n"
    )
    assert not missing and not stale, header + "\n".join(missing + stale)


def test_roles_cover_every_scoped_role():
    """The tables speak of every role the site grants, so a new role needs a column here too."""
    granted = {choice.value for choice in Role} - {"site_admin"}
    named = {"program_manager" if r == "manager" else r for r in SCOPED}
    named = {{"startup": "startup_member", "partner": "partner_member"}.get(r, r) for r in named}
    assert granted == named
