"""The registry's share of privacy rights (``core.privacy``): the person record and their imports.

Export: the person record (without its search index) and the imports they uploaded (file name, date, status,
counts — not the spreadsheet, which holds other people's data). Erase: the person record keeps its row (events,
meetings and memberships point at it) with the neutral name "Former user" in both languages; title, e-mail,
biography and languages are cleared. The login link stays, so the row is still known to be the erased login's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bridgehead.core.models import User
from bridgehead.core.privacy import ERASED_NAME, Collector, ExportPart, Step, Subject, as_row
from bridgehead.registry.models import ImportBatch, Membership, MembershipStatus, Person


def find_person(identifier: str, user: User | None) -> Person | None:
    """The person record of ``user``, or the one named by ``person:ID``/``ID``, or by a unique e-mail address."""
    if user is not None:
        return Person.objects.filter(user=user).first()
    text = identifier.removeprefix("person:")
    if text.isdigit():
        return Person.objects.filter(pk=int(text)).first()
    if "@" in text:
        matches = list(Person.objects.filter(email__iexact=text)[:2])
        return matches[0] if len(matches) == 1 else None
    return None


def export(subject: Subject) -> ExportPart:
    part = ExportPart()
    person = subject.person
    if person is not None:
        organisation = person.organisation
        part.sections["person"] = [
            as_row(
                person,
                exclude=("search_text",),
                extra={"organisation": organisation.name if organisation is not None else None},
            )
        ]
        part.sections["memberships"] = [
            as_row(membership, extra={"organisation": membership.organisation.name})
            for membership in Membership.objects.filter(person=person).select_related("organisation")
        ]
    if subject.user is not None:
        part.sections["imports"] = [
            as_row(batch, exclude=("content",)) for batch in ImportBatch.objects.filter(created_by=subject.user)
        ]
    return part


def erase(subject: Subject) -> list[Step]:
    person = subject.person
    if person is None:
        return []
    anonymise_person(person)
    steps = [Step("registry", 1, _("person record anonymised (name, title, e-mail, biography)"))]
    now = timezone.now()
    # Memberships stay as history (conflicts of interest read past affiliations); an erased person acts for
    # no organisation any more, and requests or invitations still open are closed.
    ended = Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE).update(
        status=MembershipStatus.ENDED, ended_at=now, is_admin=False
    )
    closed = Membership.objects.filter(
        person=person, status__in=[MembershipStatus.REQUESTED, MembershipStatus.INVITED]
    ).update(status=MembershipStatus.DECLINED, decided_at=now)
    if ended or closed:
        steps.append(Step("registry", ended + closed, _("memberships ended or closed (kept as history)")))
    if person.organisation_id is not None:
        person.organisation = None
        person.save(update_fields=["organisation", "search_text"])
    return steps


def anonymise_person(person: Person) -> None:
    fields: dict[str, Any] = {
        "name_en": ERASED_NAME["en"],
        "name_ko": ERASED_NAME["ko"],
        "title_en": "",
        "title_ko": "",
        "email": "",
        "bio_en": "",
        "bio_ko": "",
        "languages": [],
    }
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()  # save(): the search index is rebuilt without the old name


COLLECTOR = Collector(app="registry", export=export, erase=erase)


def purge_import_batches(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete uploaded spreadsheets kept for preview and commit once older than ``older_than``: their rows
    are imported (or were refused) and the bytes hold other people's contact details."""
    cutoff = (now or timezone.now()) - older_than
    return ImportBatch.objects.filter(created_at__lt=cutoff).delete()[0]
