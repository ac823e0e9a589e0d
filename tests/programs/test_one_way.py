"""One way to act in programs: the page and the API refuse the same action with the same code, every service
checks its actor (a second tenant's people are refused by each of them), and the engine's bulk assignment
leaves one audit entry naming who started it."""

from __future__ import annotations

import datetime as dt
import inspect
import json

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from bridgehead.core.errors import Kind, Refused
from bridgehead.programs import assignment as assigning
from bridgehead.programs import services
from bridgehead.programs.enums import ApplicationStatus, AssignmentSource, Outcome
from bridgehead.programs.forms import (
    CallForm,
    CriterionForm,
    DecisionTemplateForm,
    FormFieldForm,
    PanelForm,
    ProgramForm,
    SessionForm,
)
from bridgehead.programs.models import Application, DecisionMessage, ReviewAssignment
from tests.factories import OrganisationFactory, UserFactory, grant
from tests.programs.factories import (
    ApplicationFactory,
    CallReviewerFactory,
    CohortFactory,
    CohortMemberFactory,
    MentorshipFactory,
    ReviewAssignmentFactory,
)

pytestmark = pytest.mark.django_db


def _api(client, method: str, url: str, payload: dict | None = None) -> tuple[int, dict]:
    response = getattr(client, method)(url, data=json.dumps(payload or {}), content_type="application/json")
    return response.status_code, response.json()


def _page_code(response) -> str | None:
    """The refusal code a page shows: on the "Not allowed" page or on a flashed message."""
    html = response.content.decode()
    marker = 'data-refusal-code="'
    return html.split(marker, 1)[1].split('"', 1)[0] if marker in html else None


def _answers() -> dict:
    return {"summary": "AI 진단", "track": "dx"}


# ---------------------------------------------------------------- (a) the same forbidden action


@pytest.mark.parametrize("who", ["manager", "reviewer"])
def test_withdrawing_someone_elses_application_is_refused_alike_by_page_and_api(world, login, call, who):
    """The program's manager and an assigned reviewer may see the application, but not withdraw it."""
    application = ApplicationFactory(call=call, organisation=world["startup"])
    ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    client = login(world["users"][who])

    page = client.post(reverse("application-withdraw", args=[application.pk]))
    status, body = _api(client, "post", f"/api/programs/applications/{application.pk}/withdraw")

    assert (page.status_code, _page_code(page)) == (403, "permission.programs.change_application")
    assert (status, body["code"]) == (403, "permission.programs.change_application")
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED


def test_applying_for_another_organisation_is_refused_alike_by_page_and_api(world, login, call):
    stranger = OrganisationFactory(slug="stranger", kind="startup")
    client = login(world["users"]["startup"])

    page = client.post(reverse("call-apply", args=[call.pk]), {"organisation": stranger.pk})
    status, body = _api(client, "post", f"/api/programs/calls/{call.pk}/applications", {"organisation": "stranger"})

    assert (page.status_code, _page_code(page)) == (403, "permission.programs.apply_for")
    assert (status, body) == (
        403,
        {
            "code": "permission.programs.apply_for",
            "detail": "You can only apply for a startup you are a member of.",
            "field": None,
        },
    )
    assert "You can only apply for a startup you are a member of." in page.content.decode()
    assert Application.objects.count() == 0


# ---------------------------------------------------------------- (b) the same conflict


def test_submitting_after_the_call_closed_is_refused_alike_by_page_and_api(world, login, call):
    startup = world["users"]["startup"]
    application = ApplicationFactory(
        call=call, organisation=world["startup"], created_by=startup, status=ApplicationStatus.DRAFT, answers=_answers()
    )
    call.closes_at = timezone.now() - dt.timedelta(minutes=1)
    call.save()
    client = login(startup)

    page = client.post(reverse("application-edit", args=[application.pk]), {**_answers(), "submit": "1"})
    status, body = _api(client, "post", f"/api/programs/applications/{application.pk}/submit")

    assert (page.status_code, _page_code(page)) == (200, "programs.application.closed")
    assert (status, body["code"], body["field"]) == (409, "programs.application.closed", None)
    assert Application.objects.get().status == ApplicationStatus.DRAFT


