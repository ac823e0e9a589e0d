"""Plain-text e-mail is rendered as plain text: names with quotes and ampersands arrive as typed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bridgehead.core.mail import render_message


def test_plain_text_mail_is_not_html_escaped():
    # Finding 13.13: bodies read "Let&#x27;s meet &amp; …" because the text templates were HTML-escaped.
    sender = SimpleNamespace(
        organisation=SimpleNamespace(name="Kim & Lee's <Bio>"), person=SimpleNamespace(name="O'Neil")
    )
    request = SimpleNamespace(sender=sender, event=SimpleNamespace(title="Ulsan & San Diego"), message="Let's meet")
    subject, body = render_message(
        "partnering/email/request_received.txt",
        {"request": request, "requests_url": "https://bridgehead.example/events/x/requests/"},
        language="en",
        zone="Asia/Seoul",
    )
    assert subject == "[Ulsan & San Diego] Meeting request from Kim & Lee's <Bio>"
    assert "O'Neil of Kim & Lee's <Bio> would like to meet you." in body
    assert "&amp;" not in body + subject and "&#x27;" not in body + subject


@pytest.mark.django_db
def test_mail_waits_for_the_commit_and_a_down_server_is_retried_later(settings, django_capture_on_commit_callbacks):
    # Finding 13.7: with the mail server down, accepting a request answered 500 although the meeting existed.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.EMAIL_BACKEND = "tests.core.test_mail.DownBackend"
    from django_tasks import default_task_backend

    from bridgehead.core.mail import send_after_commit
    from bridgehead.core.tasks import RETRY_AFTER_MINUTES, deliver_mail

    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_after_commit("investor@example.org", "Subject", "Body")
    assert default_task_backend.results == []  # nothing queued before the commit
    for callback in callbacks:
        callback()
    [queued] = default_task_backend.results
    assert queued.args == ["investor@example.org", "Subject", "Body"]

    assert deliver_mail.call("investor@example.org", "Subject", "Body") is False  # the server is down
    [_first, retry] = default_task_backend.results
    assert retry.args[-1] == 2 and retry.task.run_after is not None
    last = len(RETRY_AFTER_MINUTES) + 1
    assert deliver_mail.call("investor@example.org", "Subject", "Body", last) is False  # given up, not re-queued
    assert len(default_task_backend.results) == 2


class DownBackend:
    """An e-mail backend whose server refuses every connection."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
