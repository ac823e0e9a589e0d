"""The conversations app's share of privacy rights (``core.privacy``).

Export: every message the person wrote (with the thread it belongs to and its files), their read states,
blocks and reports.

Erase: the messages they wrote stay in their threads (the other side's conversation would otherwise lose its
sense) but their text is replaced and their files deleted; the author shows as the anonymised account. Their
reports, blocks and read states are deleted. Messages are kept as long as the thread's subject (a meeting
request, an application, an outcome): docs/operating.md, retention.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from bridgehead.conversations.models import Attachment, Block, Message, ReadState, Report
from bridgehead.core.privacy import REDACTED, Collector, ExportPart, Step, Subject, as_row


def export(subject: Subject) -> ExportPart:
    part = ExportPart()
    if subject.user is None:
        return part
    messages = Message.objects.filter(author=subject.user).order_by("pk")
    part.sections["messages_written"] = [as_row(m, exclude=("author", "hidden_by")) for m in messages]
    attachments = Attachment.objects.filter(message__author=subject.user).order_by("pk")
    part.sections["message_attachments"] = [as_row(a, exclude=("file",)) for a in attachments]
    for a in attachments:
        if a.file:
            part.files.append((f"conversations/{a.pk}-{a.name or 'file'}", a.file))
    part.sections["conversation_read_states"] = [as_row(s) for s in ReadState.objects.filter(user=subject.user)]
    part.sections["conversation_blocks"] = [as_row(b) for b in Block.objects.filter(by=subject.user)]
    part.sections["messages_reported"] = [as_row(r) for r in Report.objects.filter(by=subject.user)]
    return part


def erase(subject: Subject) -> list[Step]:
    if subject.user is None:
        return []
    user = subject.user
    files = list(Attachment.objects.filter(message__author=user))
    for attachment in files:
        attachment.file.delete(save=False)
    Attachment.objects.filter(pk__in=[a.pk for a in files]).delete()
    anonymised = Message.objects.filter(author=user, erased=False).update(body=REDACTED, erased=True)
    reports = Report.objects.filter(by=user).delete()[0]
    blocks = Block.objects.filter(by=user).delete()[0]
    ReadState.objects.filter(user=user).delete()
    return [
        Step("conversations", anonymised, _("messages kept in their conversations, text erased")),
        Step("conversations", len(files), _("message attachments deleted")),
        Step("conversations", reports + blocks, _("reports and blocks deleted")),
    ]


COLLECTOR = Collector(app="conversations", export=export, erase=erase)
