"""Nothing is deleted by accident (issue 13, findings 4 and 5): changing a decision keeps the cohort member and
its mentoring; a rubric is locked once reviews exist; a reviewer's or mentor's account cannot take their work
with it. Every test here failed before the fix."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from bridgehead.core.errors import Kind, Refused
from bridgehead.programs import assignment as assigning
from bridgehead.programs import services
from bridgehead.programs.enums import HistoryAction, Outcome
from bridgehead.programs.forms import CriterionForm, SessionForm
from bridgehead.programs.models import (
    ApplicationEvent,
    CohortMember,
    Criterion,
    MentoringSession,
    Mentorship,
    Review,
    Score,
)
from bridgehead.programs.scoring import ranking
from tests.factories import OrganisationFactory, UserFactory, grant
from tests.programs.factories import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    ReviewAssignmentFactory,
)

pytestmark = pytest.mark.django_db


def _session(mentorship: Mentorship, by, topic: str = "Go-to-market in Hangzhou") -> MentoringSession:
    form = SessionForm({"held_on": "2026-03-02", "topic": topic, "notes": "Two distributors met.", "next_steps": ""})
    assert form.is_valid(), form.errors
    return services.log_session(mentorship=mentorship, form=form, by=by)


@pytest.fixture
def accepted(world, call):
    """Startup Co accepted into the call's cohort, with a mentor and two logged sessions."""
    manager = world["users"]["manager"]
    application = ApplicationFactory(call=call, organisation=world["startup"], created_by=world["users"]["startup"])
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager, despite_incomplete=True)
    member = CohortMember.objects.get(application=application)
    mentorship = Mentorship.objects.create(member=member, mentor=world["users"]["mentor"], source="manual")
    _session(mentorship, world["users"]["mentor"])
    _session(mentorship, world["users"]["mentor"], topic="Clinical trial partners")
    return application, member, mentorship


# ---------------------------------------------------------------- finding 4: changing a decision


@pytest.mark.parametrize("outcome", [Outcome.REJECT, Outcome.WAITLIST])
def test_changing_an_acceptance_ends_the_membership_and_keeps_the_mentoring(world, accepted, outcome):
    """Finding 4: the member, its mentorship and its logged sessions were deleted by cascade."""
    application, member, mentorship = accepted

    services.decide(application=application, outcome=outcome, note="", by=world["users"]["manager"])

    member.refresh_from_db()
    assert member.status == "withdrawn"
    assert member.ended_at is not None
    assert Mentorship.objects.filter(pk=mentorship.pk).exists()
    assert MentoringSession.objects.filter(mentorship=mentorship).count() == 2


def test_reaccepting_reactivates_the_same_member_with_its_mentoring(world, accepted):
    """Finding 4: re-accepting restored nothing (a new, empty member)."""
    application, member, mentorship = accepted
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.REJECT, note="", by=manager)

    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager, despite_incomplete=True)

    again = CohortMember.objects.get(application=application)
    assert again.pk == member.pk
    assert again.status == "active" and again.ended_at is None
    assert list(again.mentorships.all()) == [mentorship]
    assert mentorship.sessions.count() == 2


def test_every_decision_change_stays_in_the_history_the_manager_reads(world, login, accepted):
    application, _member, _mentorship = accepted
    manager = world["users"]["manager"]
    services.decide(application=application, outcome=Outcome.REJECT, note="", by=manager)
    services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager, despite_incomplete=True)

    decided = ApplicationEvent.objects.filter(application=application, action=HistoryAction.DECIDED)
    details = list(decided.order_by("at", "pk").values_list("detail", flat=True))
    assert len(details) == 3
    assert "Accepted" in details[0]
    assert "Rejected" in details[1] and "was Accepted" in details[1]
    assert "1 mentorship" in details[1] and "2 sessions" in details[1]
    assert "rejoins" in details[2]

    page = login(manager).get(reverse("application-detail", args=[application.pk])).content.decode()
    assert "was Accepted" in page


def test_a_withdrawn_member_takes_no_new_session_but_keeps_its_log_readable(world, login, accepted):
    application, _member, mentorship = accepted
    services.decide(application=application, outcome=Outcome.REJECT, note="", by=world["users"]["manager"])

    with pytest.raises(Refused) as refused:
        _session(mentorship, world["users"]["mentor"], topic="After the end")
    assert refused.value.code == "programs.mentorship.ended"
    assert refused.value.kind == Kind.CONFLICT

    page = login(world["users"]["mentor"]).get(reverse("mentorship-detail", args=[mentorship.pk]))
    assert page.status_code == 200 and "Clinical trial partners" in page.content.decode()