def test_withdrawing_twice_is_refused_alike_by_page_and_api(world, login, call):
    startup = world["users"]["startup"]
    application = ApplicationFactory(call=call, organisation=world["startup"], created_by=startup)
    client = login(startup)
    assert client.post(reverse("application-withdraw", args=[application.pk])).status_code == 302

    page = client.post(reverse("application-withdraw", args=[application.pk]), follow=True)
    status, body = _api(client, "post", f"/api/programs/applications/{application.pk}/withdraw")

    assert (page.status_code, _page_code(page)) == (200, "programs.application.not_withdrawable")
    assert (status, body["code"]) == (409, "programs.application.not_withdrawable")


def test_deciding_a_withdrawn_application_shows_its_code_on_the_confirmation(world, login, call):
    application = ApplicationFactory(call=call, organisation=world["startup"], status=ApplicationStatus.WITHDRAWN)

    page = login(world["users"]["manager"]).post(
        reverse("application-decide", args=[application.pk]), {"outcome": Outcome.ACCEPT, "confirmed": "1"}
    )

    assert (page.status_code, _page_code(page)) == (200, "programs.decision.not_submitted")


# ---------------------------------------------------------------- (c) a second tenant tries every service


@pytest.fixture
def ours(world, call):
    """Everything of "our" program a service can change: an application under review, its decision e-mail,
    a panel, a cohort with a mentorship."""
    manager = world["users"]["manager"]
    application = ApplicationFactory(call=call, organisation=world["startup"], created_by=world["users"]["startup"])
    member = CallReviewerFactory(call=call, user=world["users"]["reviewer"])
    assignment = ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    draft = ApplicationFactory(
        call=call,
        organisation=OrganisationFactory(slug="draft-co", kind="startup"),
        status=ApplicationStatus.DRAFT,
        answers=_answers(),
    )
    grant(world["users"]["startup"], "startup_member", organisation=draft.organisation)
    decided = ApplicationFactory(call=call, organisation=OrganisationFactory(slug="decided-co", kind="startup"))
    services.decide(application=decided, outcome=Outcome.ACCEPT, note="", by=manager)
    cohort = CohortFactory(program=world["our_program"])
    mentorship = MentorshipFactory(
        member=CohortMemberFactory(cohort=cohort, organisation=world["startup"]), mentor=world["users"]["mentor"]
    )
    return {
        "call": call,
        "application": application,
        "draft": draft,
        "member": member,
        "assignment": assignment,
        "message": DecisionMessage.objects.get(decision__application=decided),
        "cohort": cohort,
        "mentorship": mentorship,
        "field": call.fields.first(),
        "criterion": call.criteria.first(),
    }


@pytest.fixture
def theirs(world):
    """The second tenant's people, each holding in "their" program the role the action needs in ours."""
    program = world["their_program"]
    their_startup = OrganisationFactory(slug="their-startup", kind="startup")
    return {
        "manager": grant(UserFactory(username="their-manager"), "program_manager", program=program),
        "reviewer": grant(UserFactory(username="their-reviewer"), "reviewer", program=program),
        "mentor": grant(UserFactory(username="their-mentor"), "mentor", program=program),
        "startup": grant(UserFactory(username="their-founder"), "startup_member", organisation=their_startup),
    }


