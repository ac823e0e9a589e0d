"""Two complete tenants for the proofs of permission (tests/test_role_endpoints.py) and of the API schema
(tests/api/test_schema_fuzz.py).

A tenant is one agreement with one program and everything a route can name: a call with a question, a rubric,
an application with a file, a review assignment, an assignment run, a decision e-mail in the outbox, a cohort
with a mentorship, a partnering event with two participants, a request and a meeting, a schedule run, an
conversation with a message, a file and a report, an outcome with a change proposal, a KPI and an FX rate,
an import batch, a notification — and one user per role
scoped to it. ``ours`` and ``theirs`` are built the same way, so every route can be asked for with our
objects (what the role may do) and with theirs (what stays hidden).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from bridgehead.conversations.models import Attachment, Message, Report, Thread
from bridgehead.core.models import ApiToken, Notification, User
from bridgehead.outcomes.models import ChangeProposal
from bridgehead.partnering.models import EventSession, MeetingRequest, ScheduleRun
from bridgehead.programs.enums import FieldKind
from bridgehead.programs.models import (
    ApplicationFile,
    AssignmentRun,
    Decision,
    DecisionMessage,
)
from bridgehead.registry.models import ImportBatch, Membership
from bridgehead.showcase.models import InvitationRequest
from tests.factories import (
    AgreementFactory,
    ClusterFactory,
    CommitmentFactory,
    OrganisationFactory,
    ProgramFactory,
    SignatoryFactory,
    UserFactory,
    grant,
)
from tests.factories import member as make_member
from tests.outcomes.factories import FxRateFactory, KpiFactory, OutcomeFactory, meeting_between, participant
from tests.partnering.factories import EventFactory
from tests.programs.factories import (
    ApplicationFactory,
    CallFactory,
    CallReviewerFactory,
    CohortFactory,
    CohortMemberFactory,
    CriterionFactory,
    FormFieldFactory,
    MentorshipFactory,
    ReviewAssignmentFactory,
)

#: Every role a route is asked with, in the order failure messages list them. ``anon`` is not signed in,
#: ``guest`` is signed in with no role; ``admin`` is the site administrator (site-wide, no tenant).
ROLES = ("anon", "guest", "admin", "manager", "reviewer", "mentor", "observer", "startup", "partner")

#: The roles scoped to a tenant (everyone but the anonymous visitor, the guest and the site admin).
SCOPED = ("manager", "reviewer", "mentor", "observer", "startup", "partner")


@dataclass
class Tenant:
    """One agreement and everything under it; ``users`` maps a role of :data:`SCOPED` to its user."""

    key: str
    objects: dict = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_tenant(key: str) -> Tenant:
    """Build one tenant whose slugs and user names all start with ``key``."""
    t = Tenant(key)
    o = t.objects
    o["agreement"] = agreement = AgreementFactory(slug=f"{key}-agreement")
    agreement.document.save("agreement.pdf", ContentFile(PDF), save=True)
    o["program"] = program = ProgramFactory(agreement=agreement, slug=f"{key}-program")
    commitment = CommitmentFactory(agreement=agreement)
    program.commitments.add(commitment)
    o["startup_org"] = startup = OrganisationFactory(slug=f"{key}-startup", kind="startup")
    o["partner_org"] = partner = OrganisationFactory(slug=f"{key}-partner", kind="investor")
    SignatoryFactory(agreement=agreement, organisation=OrganisationFactory(slug=f"{key}-city", kind="government"))
    o["cluster"] = ClusterFactory(slug=f"{key}-cluster")

    users = t.users
    users["manager"] = grant(UserFactory(username=f"{key}-manager"), "program_manager", program=program)
    users["reviewer"] = grant(UserFactory(username=f"{key}-reviewer"), "reviewer", program=program)
    users["mentor"] = grant(UserFactory(username=f"{key}-mentor"), "mentor", program=program)
    users["observer"] = grant(UserFactory(username=f"{key}-observer"), "observer", agreement=agreement)
    users["startup"] = grant(UserFactory(username=f"{key}-startup"), "startup_member", organisation=startup)
    users["partner"] = grant(UserFactory(username=f"{key}-partner"), "partner_member", organisation=partner)

    # Programs: a published call with a file question and a rubric, one submitted application with its file.
    o["call"] = call = CallFactory(program=program, slug=f"{key}-call")
    o["form_field"] = FormFieldFactory(call=call, key="deck", kind=FieldKind.FILE, file_types=["pdf"], required=False)
    o["criterion"] = CriterionFactory(call=call)
    o["application"] = application = ApplicationFactory(
        call=call, organisation=startup, created_by=users["startup"], answers={}
    )
    stored = ApplicationFile(
        application=application,
        field_key="deck",
        original_name="deck.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=users["startup"],
    )
    stored.file.save("deck.pdf", ContentFile(PDF), save=True)
    o["file_key"] = "deck"
    CallReviewerFactory(call=call, user=users["reviewer"])
    ReviewAssignmentFactory(application=application, reviewer=users["reviewer"])
    o["assignment_run"] = AssignmentRun.objects.create(call=call, requested_by=users["manager"], status="succeeded")
    decided = ApplicationFactory(
        call=call, organisation=OrganisationFactory(slug=f"{key}-decided", kind="startup"), answers={}
    )
    decision = Decision.objects.create(application=decided, outcome="accept", decided_by=users["manager"])
    o["outbox_message"] = DecisionMessage.objects.create(
        decision=decision,
        program=program,
        recipient=decided.created_by,
        outcome="accept",
        language="en",
        to="founder@example.org",
        subject="Your application",
        body="Accepted.",
    )
    o["cohort"] = cohort = CohortFactory(program=program)
    member = CohortMemberFactory(cohort=cohort, organisation=startup)
    o["mentorship"] = MentorshipFactory(member=member, mentor=users["mentor"])

    # Partnering: a published event with a session, the startup and the partner registered, a request, a
    # meeting between them and a finished schedule run.
    o["event"] = event = EventFactory(program=program, slug=f"{key}-event")
    EventSession.objects.create(
        event=event, date=dt.date(2026, 6, 1), starts=dt.time(9), ends=dt.time(11), name_en="Morning"
    )
    o["startup_participant"] = startup_p = participant(event, startup, user=users["startup"])
    o["partner_participant"] = partner_p = participant(event, partner, user=users["partner"])
    o["person"] = startup_p.person
    make_member(startup_p.person, startup, is_admin=True)  # the startup's login administers its organisation
    o["membership"] = Membership.objects.get(person=startup_p.person, organisation=startup)
    o["meeting"] = meeting_between(event, startup_p, partner_p)
    o["request"] = MeetingRequest.objects.create(event=event, sender=partner_p, recipient=startup_p, status="pending")
    o["schedule_run"] = ScheduleRun.objects.create(event=event, requested_by=users["manager"], status="succeeded")
    o["invitation_request"] = InvitationRequest.objects.create(
        event=event, name="Visitor", organisation="Harbor Ventures", email="visitor@example.org"
    )

    # Conversations: the request's thread (opened with the request) holding the partner's message with a
    # file, which the startup reported to the event's staff.
    o["thread"] = thread = Thread.objects.get(request=o["request"])
    o["message"] = message = Message.objects.create(
        thread=thread, author=users["partner"], body="Shall we meet?", created_at=timezone.now()
    )
    o["attachment"] = attachment = Attachment(message=message)
    attachment.file.save("agenda.pdf", ContentFile(PDF), save=True)
    o["report"] = Report.objects.create(message=message, by=users["startup"], reason="spam")

    # Outcomes: one the startup reported (confirmed, with a pending change proposal), a KPI and an FX rate.
    o["outcome"] = outcome = OutcomeFactory(
        program=program,
        organisation=startup,
        status="closed",
        confirmed_at=timezone.now(),
        amount=Decimal("1000"),
        currency="USD",
    )
    outcome.evidence.save("evidence.pdf", ContentFile(PDF), save=True)
    o["proposal"] = ChangeProposal.objects.create(
        outcome=outcome, changes={"title_en": "Better title"}, reason="typo", proposed_by=users["startup"]
    )
    o["kpi"] = KpiFactory(program=program, commitment=commitment)
    o["fx_rate"] = FxRateFactory(program=program)

    # Per-user objects (asked for by the user they belong to, and by the other tenant's users).
    o["import_batch"] = ImportBatch.objects.create(filename="orgs.csv", content=b"", created_by=users["manager"])
    o["notification"] = Notification.objects.create(user=users["startup"], text="Hello", url="/")
    o["api_token"] = ApiToken.issue(user=users["startup"], name="script")[0]
    return t


def build_world() -> dict:
    """``ours`` and ``theirs`` (tenants), the site ``admin`` and the ``guest`` (signed in, no role)."""
    admin = grant(UserFactory(username="proof-admin"), "site_admin")
    guest = UserFactory(username="proof-guest")
    return {"ours": build_tenant("ours"), "theirs": build_tenant("theirs"), "admin": admin, "guest": guest}


def user_for(world: dict, role: str) -> User | None:
    """The user of ``role`` in our tenant (``None`` for the anonymous visitor)."""
    if role == "anon":
        return None
    if role in ("admin", "guest"):
        return world[role]
    return world["ours"].users[role]
