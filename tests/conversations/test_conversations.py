"""Conversations: threads opened by a request or from an application/outcome, posting in either language,
read state joined to the inbox badge, hourly-gated e-mail, blocking, reporting and hiding, permissions with a
second tenant, privacy, and the API."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from bridgehead.conversations import notify, services
from bridgehead.conversations.models import Message, ReadState, Report, Thread
from bridgehead.core import notifications, privacy
from bridgehead.core.errors import Kind
from bridgehead.core.models import Notification
from bridgehead.partnering import services as partnering
from tests.partnering.factories import refused

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _thread(talk) -> Thread:
    return Thread.objects.get(request=talk["request"])


# --- opening ----------------------------------------------------------------------------------------------


def test_a_request_opens_the_thread_with_its_note_first_and_the_meeting_keeps_it(talk):
    thread = _thread(talk)
    first = thread.messages.get()
    assert (first.author, first.body) == (talk["pacific"], "Shall we meet?")
    assert first.created_at == talk["request"].created_at
    meeting = partnering.accept_request(request=talk["request"], by=talk["haeum"])
    thread.refresh_from_db()
    assert thread.meeting == meeting
    assert services.thread_for_meeting(meeting=meeting, by=talk["haeum"]) == thread


def test_a_request_made_before_conversations_gets_its_thread_when_opened(talk):
    _thread(talk).delete()
    thread = services.thread_for_request(request=talk["request"], by=talk["haeum"])
    assert thread.messages.get().body == "Shall we meet?"
    assert services.thread_for_request(request=talk["request"], by=talk["pacific"]) == thread


def test_only_the_two_sides_open_a_request_thread(talk):
    for user in (talk["stranger"], talk["manager"]):
        with refused("permission.conversations.open_request_thread", Kind.FORBIDDEN):
            services.thread_for_request(request=talk["request"], by=user)


# --- posting and reading ----------------------------------------------------------------------------------


def test_korean_and_english_messages_are_kept_nfc_and_the_badge_counts_the_thread_until_read(talk):
    thread = _thread(talk)
    haeum, pacific = talk["haeum"], talk["pacific"]
    services.mark_read(thread=thread, by=haeum)
    notifications.mark_all_read(by=haeum)  # the request's own notice (partnering)
    decomposed = "\u1112\u1161\u11ab\u1100\u116e\u11a8"  # 한국, typed as jamo (NFD)
    services.post_message(thread=thread, body=f"  Hello from {decomposed}  ", by=pacific)
    services.post_message(thread=thread, body="Second one", by=pacific)
    assert thread.messages.last().body == "Second one"
    assert thread.messages.all()[1].body == "Hello from 한국"
    assert services.unread_count(haeum) == 1
    assert notifications.unread_count(haeum) == 1  # one notice per thread, refreshed, not one per message
    notice = Notification.objects.get(user=haeum, kind=notify.NOTICE_KIND)
    assert notice.url == f"/messages/{thread.pk}/"
    assert "pacific" in notice.text and "새 메시지" in notice.text  # in the recipient's language
    services.post_message(thread=thread, body="안녕하세요, 다음 주에 뵙겠습니다.", by=haeum)
    assert services.unread_count(pacific) == 1
    services.mark_read(thread=thread, by=haeum)
    assert services.unread_count(haeum) == 0
    assert notifications.unread_count(haeum) == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("   ", "conversations.message.empty"),
        ("bell\x07", "conversations.message.text.control_character"),
        ("x" * 4001, "conversations.message.too_long"),
        (["a", "list"], "conversations.message.not_text"),
    ],
)
def test_bad_text_is_refused_with_its_code(talk, body, code):
    with refused(code, Kind.INVALID):
        services.post_message(thread=_thread(talk), body=body, by=talk["pacific"])


def test_attachments_go_through_the_safe_upload_path(talk, client):
    thread = _thread(talk)
    with refused("conversations.attachment.executable", Kind.INVALID):
        services.post_message(
            thread=thread, body="see", by=talk["pacific"], files=[SimpleUploadedFile("deck.pdf", b"MZ\x90\x00")]
        )
    message = services.post_message(
        thread=thread, body="deck", by=talk["pacific"], files=[SimpleUploadedFile("../../덱.pdf", PDF)]
    )
    attachment = message.attachments.get()
    assert attachment.name == "덱.pdf" and attachment.content_type == "application/pdf"
    assert "덱" not in attachment.file.name and attachment.file.name.startswith("conversations/")
    url = f"/messages/attachment/{attachment.pk}/"
    client.force_login(talk["haeum"])
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    client.force_login(talk["stranger"])
    assert client.get(url).status_code == 404


# --- e-mail -----------------------------------------------------------------------------------------------


def test_mail_goes_at_once_then_at_most_hourly_with_what_is_still_unread(talk, django_capture_on_commit_callbacks):
    thread = _thread(talk)
    haeum, pacific = talk["haeum"], talk["pacific"]
    services.mark_read(thread=thread, by=haeum)
    start = timezone.now()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(thread=thread, body="One", by=pacific, now=start)
    assert [m.to for m in mail.outbox] == [["haeum@x.org"]]
    first = mail.outbox[0]
    assert "새 메시지" in first.subject  # Korean: the recipient's language
    assert f"https://bridgehead.example/messages/{thread.pk}/" in first.body
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(thread=thread, body="Two", by=pacific, now=start + dt.timedelta(minutes=5))
        services.post_message(thread=thread, body="Three", by=pacific, now=start + dt.timedelta(minutes=10))
    assert len(mail.outbox) == 1  # held back: mailed an hour after the first
    state = ReadState.objects.get(thread=thread, user=haeum)
    assert state.mail_due_at == start + notify.MAIL_INTERVAL
    assert notify.send_due_notices(now=start + dt.timedelta(minutes=59)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.send_due_notices(now=start + notify.MAIL_INTERVAL) == 1
    assert len(mail.outbox) == 2
    digest = mail.outbox[1].body
    assert "Two" in digest and "Three" in digest and "One" not in digest


def test_a_held_back_mail_is_dropped_when_the_thread_is_read_meanwhile(talk, django_capture_on_commit_callbacks):
    thread = _thread(talk)
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(thread=thread, body="One", by=talk["pacific"], now=start)
        services.post_message(thread=thread, body="Two", by=talk["pacific"], now=start + dt.timedelta(minutes=1))
    sent = len(mail.outbox)
    services.mark_read(thread=thread, by=talk["haeum"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.send_due_notices(now=start + dt.timedelta(hours=2)) == 0
    assert len(mail.outbox) == sent


def test_a_deferring_task_backend_gets_the_held_back_mail_queued_for_the_hour(
    talk, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    thread = _thread(talk)
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(thread=thread, body="One", by=talk["pacific"], now=start)
        services.post_message(thread=thread, body="Two", by=talk["pacific"], now=start + dt.timedelta(minutes=1))
    queued = DBTaskResult.objects.filter(task_path="bridgehead.conversations.tasks.send_due_notice")
    assert queued.count() == 1
    assert queued.get().run_after == start + notify.MAIL_INTERVAL


# --- blocking ---------------------------------------------------------------------------------------------


def test_a_block_stops_new_messages_both_ways_and_keeps_the_thread_readable(talk, client):
    thread = _thread(talk)
    services.block_thread(thread=thread, by=talk["haeum"])
    for user in (talk["haeum"], talk["pacific"]):
        with refused("conversations.thread.blocked", Kind.CONFLICT):
            services.post_message(thread=thread, body="hello?", by=user)
    with refused("conversations.block.not_yours", Kind.CONFLICT):
        services.unblock_thread(thread=thread, by=talk["pacific"])
    client.force_login(talk["pacific"])
    page = client.get(f"/messages/{thread.pk}/")
    assert page.status_code == 200
    assert b'data-refusal-code="conversations.thread.blocked"' in page.content
    assert b"Shall we meet?" in page.content
    assert b'data-testid="compose"' not in page.content
    services.unblock_thread(thread=thread, by=talk["haeum"])
    services.post_message(thread=thread, body="Thanks", by=talk["pacific"])


def test_application_threads_cannot_be_blocked(talk):
    thread = services.thread_for_application(application=talk["application"], by=talk["haeum"])
    with refused("permission.conversations.block_thread", Kind.FORBIDDEN):
        services.block_thread(thread=thread, by=talk["haeum"])


# --- reporting and hiding ---------------------------------------------------------------------------------


def test_a_reported_message_lands_with_the_staff_who_hide_it(talk, client):
    thread = _thread(talk)
    rude = services.post_message(thread=thread, body="rude words", by=talk["pacific"])
    with refused("permission.conversations.report_message", Kind.FORBIDDEN):
        services.report_message(message=rude, by=talk["pacific"])  # not one's own
    client.force_login(talk["haeum"])
    assert client.post(f"/messages/message/{rude.pk}/report/", {"reason": "불쾌합니다"}).status_code == 302
    with refused("conversations.report.duplicate", Kind.CONFLICT):
        services.report_message(message=rude, by=talk["haeum"])
    assert Notification.objects.filter(user=talk["manager"], kind=notify.REPORT_KIND).exists()

    client.force_login(talk["their_manager"])
    assert client.get("/messages/reports/").content.count(b"rude words") == 0
    assert client.post(f"/messages/message/{rude.pk}/hide/").status_code == 404
    client.force_login(talk["pacific"])
    assert client.get("/messages/reports/").status_code == 403
    assert client.post(f"/messages/message/{rude.pk}/hide/").status_code == 403

    client.force_login(talk["manager"])
    assert b"rude words" in client.get("/messages/reports/").content
    assert client.post(f"/messages/message/{rude.pk}/hide/").status_code == 302
    rude.refresh_from_db()
    assert rude.hidden_at is not None and rude.hidden_by == talk["manager"]
    assert Report.objects.get(message=rude).resolved_at is not None
    client.force_login(talk["haeum"])
    page = client.get(f"/messages/{thread.pk}/").content
    assert b"rude words" not in page and b'data-testid="hidden-message"' in page


def test_the_staff_never_read_a_participants_thread_itself(talk, client):
    thread = _thread(talk)
    client.force_login(talk["manager"])
    assert client.get(f"/messages/{thread.pk}/").status_code == 404
    assert client.get(f"/messages/request/{talk['request'].pk}/").status_code == 403


# --- application and outcome threads ---------------------------------------------------------------------


def test_a_startup_asks_about_its_application_and_the_manager_answers(talk, client):
    application = talk["application"]
    client.force_login(talk["haeum"])
    response = client.get(f"/messages/application/{application.pk}/")
    thread = Thread.objects.get(application=application)
    assert response.url == f"/messages/{thread.pk}/"
    client.post(response.url, {"body": "결과는 언제 나오나요?"})
    assert notifications.unread_count(talk["manager"]) == 1
    client.force_login(talk["manager"])
    assert client.get(f"/messages/application/{application.pk}/").url == response.url
    assert "결과는 언제 나오나요?" in client.get(response.url).content.decode()
    client.post(response.url, {"body": "Decisions are sent on 15 June."})
    assert services.unread_messages(thread, talk["haeum"]).count() == 1
    client.force_login(talk["haeum"])
    assert "Decisions are sent on 15 June." in client.get(response.url).content.decode()
    assert services.unread_messages(thread, talk["haeum"]).count() == 0


def test_second_tenant_and_strangers_are_kept_out_of_application_and_outcome_threads(talk, client):
    application, outcome = talk["application"], talk["outcome"]
    thread = services.thread_for_application(application=application, by=talk["haeum"])
    client.force_login(talk["their_manager"])  # another program's staff
    assert client.get(f"/messages/application/{application.pk}/").status_code == 404
    assert client.get(f"/messages/outcome/{outcome.pk}/").status_code == 404
    assert client.get(f"/messages/{thread.pk}/").status_code == 404
    client.force_login(talk["reviewer"])  # sees the application (not assigned: hidden), not its thread
    assert client.get(f"/messages/application/{application.pk}/").status_code == 404
    client.force_login(talk["guest"])
    assert client.get(f"/messages/{thread.pk}/").status_code == 404
    client.force_login(talk["manager"])
    assert client.get(f"/messages/application/{talk['their_application'].pk}/").status_code == 404
    assert client.get(f"/messages/outcome/{outcome.pk}/").status_code == 302


def test_another_events_participant_cannot_see_or_write(talk, client):
    thread = _thread(talk)
    client.force_login(talk["stranger"])
    assert client.get(f"/messages/{thread.pk}/").status_code == 404
    assert client.post(f"/messages/{thread.pk}/", {"body": "hi"}).status_code == 404
    assert client.get(f"/messages/request/{talk['request'].pk}/").status_code == 404
    assert client.get(f"/messages/{thread.pk}/messages/").status_code == 404
    assert b"Shall we meet?" not in client.get("/messages/").content
    assert thread.messages.count() == 1


# --- pages ------------------------------------------------------------------------------------------------


def test_the_list_the_thread_and_the_polled_fragment(talk, client):
    thread = _thread(talk)
    notifications.mark_all_read(by=talk["haeum"])  # the request's own notice (partnering)
    services.post_message(thread=thread, body="Are you free on Monday?", by=talk["pacific"])
    client.force_login(talk["haeum"])
    listing = client.get("/messages/").content.decode()
    assert f'href="/messages/{thread.pk}/"' in listing and talk["investor"].organisation.name_ko in listing
    assert client.get("/").content.count(b'data-testid="unread-badge"') == 1
    page = client.get(f"/messages/{thread.pk}/")
    assert b'hx-trigger="every 4s"' in page.content
    assert client.get("/inbox/badge/").content.count(b'data-testid="unread-badge"') == 0
    services.post_message(thread=thread, body="New while open", by=talk["pacific"])
    fragment = client.get(f"/messages/{thread.pk}/messages/")
    assert b"New while open" in fragment.content and b"<html" not in fragment.content
    assert services.unread_count(talk["haeum"]) == 0
    refused_post = client.post(f"/messages/{thread.pk}/", {"body": "bad\x01"})
    assert refused_post.status_code == 200 and b'class="errorlist"' in refused_post.content


# --- privacy ----------------------------------------------------------------------------------------------


def test_export_and_erasure_anonymise_the_authors_messages(talk, settings):
    thread = _thread(talk)
    services.post_message(
        thread=thread, body="My number is 010-1234", by=talk["haeum"], files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    services.post_message(thread=thread, body="Kept", by=talk["pacific"])
    archive = privacy.export_person(subject=privacy.resolve("haeum"), by=talk["haeum"])
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        names = z.namelist()
        text = "".join(z.read(n).decode("utf-8", "replace") for n in names if n.endswith(".json"))
    assert "My number is 010-1234" in text and any(n.startswith("files/conversations/") for n in names)
    admin = talk["manager"]
    from tests.factories import grant

    grant(admin, "site_admin")
    privacy.erase_person(subject=privacy.resolve("haeum"), by=admin)
    mine = Message.objects.get(thread=thread, author=talk["haeum"])
    assert mine.body == privacy.REDACTED and mine.erased and not mine.attachments.exists()
    assert Message.objects.get(thread=thread, body="Kept")
    assert "010-1234" not in json.dumps(list(Message.objects.values_list("body", flat=True)))


# --- API --------------------------------------------------------------------------------------------------


def test_api_lists_posts_and_reads(talk, client):
    thread = _thread(talk)
    client.force_login(talk["haeum"])
    listing = client.get("/api/conversations/threads").json()
    assert listing["count"] == 1 and listing["items"][0]["unread"] == 1
    posted = client.post(
        f"/api/conversations/threads/{thread.pk}/messages", {"body": "네, 좋습니다"}, content_type="application/json"
    )
    assert posted.status_code == 201 and posted.json()["mine"] is True
    assert client.post(f"/api/conversations/threads/{thread.pk}/read").json()["unread"] == 0
    messages = client.get(f"/api/conversations/threads/{thread.pk}/messages").json()
    assert [m["body"] for m in messages["items"]] == ["Shall we meet?", "네, 좋습니다"]
    bad = client.post(
        f"/api/conversations/threads/{thread.pk}/messages", {"body": "a\x00b"}, content_type="application/json"
    )
    assert bad.status_code == 422
    services.block_thread(thread=thread, by=talk["pacific"])
    blocked = client.post(
        f"/api/conversations/threads/{thread.pk}/messages", {"body": "again"}, content_type="application/json"
    )
    assert (blocked.status_code, blocked.json()["code"]) == (409, "conversations.thread.blocked")
    client.force_login(talk["stranger"])
    assert client.get(f"/api/conversations/threads/{thread.pk}").status_code == 404
    assert client.get("/api/conversations/threads").json() == {"items": [], "count": 0}
    assert client.get("/api/conversations/reports").status_code == 403


def test_the_audit_log_records_who_wrote_and_hid_but_never_the_words(talk):
    from auditlog.models import LogEntry

    thread = _thread(talk)
    message = services.post_message(thread=thread, body="secret plan 비밀 계획", by=talk["pacific"])
    services.report_message(message=message, reason="private reason", by=talk["haeum"])
    services.hide_message(message=message, by=talk["manager"])
    entries = LogEntry.objects.get_for_object(message)
    assert entries.filter(actor=talk["pacific"]).exists() and entries.filter(actor=talk["manager"]).exists()
    everything = json.dumps(
        [[e.changes, e.changes_text, e.serialized_data, e.object_repr] for e in LogEntry.objects.all()],
        ensure_ascii=False,
    )
    assert "secret plan" not in everything and "private reason" not in everything


def test_from_a_participant_to_the_conversation_of_the_request_with_them(talk, client):
    thread = _thread(talk)
    client.force_login(talk["haeum"])
    assert client.get(f"/messages/participant/{talk['investor'].pk}/").url == f"/messages/{thread.pk}/"
    own = client.get(f"/messages/participant/{talk['startup'].pk}/")  # oneself: no request, flashed
    assert own.url == "/messages/"
    with refused("conversations.participant.no_request", Kind.CONFLICT):
        services.thread_for_participant(participant=talk["startup"], by=talk["haeum"])
    client.force_login(talk["stranger"])  # another event's participant: sees the event, is not in it
    assert client.get(f"/messages/participant/{talk['investor'].pk}/").status_code == 403


def test_the_mail_greets_the_reader_and_is_signed_by_the_events_office(talk, django_capture_on_commit_callbacks):
    """Conversation e-mail uses the one letter wrapper (greeting, closing, the office that signs) in the
    recipient's language, like every other e-mail (issue 17)."""
    thread = _thread(talk)
    haeum, pacific = talk["haeum"], talk["pacific"]
    services.mark_read(thread=thread, by=haeum)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(thread=thread, body="내일 뵙겠습니다.", by=pacific)
    body = mail.outbox[-1].body
    event = talk["request"].event
    lines = body.rstrip().splitlines()
    assert lines[0].endswith("안녕하십니까.") or lines[0] == "안녕하십니까.", body
    with translation.override("ko"):
        signer = event.office_name
    assert lines.index(f"{signer} 드림") > lines.index("감사합니다."), body
    assert "Kind regards" not in body and "-" not in lines[1][:4]