def test_a_withdrawn_member_is_marked_on_the_cohort_page_and_left_out_of_mentor_matching(world, login, accepted):
    application, member, _mentorship = accepted
    services.decide(application=application, outcome=Outcome.REJECT, note="", by=world["users"]["manager"])

    page = login(world["users"]["manager"]).get(reverse("cohort-detail", args=[member.cohort_id])).content.decode()
    assert 'data-testid="member-withdrawn"' in page

    with pytest.raises(Refused) as refused:
        assigning.match_mentors(
            cohort=member.cohort,
            mentors=[world["users"]["mentor"]],
            per_startup=1,
            max_mentees=3,
            by=world["users"]["manager"],
        )
    assert refused.value.code == "programs.mentoring.nothing_to_match"


def test_the_api_shows_only_active_members_to_the_startup(world, login, accepted, django_capture_on_commit_callbacks):
    application, _member, _mentorship = accepted
    manager = world["users"]["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        services.send_messages(program=world["our_program"], message_ids=None, by=manager)
    services.decide(application=application, outcome=Outcome.REJECT, note="", by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_messages(program=world["our_program"], message_ids=None, by=manager)

    assert login(world["users"]["startup"]).get("/api/programs/cohorts").json()["items"] == []


# ---------------------------------------------------------------- finding 5: the rubric and the reviews


@pytest.fixture
def reviewed(world, call):
    """Two applications with a submitted review each, from two reviewers; the call's ranking is decided."""
    manager = world["users"]["manager"]
    second = grant(UserFactory(username="reviewer-two"), "reviewer", program=world["our_program"])
    criteria = list(call.criteria.all())
    reviews = []
    for name, reviewer, values in (
        ("Alpha", world["users"]["reviewer"], (5, 9)),
        ("Beta", second, (2, 3)),
    ):
        application = ApplicationFactory(call=call, organisation=OrganisationFactory(kind="startup", name_en=name))
        assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
        scores = {c.pk: (v, "") for c, v in zip(criteria, values, strict=True)}
        reviews.append(services.save_review(assignment=assignment, scores=scores, comment="", submit=True, by=reviewer))
        services.decide(application=application, outcome=Outcome.ACCEPT, note="", by=manager)
    return reviews


def _ranks(call) -> list[tuple[str, float | None]]:
    return [(row.application.organisation.name_en, row.raw) for row in ranking(call)[1]]


def test_a_criterion_with_scores_cannot_be_deleted(world, call, reviewed):
    """Finding 5: deleting a criterion deleted every score given under it (120 → 0)."""
    before = _ranks(call)
    criterion = call.criteria.first()

    with pytest.raises(Refused) as refused:
        services.delete_criterion(criterion=criterion, by=world["users"]["manager"])

    assert refused.value.code == "programs.rubric.locked"
    assert refused.value.kind == Kind.CONFLICT
    assert Score.objects.filter(criterion=criterion).count() == 2
    assert _ranks(call) == before


def test_the_rubric_page_refuses_the_delete_with_its_code(world, login, call, reviewed):
    criterion = call.criteria.first()
    client = login(world["users"]["manager"])

    response = client.post(reverse("call-criterion", args=[call.pk, criterion.pk]), {"delete": "1"}, follow=True)

    assert 'data-refusal-code="programs.rubric.locked"' in response.content.decode()
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_the_rubric_page_says_it_is_locked(world, login, call, reviewed):
    page = login(world["users"]["manager"]).get(reverse("call-rubric", args=[call.pk])).content.decode()
    assert 'data-testid="rubric-locked"' in page


def _criterion_form(criterion: Criterion | None, **changes) -> CriterionForm:
    data = {
        "name_ko": "팀",
        "name_en": "Team",
        "description_ko": "",
        "description_en": "",
        "weight": "2",
        "scale_min": "1",
        "scale_max": "5",
        "order": "1",
    }
    data.update(changes)
    form = CriterionForm(data, instance=criterion)
    assert form.is_valid(), form.errors
    return form


@pytest.mark.parametrize(
    "changes",
    [{"weight": "3"}, {"scale_max": "7"}, {"scale_min": "0"}],
    ids=["reweight", "rescale-up", "rescale-down"],
)
def test_reweighting_or_rescaling_a_scored_criterion_is_refused(world, call, reviewed, changes):
    """Finding 5: the weighted scores stayed stale after the rubric changed under them."""
    criterion = call.criteria.get(name_en="Team")
    before = _ranks(call)

    with pytest.raises(Refused) as refused:
        services.save_criterion(form=_criterion_form(criterion, **changes), call=call, by=world["users"]["manager"])

    assert refused.value.code == "programs.rubric.locked"
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.scale_min, criterion.scale_max) == (Decimal("2"), 1, 5)
    assert _ranks(call) == before


def test_adding_a_criterion_once_reviews_exist_is_refused(world, call, reviewed):
    with pytest.raises(Refused) as refused:
        services.save_criterion(
            form=_criterion_form(None, name_en="Impact", name_ko="영향"), call=call, by=world["users"]["manager"]
        )
    assert refused.value.code == "programs.rubric.locked"
    assert call.criteria.count() == 2


def test_correcting_a_criterions_wording_stays_possible(world, call, reviewed):
    criterion = call.criteria.get(name_en="Team")
    services.save_criterion(
        form=_criterion_form(criterion, name_en="Team and founders", description_en="Who builds it"),
        call=call,
        by=world["users"]["manager"],
    )
    criterion.refresh_from_db()
    assert criterion.name_en == "Team and founders"


def test_a_draft_review_locks_the_rubric_too(world, call):
    criterion = call.criteria.first()
    application = ApplicationFactory(call=call)
    assignment = ReviewAssignmentFactory(application=application, reviewer=world["users"]["reviewer"])
    services.save_review(
        assignment=assignment, scores={criterion.pk: (3, "")}, comment="", submit=False, by=world["users"]["reviewer"]
    )

    with pytest.raises(Refused) as refused:
        services.delete_criterion(criterion=criterion, by=world["users"]["manager"])
    assert refused.value.code == "programs.rubric.locked"


def test_a_rubric_without_reviews_can_still_change(world, call):
    criterion = call.criteria.first()
    services.delete_criterion(criterion=criterion, by=world["users"]["manager"])
    assert not Criterion.objects.filter(pk=criterion.pk).exists()


def test_a_criterion_with_scores_cannot_be_deleted_behind_the_services_back(call, reviewed):
    with pytest.raises(ProtectedError):
        call.criteria.first().delete()
    assert Score.objects.count() == 4


def test_another_programs_manager_cannot_touch_our_rubric(world, call):
    """Second tenant: a manager of their program is refused our rubric, locked or not."""
    theirs = grant(UserFactory(username="their-manager"), "program_manager", program=world["their_program"])
    criterion = call.criteria.first()

    with pytest.raises(Refused) as refused:
        services.delete_criterion(criterion=criterion, by=theirs)
    assert refused.value.code == "permission.programs.change_call"

    their_call = CallFactory(program=world["their_program"])
    their_criterion = CriterionFactory(call=their_call)
    with pytest.raises(Refused) as refused:
        services.delete_criterion(criterion=their_criterion, by=world["users"]["manager"])
    assert refused.value.code == "permission.programs.change_call"
    assert Criterion.objects.filter(pk__in=[criterion.pk, their_criterion.pk]).count() == 2


def test_deleting_a_reviewers_account_is_refused_and_the_ranking_stands(world, call, reviewed):
    """Finding 5: deleting a reviewer's account deleted their submitted reviews and re-ranked a decided call."""
    before = _ranks(call)
    reviewer = world["users"]["reviewer"]

    with pytest.raises(ProtectedError):
        reviewer.delete()

    assert Review.objects.filter(assignment__reviewer=reviewer).count() == 1
    assert _ranks(call) == before


def test_the_admin_refuses_to_delete_a_reviewers_account(world, login, call, reviewed):
    reviewer = world["users"]["reviewer"]
    client = login(world["users"]["admin"])
    world["users"]["admin"].is_staff = world["users"]["admin"].is_superuser = True
    world["users"]["admin"].save()

    # Logins are never deleted from the admin (erasure anonymises them instead: core.privacy), and the model
    # itself protects a reviewer's account behind their reviews.
    page = client.get(reverse("admin:core_user_delete", args=[reviewer.pk]))
    posted = client.post(reverse("admin:core_user_delete", args=[reviewer.pk]), {"post": "yes"})

    assert (page.status_code, posted.status_code) == (403, 403)
    assert type(reviewer).objects.filter(pk=reviewer.pk).exists()
    with pytest.raises(ProtectedError):
        reviewer.delete()
    assert Review.objects.filter(assignment__reviewer=reviewer).count() == 1


def test_deleting_a_mentors_account_keeps_their_sessions(world, accepted):
    _application, _member, mentorship = accepted
    with pytest.raises(ProtectedError):
        world["users"]["mentor"].delete()
    assert mentorship.sessions.count() == 2


def test_a_mentorship_with_sessions_cannot_be_deleted(accepted):
    _application, member, mentorship = accepted
    with pytest.raises(ProtectedError):
        mentorship.delete()
    with pytest.raises(ProtectedError):
        member.delete()
    assert MentoringSession.objects.count() == 2


# ---------------------------------------------------------------- the application form


def test_a_question_a_submitted_application_answered_cannot_be_deleted(world, login, call):
    field = call.fields.get(key="summary")
    ApplicationFactory(call=call, answers={"summary": "Thyroid eye disease imaging"})

    with pytest.raises(Refused) as refused:
        services.delete_form_field(field=field, by=world["users"]["manager"])
    assert (refused.value.code, refused.value.kind) == ("programs.form.field_answered", Kind.CONFLICT)

    page = login(world["users"]["manager"]).post(
        reverse("call-form-field", args=[call.pk, field.pk]), {"delete": "1"}, follow=True
    )
    assert 'data-refusal-code="programs.form.field_answered"' in page.content.decode()
    assert call.fields.filter(pk=field.pk).exists()


def test_a_question_only_drafts_answered_can_be_deleted(world, call):
    field = call.fields.get(key="summary")
    ApplicationFactory(call=call, status="draft", answers={"summary": "Work in progress"})

    services.delete_form_field(field=field, by=world["users"]["manager"])

    assert not call.fields.filter(pk=field.pk).exists()


# ---------------------------------------------------------------- reviews in progress


@pytest.fixture
def drafted(world, call):
    """The reviewer has started (not submitted) a review."""
    reviewer = world["users"]["reviewer"]
    application = ApplicationFactory(call=call)
    assignment = ReviewAssignmentFactory(application=application, reviewer=reviewer)
    criterion = call.criteria.first()
    services.save_review(assignment=assignment, scores={criterion.pk: (4, "")}, comment="", submit=False, by=reviewer)
    return assignment


def test_a_manager_cannot_remove_an_assignment_whose_review_was_started(world, drafted):
    with pytest.raises(Refused) as refused:
        assigning.remove_assignment(assignment=drafted, by=world["users"]["manager"])
    assert refused.value.code == "programs.assignment.review_started"
    assert Review.objects.filter(assignment=drafted).exists()


def test_the_reviewer_declaring_a_conflict_ends_their_own_draft(world, drafted):
    reviewer = world["users"]["reviewer"]
    services.declare_conflict(application=drafted.application, reviewer=reviewer, reason="Former employer", by=reviewer)
    assert not Review.objects.filter(pk=drafted.review.pk).exists()
    assert not Score.objects.exists()


def test_a_declared_conflict_never_takes_a_submitted_review(world, call, reviewed):
    reviewer = world["users"]["reviewer"]
    review = Review.objects.get(assignment__reviewer=reviewer)
    services.declare_conflict(application=review.assignment.application, reviewer=reviewer, reason="", by=reviewer)
    assert Review.objects.filter(pk=review.pk).exists()


def test_the_mentor_sees_which_mentee_left_the_cohort(world, login, accepted):
    application, _member, _mentorship = accepted
    client = login(world["users"]["mentor"])
    assert "left the cohort on" not in client.get(reverse("my-work")).content.decode()

    services.decide(application=application, outcome=Outcome.REJECT, note="", by=world["users"]["manager"])

    assert "left the cohort on" in client.get(reverse("my-work")).content.decode()


def test_the_locked_rubric_page_still_corrects_a_name_and_keeps_the_weight(world, login, call, reviewed):
    criterion = call.criteria.get(name_en="Team")
    client = login(world["users"]["manager"])
    data = {
        "name_ko": "팀",
        "name_en": "Founding team",
        "weight": "9",
        "scale_min": "1",
        "scale_max": "5",
        "order": "1",
    }

    client.post(reverse("call-criterion", args=[call.pk, criterion.pk]), data)

    criterion.refresh_from_db()
    assert (criterion.name_en, criterion.weight) == ("Founding team", Decimal("2"))
