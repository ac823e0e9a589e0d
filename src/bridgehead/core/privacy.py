"""Privacy rights: give a person their data (export) and erase it (anonymise), across every app.

Korea's PIPA (arts. 35-36) and the GDPR (arts. 15, 17, 20) give a person the right to a copy of their data
in a machine-readable form and to its erasure. Bridgehead keeps records that belong to others too — a review
belongs to the program's decision, an outcome to the organisation's KPIs, a meeting to the other participant
— so erasure *anonymises* the person and keeps those records, attributed to a "former user".

Core cannot import the apps above it (import-linter layers), so each app registers a :class:`Collector` in its
``AppConfig.ready``: what it exports about a :class:`Subject` and what it erases. Core's own collector (the
account, roles, tokens, notifications, audit entries) is registered first. Erasure runs the collectors from the
top layer down (outcomes before programs before registry before core), so an app still sees the person as
they were while it anonymises its rows; the audit log is redacted last, with the personal terms captured
before anything changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgehead.core.actions import domain_action, record
from bridgehead.core.enums import Role
from bridgehead.core.errors import Kind, Refused
from bridgehead.core.models import RoleAssignment, User
from bridgehead.core.permissions import require

ARCHIVE_FORMAT = "bridgehead-personal-data/1"
#: Stored in place of an erased person's names, in both content languages (a login shows "Former user" translated).
ERASED_NAME = {"en": "Former user", "ko": "탈퇴한 사용자"}
#: What replaces an erased person's e-mail address or name inside kept text (audit entries, answers).
REDACTED = "[erased]"
#: Shorter names are left alone in other people's text: replacing "Li" everywhere would damage their records.
MIN_NAME_LENGTH = 3


@dataclass
class Subject:
    """The person whose rights are exercised: their login (if any) and their registry record (if any)."""

    user: User | None
    person: Any = None  # a registry.Person; core does not import the registry

    def __str__(self) -> str:
        if self.user is not None:
            return self.user.username
        return f"person #{self.person.pk}"

    def emails(self) -> set[str]:
        found = {getattr(self.user, "email", ""), getattr(self.person, "email", "")}
        return {e.strip() for e in found if e and e.strip()}

    def names(self) -> set[str]:
        """Names that identify the person in other rows' text (display name, full name, registry names)."""
        found: set[str] = set()
        if self.user is not None:
            user = self.user
            found |= {user.display_name, user.get_full_name(), user.first_name, user.last_name}
        if self.person is not None:
            found |= {self.person.name_en, self.person.name_ko}
        found -= set(ERASED_NAME.values())
        return {n.strip() for n in found if n and len(n.strip()) >= MIN_NAME_LENGTH}


@dataclass
class ExportPart:
    """One app's share of an archive: named sections of JSON rows, and files to copy in."""

    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: list[tuple[str, File]] = field(default_factory=list)  # (path inside the archive, stored file)


@dataclass(frozen=True)
class Step:
    """One line of what an erasure did (or, before confirmation, would do): ``count`` rows, described."""

    app: str
    count: int
    what: str


@dataclass(frozen=True)
class Collector:
    """What one app knows about a person. ``erase`` anonymises or deletes that app's rows and says what it did;
    it runs inside the erasure's transaction with auditlog switched off (one summary entry is written)."""

    app: str
    export: Callable[[Subject], ExportPart]
    erase: Callable[[Subject], list[Step]]


_collectors: dict[str, Collector] = {}
_person_finders: list[Callable[[str, User | None], Any]] = []


def register(collector: Collector) -> None:
    """Add (or replace, on a second ``ready``) one app's collector; order of first registration is kept."""
    _collectors[collector.app] = collector


def register_person_finder(finder: Callable[[str, User | None], Any]) -> None:
    """The registry tells core how to find a person record by id, e-mail or login (core cannot query it)."""
    if finder not in _person_finders:
        _person_finders.append(finder)


def collectors() -> list[Collector]:
    return list(_collectors.values())


# ---------------------------------------------------------------------------------------------------- rows