SERVICES = {
    "save_program": (
        "manager",
        "programs.change_program",
        lambda o, by: services.save_program(form=ProgramForm(instance=o["call"].program), by=by),
    ),
    "save_call": (
        "manager",
        "programs.change_program",
        lambda o, by: services.save_call(form=CallForm(program=o["call"].program), by=by),
    ),
    "save_form_field": (
        "manager",
        "programs.change_call",
        lambda o, by: services.save_form_field(form=FormFieldForm(call=o["call"]), by=by),
    ),
    "delete_form_field": (
        "manager",
        "programs.change_call",
        lambda o, by: services.delete_form_field(field=o["field"], by=by),
    ),
    "save_criterion": (
        "manager",
        "programs.change_call",
        lambda o, by: services.save_criterion(form=CriterionForm(), call=o["call"], by=by),
    ),
    "delete_criterion": (
        "manager",
        "programs.change_call",
        lambda o, by: services.delete_criterion(criterion=o["criterion"], by=by),
    ),
    "save_decision_template": (
        "manager",
        "programs.change_program",
        lambda o, by: services.save_decision_template(
            form=DecisionTemplateForm(
                instance=services.decision_template(program=o["call"].program, outcome=Outcome.ACCEPT)
            ),
            by=by,
        ),
    ),
    "add_panel_member": (
        "manager",
        "programs.assign_reviewers",
        lambda o, by: services.add_panel_member(form=PanelForm(call=o["call"]), call=o["call"], by=by),
    ),
    "save_assignment_settings": (
        "manager",
        "programs.assign_reviewers",
        lambda o, by: services.save_assignment_settings(
            call=o["call"], reviews_per_application=1, max_reviews_per_reviewer=1, by=by
        ),
    ),
    "start_application": (
        "startup",
        "programs.apply_for",
        lambda o, by: services.start_application(call=o["call"], organisation=o["application"].organisation, by=by),
    ),
    "save_application": (
        "startup",
        "programs.change_application",
        lambda o, by: services.save_application(application=o["draft"], answers={"summary": "x"}, uploads={}, by=by),
    ),
    "submit_application": (
        "startup",
        "programs.change_application",
        lambda o, by: services.submit_application(application=o["draft"], by=by),
    ),
    "withdraw_application": (
        "startup",
        "programs.change_application",
        lambda o, by: services.withdraw_application(application=o["application"], by=by),
    ),
    "declare_own_conflict": (
        "reviewer",
        "programs.declare_conflict",
        lambda o, by: services.declare_conflict(application=o["application"], reviewer=by, reason="", by=by),
    ),
    "declare_conflict_for_a_reviewer": (
        "manager",
        "programs.assign_reviewers",
        lambda o, by: services.declare_conflict(
            application=o["application"], reviewer=o["assignment"].reviewer, reason="", by=by
        ),
    ),
    "save_review": (
        "reviewer",
        "programs.write_review",
        lambda o, by: services.save_review(assignment=o["assignment"], scores={}, comment="", submit=False, by=by),
    ),
    "save_review_of_a_stray_assignment": (  # assigned to our application, but not a reviewer of our program
        "reviewer",
        "programs.write_review",
        lambda o, by: services.save_review(assignment=o["stray"], scores={}, comment="", submit=False, by=by),
    ),
    "decide": (
        "manager",
        "programs.decide_application",
        lambda o, by: services.decide(application=o["application"], outcome=Outcome.REJECT, note="", by=by),
    ),
    "edit_message": (
        "manager",
        "programs.manage_outbox",
        lambda o, by: services.edit_message(message=o["message"], subject="x", body="y", by=by),
    ),
    "discard_messages": (
        "manager",
        "programs.manage_outbox",
        lambda o, by: services.discard_messages(program=o["call"].program, message_ids=None, by=by),
    ),
    "send_messages": (
        "manager",
        "programs.manage_outbox",
        lambda o, by: services.send_messages(program=o["call"].program, message_ids=None, by=by),
    ),
    "log_session": (
        "mentor",
        "programs.log_session",
        lambda o, by: services.log_session(
            mentorship=o["mentorship"], form=SessionForm({"held_on": "2024-06-04", "topic": "x"}), by=by
        ),
    ),
    "add_manual_assignment": (
        "manager",
        "programs.assign_reviewers",
        lambda o, by: assigning.add_manual_assignment(application=o["draft"], reviewer=o["assignment"].reviewer, by=by),
    ),
    "remove_assignment": (
        "manager",
        "programs.assign_reviewers",
        lambda o, by: assigning.remove_assignment(assignment=o["assignment"], by=by),
    ),
    "drop_reviewer": (
        "manager",
        "programs.assign_reviewers",
        lambda o, by: assigning.drop_reviewer(member=o["member"], by=by),
    ),
    "match_mentors": (
        "manager",
        "programs.change_cohort",
        lambda o, by: assigning.match_mentors(
            cohort=o["cohort"], mentors=[o["mentorship"].mentor], per_startup=2, max_mentees=3, by=by
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_a_second_tenant_is_refused_by_every_service_and_nothing_changes(ours, theirs, name):
    role, perm, act = SERVICES[name]
    ours["stray"] = ReviewAssignmentFactory(application=ours["application"], reviewer=theirs["reviewer"])
    audited = LogEntry.objects.count()

    with pytest.raises(Refused) as refused:
        act(ours, theirs[role])

    assert (refused.value.code, refused.value.kind) == (f"permission.{perm}", Kind.FORBIDDEN)
    assert LogEntry.objects.count() == audited  # refused before anything was written


def test_every_service_that_takes_an_actor_is_a_domain_action():
    """Whatever takes ``by`` changes state: it runs as a domain action (one transaction, ``by`` audited)."""
    acting = [
        function
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__
        and not name.startswith("_")
        and "by" in inspect.signature(function).parameters
    ]
    acting += [assigning.add_manual_assignment, assigning.remove_assignment, assigning.drop_reviewer]
    acting += [assigning.match_mentors]
    assert len(acting) == 24
    assert [f.__name__ for f in acting if not getattr(f, "is_domain_action", False)] == []


def test_the_services_let_our_own_people_through_and_name_them(world, ours, django_capture_on_commit_callbacks):
    """The control of the test above: the same actions, by the right people of our program, succeed, and the
    audit log names each of them."""
    users = world["users"]
    session = SessionForm({"held_on": "2024-06-04", "topic": "x"})
    assert session.is_valid()

    services.save_assignment_settings(
        call=ours["call"], reviews_per_application=1, max_reviews_per_reviewer=1, by=users["manager"]
    )
    services.save_application(application=ours["draft"], answers={"summary": "x"}, uploads={}, by=users["startup"])
    review = services.save_review(
        assignment=ours["assignment"], scores={}, comment="ok", submit=False, by=users["reviewer"]
    )
    logged = services.log_session(mentorship=ours["mentorship"], form=session, by=users["mentor"])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_messages(program=ours["call"].program, message_ids=None, by=users["manager"]) == 1

    actors = {
        name: LogEntry.objects.get_for_object(obj).latest("pk").actor
        for name, obj in [
            ("call", ours["call"]),
            ("draft", ours["draft"]),
            ("review", review),
            ("session", logged),
            ("message", ours["message"]),
        ]
    }
    assert actors == {
        "call": users["manager"],
        "draft": users["startup"],
        "review": users["reviewer"],
        "session": users["mentor"],
        "message": users["manager"],
    }


# ---------------------------------------------------------------- (d) the engine's bulk change is audited


def test_applied_assignment_leaves_one_entry_naming_the_manager(world, login, call, django_capture_on_commit_callbacks):
    manager = world["users"]["manager"]
    for i in range(3):
        user = grant(UserFactory(username=f"panel{i}"), "reviewer", program=world["our_program"])
        CallReviewerFactory(call=call, user=user, expertise=f"expertise {i}")
    for i in range(2):
        ApplicationFactory(
            call=call, answers={"summary": f"plan {i}"}, organisation=OrganisationFactory(kind="startup")
        )

    with django_capture_on_commit_callbacks(execute=True):
        login(manager).post(
            reverse("call-assignment", args=[call.pk]),
            {"action": "run", "kind": "assign", "reviews_per_application": 2, "max_reviews_per_reviewer": 2},
        )

    entry = LogEntry.objects.get(additional_data__action="programs.assignment.applied")
    pairs = sorted(
        [a, r]
        for a, r in ReviewAssignment.objects.filter(source=AssignmentSource.ENGINE).values_list(
            "application_id", "reviewer_id"
        )
    )
    assert entry.actor == manager
    assert (entry.object_pk, entry.additional_data["created"], entry.additional_data["removed"]) == (
        str(call.pk),
        pairs,
        [],
    )
    assert len(pairs) == 4

    with django_capture_on_commit_callbacks(execute=True):  # one review each now: the engine takes two back
        login(manager).post(
            reverse("call-assignment", args=[call.pk]),
            {"action": "run", "kind": "assign", "reviews_per_application": 1, "max_reviews_per_reviewer": 2},
        )

    second = LogEntry.objects.filter(additional_data__action="programs.assignment.applied").latest("pk")
    kept = sorted([a, r] for a, r in ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    assert second.actor == manager
    assert (second.additional_data["created"], len(kept)) == ([], 2)
    assert sorted(second.additional_data["removed"] + kept) == pairs


def test_mentor_matching_leaves_one_entry_naming_the_manager(world, ours):
    manager = world["users"]["manager"]
    other = grant(UserFactory(username="mentor2"), "mentor", program=world["our_program"])

    made = assigning.match_mentors(
        cohort=ours["cohort"], mentors=[ours["mentorship"].mentor, other], per_startup=2, max_mentees=3, by=manager
    )

    entry = LogEntry.objects.get(additional_data__action="programs.mentoring.matched")
    assert made == 1
    assert entry.actor == manager
    assert entry.additional_data["created"] == [[ours["mentorship"].member_id, other.pk]]
