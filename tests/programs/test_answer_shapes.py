"""Application answers keep their JSON shape (issue 13, finding 8: "nested JSON answers stored as Python
repr"): a list or an object where text belongs is refused with the answer's field, never stored as
``"{'a': 1}"``; an answer to a question the call does not ask is refused, not silently dropped."""

from __future__ import annotations

import json

import pytest

from bridgehead.programs.models import Application
from tests.programs.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _patch(client, application, answers):
    return client.patch(
        f"/api/programs/applications/{application.pk}",
        data=json.dumps({"answers": answers}),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("answers", "field", "code"),
    [
        ({"summary": {"nested": {"deep": 1}}}, "answers.summary", "text.not_text"),
        ({"summary": ["one", "two"]}, "answers.summary", "text.not_text"),
        ({"employees": {"n": 3}}, "answers.employees", "invalid"),
        ({"track": ["dx"]}, "answers.track", "invalid_choice"),
        ({"no_such_question": "x"}, "answers.no_such_question", "programs.answer.unknown_question"),
        ({"summary": "text\u0000"}, "answers.summary", "text.control_character"),
    ],
)
def test_an_answer_of_the_wrong_shape_is_refused_with_its_field(world, login, call, answers, field, code):
    application = ApplicationFactory(call=call, organisation=world["startup"], answers={"summary": "before"})
    response = _patch(login(world["users"]["startup"]), application, answers)
    assert response.status_code == 422, response.content
    assert [(e["loc"][-1], e["type"]) for e in response.json()["detail"]] == [(field, code)]
    assert Application.objects.get(pk=application.pk).answers == {"summary": "before"}


def test_answers_are_stored_as_json_values_not_their_repr(world, login, call):
    application = ApplicationFactory(call=call, organisation=world["startup"], answers={})
    response = _patch(
        login(world["users"]["startup"]), application, {"summary": "첫 줄\n둘째 줄", "employees": 12, "track": "dx"}
    )
    assert response.status_code == 200, response.content
    stored = Application.objects.get(pk=application.pk).answers
    assert stored == {"summary": "첫 줄\n둘째 줄", "employees": "12", "track": "dx"}
    assert all(not str(v).startswith(("{", "[")) for v in stored.values())