def as_row(obj: models.Model, *, exclude: Iterable[str] = (), extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A model row as JSON-ready values: concrete fields by attribute name (``organisation_id``), files by
    their stored name, minus ``exclude`` (secrets, search indexes, other people's data)."""
    skip = set(exclude)
    row: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in skip or model_field.attname in skip:
            continue
        value = getattr(obj, model_field.attname)
        if isinstance(model_field, models.FileField):
            value = value.name if value else ""
        elif isinstance(value, bytes | memoryview):
            continue
        row[model_field.attname] = value
    row.update(extra or {})
    return row


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# ---------------------------------------------------------------------------------------------------- finding


def resolve(identifier: str) -> Subject:
    """The person named by a login name, an e-mail address or a registry person id (``person:12`` or ``12``).

    Refuses ``privacy.person.not_found`` (nobody) and ``privacy.person.ambiguous`` (an e-mail shared by
    several logins or person records: name the login or the person id instead).
    """
    text = (identifier or "").strip()
    user: User | None = None
    if text:
        user = User.objects.filter(username=text).first()
        if user is None and "@" in text:
            matches = list(User.objects.filter(email__iexact=text)[:2])
            if len(matches) > 1:
                raise Refused(
                    "privacy.person.ambiguous",
                    _("Several logins use the e-mail address %(who)s; name the login instead."),
                    kind=Kind.INVALID,
                    params={"who": text},
                )
            user = matches[0] if matches else None
    person = None
    for finder in _person_finders:
        person = finder(text, user)
        if person is not None:
            break
    if user is None and person is not None:
        user = person.user
    if user is None and person is None:
        raise Refused(
            "privacy.person.not_found",
            _("Nobody has the login, e-mail address or person id %(who)s."),
            kind=Kind.NOT_FOUND,
            params={"who": text},
        )
    return Subject(user=user, person=person)


# ---------------------------------------------------------------------------------------------------- export


@dataclass
class Archive:
    """A built archive: its bytes, and the manifest written inside it (for the CLI's summary)."""

    content: bytes
    manifest: dict[str, Any]

    @property
    def filename(self) -> str:
        return f"bridgehead-personal-data-{self.manifest['generated_at'][:10]}.zip"


README = """Bridgehead: your personal data
==============================

This archive holds what Bridgehead stores about one person ({who}), as of {generated_at} (UTC).

manifest.json     format, when it was made, how many rows each section holds, every file with its SHA-256
data/<app>.json   one JSON object per application part, each key a section holding a list of rows
files/...         documents this person uploaded (application files), as stored

Field names are the database's (``organisation_id`` is the id of an organisation); times are ISO 8601 in UTC.
Secrets are never exported: no password hash, and of each API token only its name, prefix and dates.
Records that belong to someone else (the other side of a meeting request, another member's application) are
left out or reduced to what concerns this person. Audit entries of changes this person made to other people's
records list the time, the record type and the fields changed, not the values.
"""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@domain_action
def export_person(*, subject: Subject, by: User) -> Archive:
    """Build the archive of everything the collectors hold about ``subject`` (a ZIP of JSON and files).

    The person may export their own data; a site administrator anyone's (``core.export_person_data``). One
    audit entry records that an export was made and by whom (never its content).
    """
    require(by, "core.export_person_data", subject)
    generated_at = timezone.now()
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {
        "format": ARCHIVE_FORMAT,
        "generated_at": generated_at.isoformat(),
        "subject": {
            "user_id": subject.user.pk if subject.user else None,
            "person_id": subject.person.pk if subject.person is not None else None,
        },
        "sections": {},
        "files": [],
    }
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for collector in collectors():
            part = collector.export(subject)
            data = {name: _jsonable(rows) for name, rows in part.sections.items()}
            archive.writestr(
                f"data/{collector.app}.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
            )
            manifest["sections"].update({f"{collector.app}.{name}": len(rows) for name, rows in data.items()})
            for path, stored in part.files:
                entry = {"path": f"files/{path}", "size": None, "sha256": None, "missing": False}
                try:
                    with stored.open("rb") as handle:
                        content = handle.read()
                except (FileNotFoundError, OSError, ValueError):
                    entry["missing"] = True
                else:
                    archive.writestr(entry["path"], content)
                    entry.update(size=len(content), sha256=_sha256(content))
                manifest["files"].append(entry)
        archive.writestr("README.txt", README.format(who=subject, generated_at=manifest["generated_at"]))
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    _record_on(subject, "core.person.exported", summary="Personal data exported", detail={})
    return Archive(content=buffer.getvalue(), manifest=manifest)


def _record_on(subject: Subject, action: str, *, summary: str, detail: dict[str, Any]) -> None:
    record(subject.user if subject.user is not None else subject.person, action, summary=summary, detail=detail)


# ---------------------------------------------------------------------------------------------------- erase


def is_erased(user: User | None) -> bool:
    return user is not None and user.erased_at is not None


class _Preview(Exception):
    """Raised to roll back a previewed erasure, carrying what it did."""

    def __init__(self, steps: list[Step]) -> None:
        super().__init__("preview")
        self.steps = steps


def preview_erasure(*, subject: Subject, by: User) -> list[Step]:
    """What :func:`erase_person` would do, found by doing it and rolling it back, so the preview a
    confirmation shows is exactly what the erasure will do. Nothing changes; ``subject`` is reloaded."""
    try:
        with transaction.atomic():
            raise _Preview(erase_person(subject=subject, by=by))
    except _Preview as preview:
        steps = preview.steps
    for obj in (subject.user, subject.person):
        if obj is not None:
            obj.refresh_from_db()
    return steps


def _already_erased(subject: Subject) -> bool:
    if subject.user is not None:
        return is_erased(subject.user)
    return subject.person.name_en == ERASED_NAME["en"] and not subject.person.email


@domain_action
def erase_person(*, subject: Subject, by: User) -> list[Step]:
    """Anonymise ``subject`` everywhere, keeping the records that belong to others; return what was done.

    Site administrators (``core.erase_person``) only; a site administrator cannot be erased while they hold the
    role (``privacy.erase.site_admin``: remove the role first, so a site never loses its last administrator by
    accident), and a person is erased once (``privacy.erase.already_erased``). :func:`preview_erasure` shows
    what it would do.
    """
    require(by, "core.erase_person", subject)
    if _already_erased(subject):
        raise Refused("privacy.erase.already_erased", _("This person's data was already erased."))
    if subject.user is not None and (
        subject.user.is_superuser or subject.user.roles.filter(role=Role.SITE_ADMIN).exists()
    ):
        raise Refused(
            "privacy.erase.site_admin",
            _("%(who)s is a site administrator: remove that role before erasing their data."),
            params={"who": subject.user.username},
        )
    from auditlog.context import disable_auditlog  # auditlog's context reads its registry: only once apps are ready

    emails, names = subject.emails(), subject.names()
    username = subject.user.username if subject.user is not None else None
    role_ids = list(subject.user.roles.values_list("pk", flat=True)) if subject.user is not None else []
    steps: list[Step] = []
    with disable_auditlog():
        for collector in reversed(collectors()):
            steps.extend(collector.erase(subject))
    steps.append(redact_audit_log(subject, emails=emails, names=names, username=username, role_ids=role_ids))
    _record_on(
        subject,
        "core.person.erased",
        summary="Personal data erased; records kept for others are attributed to a former user",
        detail={"steps": {f"{s.app}:{i}": s.count for i, s in enumerate(steps)}},
    )
    return steps


def erase_user_account(user: User) -> None:
    """Anonymise the login itself: no name, address or password; inactive; a neutral, unique username."""
    user.username = f"erased-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.display_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()


def redact_text(value: Any, *, emails: Iterable[str], names: Iterable[str], username: str | None = None) -> Any:
    """``value`` (a string or nested JSON) with every e-mail address, name and username replaced by REDACTED.

    Addresses match case-insensitively anywhere; names and the username only as whole words, so "Kim" does
    not break "Kimberly" and the username "startup" does not match "startups".
    """
    patterns = [re.escape(e) for e in emails if e]
    words = [n for n in names if n] + ([username] if username else [])
    if words:
        patterns.append(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)"
        )
    if not patterns:
        return value
    regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    return _redact(value, regex)


def _redact(value: Any, regex: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return regex.sub(REDACTED, value)
    if isinstance(value, list):
        return [_redact(item, regex) for item in value]
    if isinstance(value, dict):
        return {_redact(key, regex): _redact(item, regex) for key, item in value.items()}
    return value


def _json_escaped(term: str) -> str:
    """How SQLite stores ``term`` inside a JSON column (non-ASCII escaped), for the pre-filter below."""
    return json.dumps(term)[1:-1]


def redact_audit_log(
    subject: Subject, *, emails: set[str], names: set[str], username: str | None, role_ids: Iterable[int] = ()
) -> Step:
    """Remove the person's personal data from existing audit entries, keeping the entries themselves.

    E-mail addresses and names are replaced in every entry (object label, changes, serialized data, extra
    data); the old username only in entries about the login itself and at the head of its role rows' labels
    (``role_ids``: a login without a name is labelled by its username), since elsewhere it may be an ordinary
    word ("observer");
    entries the person made lose the actor's e-mail and network address. The actor link stays, now pointing
    at the anonymised login, so "who changed this" still answers "a former user".
    """
    from auditlog.models import LogEntry  # auditlog's models load only once apps are ready
    from django.contrib.contenttypes.models import ContentType  # contenttypes' models load only once apps are ready

    terms = sorted(emails | names)
    query = Q()
    for term in terms:
        for form in {term, _json_escaped(term)}:
            query |= (
                Q(object_repr__icontains=form)
                | Q(changes_text__icontains=form)
                | Q(changes__icontains=form)
                | Q(serialized_data__icontains=form)
                | Q(additional_data__icontains=form)
                | Q(actor_email__iexact=form)
            )
    about_login = about_roles = Q(pk__in=[])
    if subject.user is not None:
        about_login = Q(content_type=ContentType.objects.get_for_model(User), object_pk=str(subject.user.pk))
        about_roles = Q(
            content_type=ContentType.objects.get_for_model(RoleAssignment), object_pk__in=[str(pk) for pk in role_ids]
        )
        query |= Q(actor=subject.user) | about_login | about_roles
    if subject.person is not None:
        query |= Q(content_type=ContentType.objects.get_for_model(subject.person), object_pk=str(subject.person.pk))
    if not query:
        return Step("core", 0, str(_("audit entries redacted")))
    login_entries = set(LogEntry.objects.filter(about_login).values_list("pk", flat=True))
    role_entries = set(LogEntry.objects.filter(about_roles).values_list("pk", flat=True))
    role_label = f"{username} · "  # RoleAssignment.__str__ of a login without a name; "observer" is also a role
    changed = 0
    for entry in _iterate(LogEntry.objects.filter(query).order_by("pk")):
        fields = ("object_repr", "changes_text", "changes", "serialized_data", "additional_data")
        own_username = username if entry.pk in login_entries else None
        watched = (*fields, "actor_email", "remote_addr", "remote_port")
        before = [getattr(entry, name) for name in watched]
        for name, value in zip(fields, before, strict=False):
            setattr(entry, name, redact_text(value, emails=emails, names=names, username=own_username))
        if entry.pk in role_entries and entry.object_repr.startswith(role_label):
            entry.object_repr = f"{REDACTED} · " + entry.object_repr.removeprefix(role_label)
        if subject.user is not None and entry.actor_id == subject.user.pk:
            entry.actor_email = None
            entry.remote_addr = None
            entry.remote_port = None
        elif entry.actor_email and entry.actor_email.lower() in {e.lower() for e in emails}:
            entry.actor_email = None
        if [getattr(entry, name) for name in watched] == before:
            continue
        changed += 1
        # update(): saving a LogEntry would stamp the erasing admin as its actor (actions._stamp_actor).
        LogEntry.objects.filter(pk=entry.pk).update(**{name: getattr(entry, name) for name in watched})
    return Step("core", changed, str(_("audit entries redacted")))


def _iterate(queryset: models.QuerySet, size: int = 500) -> Iterator[Any]:
    """Rows in primary-key chunks (updating rows while a server-side cursor reads them is not portable)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last)[:size])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk


# ---------------------------------------------------------------------------------------------------- core's own


def _audit_rows(subject: Subject) -> list[dict[str, Any]]:
    """Audit entries about the person (full changes) and by the person (what and when, not other people's values)."""
    from auditlog.models import LogEntry  # auditlog's models load only once apps are ready
    from django.contrib.contenttypes.models import ContentType  # contenttypes' models load only once apps are ready

    about = Q(pk__in=[])
    if subject.user is not None:
        about |= Q(content_type=ContentType.objects.get_for_model(User), object_pk=str(subject.user.pk))
    if subject.person is not None:
        about |= Q(content_type=ContentType.objects.get_for_model(subject.person), object_pk=str(subject.person.pk))
    by = Q(actor=subject.user) if subject.user is not None else Q(pk__in=[])
    mine = {(type(obj), str(obj.pk)) for obj in (subject.user, subject.person) if obj is not None}
    rows = []
    for entry in LogEntry.objects.filter(about | by).select_related("content_type").order_by("timestamp", "pk"):
        is_about = (entry.content_type.model_class(), entry.object_pk) in mine
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        row = {
            "timestamp": entry.timestamp,
            "action": entry.get_action_display(),
            "record_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "record_id": entry.object_pk,
            "by_this_person": entry.actor_id is not None and entry.actor_id == getattr(subject.user, "pk", None),
            "via": (entry.additional_data or {}).get("via") if isinstance(entry.additional_data, dict) else None,
        }
        if is_about:
            row.update(label=entry.object_repr, changes=changes)
        else:
            row["fields_changed"] = sorted(changes)
        rows.append(row)
    return rows


def _export_core(subject: Subject) -> ExportPart:
    part = ExportPart()
    user = subject.user
    if user is not None:
        part.sections["account"] = [as_row(user, exclude=("password",))]
        part.sections["roles"] = [as_row(r) for r in user.roles.order_by("pk")]
        part.sections["api_tokens"] = [as_row(t, exclude=("key_hash",)) for t in user.api_tokens.order_by("pk")]
        part.sections["notifications"] = [as_row(n) for n in user.notifications.order_by("pk")]
    part.sections["audit_log"] = _audit_rows(subject)
    return part


def _erase_core(subject: Subject) -> list[Step]:
    user = subject.user
    if user is None:
        return []
    tokens = user.api_tokens.all().delete()[0]
    notices = user.notifications.all().delete()[0]
    roles = user.roles.all().delete()[0]
    mails = _forget_sent_mail(subject.emails())
    erase_user_account(user)
    return [
        Step("core", 1, str(_("login anonymised and deactivated"))),
        Step("core", tokens, str(_("API tokens deleted"))),
        Step("core", notices, str(_("notifications deleted"))),
        Step("core", roles, str(_("role assignments removed"))),
        Step("core", mails, str(_("finished mail tasks addressed to them deleted"))),
    ]


def _forget_sent_mail(emails: set[str]) -> int:
    """Finished mail tasks keep their arguments (address, subject, body) in the task queue's table."""
    from django_tasks_db.models import DBTaskResult  # the database task backend's model: only once apps are ready

    if not emails:
        return 0
    query = Q()
    for email in emails:
        query |= Q(args_kwargs__icontains=email)
    return DBTaskResult.objects.finished().filter(query).delete()[0]


def purge_task_results(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete finished background-task records (mail sent, runs done) older than ``older_than``; they hold
    e-mail addresses and message bodies and serve nothing once finished."""
    from django_tasks_db.models import DBTaskResult  # the database task backend's model: only once apps are ready

    cutoff = (now or timezone.now()) - older_than
    return DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0]


CORE_COLLECTOR = Collector(app="core", export=_export_core, erase=_erase_core)


def summary(steps: Iterable[Step]) -> list[str]:
    """The steps as lines for a person to read: count, then what."""
    return [f"{step.count:>6}  {step.what}" for step in steps]
