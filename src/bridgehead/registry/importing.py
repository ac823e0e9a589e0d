"""Import organisations and people from a spreadsheet: parse, validate every row, then write all or nothing.

Validation collects *every* problem (row number as the spreadsheet shows it, the column as headed in the
file, why, and a stable code) so a program officer fixes the file once, instead of discovering problems one
per upload. Headers are matched through aliases in English and Korean ("Name (Korean)", "기관명", "회사명" …).

What a valid organisation or person is, is defined once: each row is checked by the edit page's form
(``OrganisationForm``; ``PersonForm`` for people and for an organisation's contact) and saved through it.
This module keeps only what is particular to spreadsheets: header aliases, the file's words for values
(kind, stage, cluster and sector names), and the checks that concern the file as a whole (duplicate
columns, rows repeating each other, a website or e-mail already in the registry).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bridgehead.core.spreadsheets import SpreadsheetError, Table, read_table
from bridgehead.registry.enums import OrganisationKind, Stage
from bridgehead.registry.forms import OrganisationForm, PersonForm
from bridgehead.registry.memberships import record_member
from bridgehead.registry.models import Cluster, Organisation, Person, Sector


def _norm_header(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s_\-()\[\]/.:*]+", "", text)


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...]
    label: str  # canonical header written by exports (and accepted on import)


ORGANISATION_COLUMNS = (
    Column(
        "name_en",
        (
            "name_en",
            "name",
            "name english",
            "english name",
            "organisation",
            "organization",
            "company",
            "영문명",
            "영문 기관명",
            "기관명 영문",
            "영문 회사명",
            "영문 기업명",
        ),
        "Name (English)",
    ),
    Column(
        "name_ko",
        (
            "name_ko",
            "name korean",
            "korean name",
            "국문명",
            "한글명",
            "기관명",
            "회사명",
            "기업명",
            "기관명 국문",
            "국문 기관명",
        ),
        "Name (Korean)",
    ),
    Column("kind", ("kind", "type", "organisation type", "유형", "구분", "기관 유형", "기관유형"), "Kind"),
    Column("country", ("country", "country code", "국가", "국가 코드"), "Country"),
    Column("city", ("city", "도시", "소재지"), "City"),
    Column("cluster", ("cluster", "클러스터"), "Cluster"),
    Column("sectors", ("sectors", "sector", "industry", "분야", "산업 분야", "산업분야", "업종"), "Sectors"),
    Column("stage", ("stage", "funding stage", "단계", "투자 단계", "성장 단계"), "Stage"),
    Column("website", ("website", "web", "url", "homepage", "홈페이지", "웹사이트"), "Website"),
    Column(
        "markets_sought",
        ("markets sought", "target markets", "markets", "목표 시장", "진출 희망 국가", "진출희망국"),
        "Markets sought",
    ),
    Column(
        "description_en",
        ("description_en", "description", "description english", "english description", "영문 소개"),
        "Description (English)",
    ),
    Column(
        "description_ko",
        ("description_ko", "description korean", "korean description", "소개", "기관 소개", "기업 소개", "국문 소개"),
        "Description (Korean)",
    ),
    Column("contact_name", ("contact", "contact name", "담당자", "담당자명", "담당자 이름"), "Contact name"),
    Column(
        "contact_email", ("email", "e-mail", "contact email", "이메일", "담당자 이메일", "전자우편"), "Contact e-mail"
    ),
    Column("contact_title", ("contact title", "title", "position", "직함", "직책", "담당자 직책"), "Contact title"),
)

PERSON_COLUMNS = (
    Column("name_en", ("name_en", "name", "name english", "english name", "영문 이름", "영문명"), "Name (English)"),
    Column(
        "name_ko", ("name_ko", "name korean", "korean name", "이름", "성명", "국문 이름", "한글 이름"), "Name (Korean)"
    ),
    Column(
        "organisation", ("organisation", "organization", "company", "기관", "소속", "회사", "소속 기관"), "Organisation"
    ),
    Column("title_en", ("title_en", "title", "position", "title english", "영문 직함"), "Title (English)"),
    Column("title_ko", ("title_ko", "title korean", "직함", "직책", "직위"), "Title (Korean)"),
    Column("email", ("email", "e-mail", "이메일", "전자우편"), "E-mail"),
    Column("time_zone", ("time zone", "timezone", "tz", "시간대"), "Time zone"),
    Column("languages", ("languages", "language", "언어", "사용 언어"), "Languages"),
)

KIND_ALIASES = {
    **{value: value for value in OrganisationKind.values},
    "정부": "government",
    "지자체": "government",
    "시청": "government",
    "대학": "university",
    "대학교": "university",
    "스타트업": "startup",
    "창업기업": "startup",
    "기업": "company",
    "회사": "company",
    "대기업": "company",
    "투자사": "investor",
    "투자자": "investor",
    "vc": "investor",
    "벤처캐피탈": "investor",
    "병원": "hospital",
    "기관": "agency",
    "공공기관": "agency",
    "지원기관": "agency",
    "지원 기관": "agency",  # the label the app shows (glossary spacing)
    "corporate": "company",
    "corporation": "company",
}
STAGE_ALIASES = {
    **{value: value for value in Stage.values},
    "preseed": "pre-seed",
    "예비창업": "pre-seed",
    "시드": "seed",
    "seriesa": "series-a",
    "series a": "series-a",
    "시리즈a": "series-a",
    "seriesb": "series-b",
    "series b": "series-b",
    "시리즈b": "series-b",
    "성장": "growth",
    "상장": "public",
    "ipo": "public",
}
_SPLIT = re.compile(r"[;,|/\n]+")


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row number; None for the file as a whole
    column: str  # the header as written in the file ("" when not about a column)
    message: str
    code: str = ""  # stable: "registry.import.*" for the file's own checks, the form's error code otherwise

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column “%(column)s”") % {"column": self.column})
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass
class ParsedRow:
    number: int
    values: dict[str, object]  # what the preview shows (the names)
    form: forms.ModelForm | None = None  # the validated edit-page form that saves the row
    contact: forms.ModelForm | None = None  # an organisation's contact person (PersonForm), if given
    languages: list[str] = field(default_factory=list)  # people: not on PersonForm, parsed here


@dataclass
class ImportResult:
    kind: str
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    encoding: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as in the file

    @property
    def ok(self) -> bool:
        return not self.problems


def _map_headers(table: Table, columns: tuple[Column, ...], result: ImportResult) -> dict[int, Column]:
    lookup: dict[str, Column] = {}
    for column in columns:
        for alias in (*column.aliases, column.label, column.field):
            lookup.setdefault(_norm_header(alias), column)
    mapping: dict[int, Column] = {}
    seen: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        column = lookup.get(_norm_header(header))
        if column is None:
            continue
        if column.field in seen:
            message = _("duplicates column “%(other)s”; keep only one.") % {"other": seen[column.field]}
            result.problems.append(Problem(1, header, message, "registry.import.duplicate_column"))
            continue
        seen[column.field] = header
        mapping[index] = column
    result.columns = seen
    return mapping


def _host(url: str) -> str:
    host = urlsplit(url if "://" in url else f"https://{url}").hostname or ""
    return host.removeprefix("www.").casefold()


def name_key(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().casefold()


def _form_problems(form: forms.BaseForm, number: int, column_of: Callable[[str], str], skip: set[str]) -> list[Problem]:
    """The form's errors as problems of row ``number``; fields the file's own checks already reported on
    (an unknown kind, say) are left out so one mistake is reported once."""
    problems = []
    for name, errors in form.errors.as_data().items():
        if name in skip:
            continue
        for error in errors:
            problems.append(Problem(number, column_of(name), error.messages[0], error.code or "invalid"))
    return problems


class _OrganisationValidator:
    """Holds the look-ups a whole file needs, read once, and validates one row at a time."""

    def __init__(self) -> None:
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.sectors_by_name = {
            name_key(name): s for s in self.sectors.values() for name in (s.name_en, s.name_ko) if name
        }
        self.clusters = {}
        for cluster in Cluster.objects.all():
            for key in (cluster.slug, cluster.name_en, cluster.name_ko, cluster.city_en, cluster.city_ko):
                if key:
                    self.clusters[name_key(key)] = cluster
        self.names: dict[str, str] = {}  # rows of this file (existing names are the form's check)
        self.hosts: dict[str, str] = {}
        for org in Organisation.objects.only("name_en", "name_ko", "website"):
            if org.website:
                self.hosts[_host(org.website)] = _("an existing organisation (%(name)s)") % {"name": org.name}

    def validate(
        self, number: int, raw: dict[str, str], header: Callable[[str], str]
    ) -> tuple[ParsedRow, list[Problem]]:
        problems: list[Problem] = []
        reported: set[str] = set()

        def problem(field_name: str, message: str, code: str) -> None:
            problems.append(Problem(number, header(field_name), message, code))
            reported.add(field_name)

        # The file's words for values: aliases of kinds and stages, cluster and sector names.
        kind_raw = raw.get("kind", "")
        kind = KIND_ALIASES.get(kind_raw.casefold(), "")
        if kind_raw and not kind:
            problem(
                "kind",
                _("unknown kind “%(value)s”; use one of: %(choices)s.")
                % {"value": kind_raw, "choices": ", ".join(OrganisationKind.values)},
                "registry.import.unknown_kind",
            )
        stage_raw = raw.get("stage", "")
        stage_key = stage_raw.casefold()
        stage = STAGE_ALIASES.get(stage_key) or STAGE_ALIASES.get(stage_key.replace(" ", "")) or ""
        if stage_raw and not stage:
            problem(
                "stage",
                _("unknown stage “%(value)s”; use one of: %(choices)s.")
                % {"value": stage_raw, "choices": ", ".join(Stage.values)},
                "registry.import.unknown_stage",
            )
        cluster = None
        if raw.get("cluster"):
            cluster = self.clusters.get(name_key(raw["cluster"]))
            if cluster is None:
                problem(
                    "cluster",
                    _("unknown cluster “%(value)s”.") % {"value": raw["cluster"]},
                    "registry.import.unknown_cluster",
                )
        sectors = []
        for token in filter(None, (t.strip() for t in _SPLIT.split(raw.get("sectors", "")))):
            sector = self.sectors.get(token.casefold()) or self.sectors_by_name.get(name_key(token))
            if sector is None:
                problem(
                    "sectors",
                    _("unknown sector code “%(value)s”.") % {"value": token},
                    "registry.import.unknown_sector",
                )
            else:
                sectors.append(str(sector.pk))
        markets = [m.strip() for m in _SPLIT.split(raw.get("markets_sought", "")) if m.strip()]
        data = {
            "name_en": raw.get("name_en", ""),
            "name_ko": raw.get("name_ko", ""),
            "kind": kind,
            "cluster": str(cluster.pk) if cluster else "",
            "country": raw.get("country", "").upper() or (cluster.country if cluster else ""),
            "city": raw.get("city", ""),
            "sectors": sectors,
            "stage": stage,
            "website": raw.get("website", ""),
            "markets_sought": ", ".join(markets),
            "description_en": raw.get("description_en", ""),
            "description_ko": raw.get("description_ko", ""),
        }

        # The one definition of a valid organisation: the edit page's form.
        form = OrganisationForm(data)
        name_column = header("name_en") or header("name_ko")
        problems += _form_problems(form, number, lambda f: name_column if f == "__all__" else header(f), reported)

        contact = self._contact(number, raw, cluster, header, problems)

        # The file's own checks: a row repeating an earlier one, a website already in the registry.
        for field_name in ("name_en", "name_ko"):
            if raw.get(field_name) and name_key(raw[field_name]) in self.names:
                problem(
                    field_name,
                    _("duplicate of %(other)s.") % {"other": self.names[name_key(raw[field_name])]},
                    "registry.import.duplicate_in_file",
                )
        website = "" if "website" in form.errors else form.cleaned_data.get("website", "")
        if website and _host(website) in self.hosts:
            problem(
                "website",
                _("duplicate of %(other)s (same website).") % {"other": self.hosts[_host(website)]},
                "registry.import.duplicate_website",
            )
        if not problems:
            for field_name in ("name_en", "name_ko"):
                if raw.get(field_name):
                    self.names[name_key(raw[field_name])] = _("row %(row)s of this file") % {"row": number}
            if website:
                self.hosts[_host(website)] = _("row %(row)s of this file") % {"row": number}
        row = ParsedRow(number, {"name_en": data["name_en"], "name_ko": data["name_ko"]}, form, contact)
        return row, problems

    @staticmethod
    def _contact(number, raw, cluster, header, problems) -> forms.ModelForm | None:
        """The organisation's contact, checked as a person (``PersonForm``) without its organisation yet."""
        name, email, title = raw.get("contact_name", ""), raw.get("contact_email", ""), raw.get("contact_title", "")
        if not (name or email or title):
            return None
        korean = any("\uac00" <= ch <= "\ud7a3" for ch in name)
        form = PersonForm(
            {
                "name_ko" if korean else "name_en": name,
                "title_ko" if korean else "title_en": title,
                "email": email,
                "time_zone": cluster.time_zone if cluster else "Asia/Seoul",
            }
        )
        columns = {"name_ko": "contact_name", "name_en": "contact_name", "__all__": "contact_name"}
        columns |= {"title_ko": "contact_title", "title_en": "contact_title", "email": "contact_email"}
        problems += _form_problems(form, number, lambda f: header(columns.get(f, "")), set())
        return form


class _PersonValidator:
    def __init__(self) -> None:
        self.organisations: dict[str, Organisation] = {}
        for org in Organisation.objects.only("name_en", "name_ko", "slug"):
            for key in (org.name_en, org.name_ko, org.slug):
                if key:
                    self.organisations[name_key(key)] = org
        self.emails = {e.casefold() for e in Person.objects.exclude(email="").values_list("email", flat=True)}

    def validate(
        self, number: int, raw: dict[str, str], header: Callable[[str], str]
    ) -> tuple[ParsedRow, list[Problem]]:
        problems: list[Problem] = []

        def problem(field_name: str, message: str, code: str) -> None:
            problems.append(Problem(number, header(field_name), message, code))

        organisation = None
        if raw.get("organisation"):
            organisation = self.organisations.get(name_key(raw["organisation"]))
            if organisation is None:
                problem(
                    "organisation",
                    _("unknown organisation “%(value)s”; import it first.") % {"value": raw["organisation"]},
                    "registry.import.unknown_organisation",
                )
        languages = [lang.strip().lower() for lang in _SPLIT.split(raw.get("languages", "")) if lang.strip()]
        unknown = [lang for lang in languages if lang not in ("ko", "en", "zh", "ja", "de", "fr", "es")]
        if unknown:
            problem(
                "languages",
                _("unknown language codes: %(values)s (use ko, en …).") % {"values": ", ".join(unknown)},
                "registry.import.unknown_language",
            )
        data = {name: raw.get(name, "") for name in ("name_en", "name_ko", "title_en", "title_ko", "email")}
        data |= {
            "organisation": str(organisation.pk) if organisation else "",
            "time_zone": raw.get("time_zone") or "Asia/Seoul",
        }

        # The one definition of a valid person: the edit page's form.
        form = PersonForm(data)
        name_column = header("name_en") or header("name_ko")
        skip = {"organisation"} if organisation is None and raw.get("organisation") else set()
        problems += _form_problems(form, number, lambda f: name_column if f == "__all__" else header(f), skip)

        # The file's own check: an e-mail already in the registry or earlier in the file.
        email = data["email"]
        if email and not form.errors.get("email"):
            if email.casefold() in self.emails:
                problem(
                    "email",
                    _("duplicate: a person with this e-mail already exists."),
                    "registry.import.duplicate_email",
                )
            self.emails.add(email.casefold())
        row = ParsedRow(number, {"name_en": data["name_en"], "name_ko": data["name_ko"]}, form)
        row.languages = languages
        return row, problems


SCHEMAS = {
    "organisations": (ORGANISATION_COLUMNS, _OrganisationValidator, ("name_en", "name_ko")),
    "people": (PERSON_COLUMNS, _PersonValidator, ("name_en", "name_ko")),
}


def validate_file(kind: str, filename: str, content: bytes) -> ImportResult:
    """Parse and validate the whole file; nothing is written."""
    columns, validator_class, name_fields = SCHEMAS[kind]
    result = ImportResult(kind=kind)
    try:
        table = read_table(filename, content, max_bytes=settings.IMPORT_MAX_BYTES)
    except SpreadsheetError as exc:
        result.problems.append(Problem(None, "", str(exc), "registry.import.unreadable"))
        return result
    result.encoding = table.encoding
    mapping = _map_headers(table, columns, result)
    if not any(column.field in name_fields for column in mapping.values()):
        expected = ", ".join(f"“{c.label}”" for c in columns if c.field in name_fields)
        message = _("no name column found; the first row must be headers such as %(expected)s.")
        result.problems.append(Problem(1, "", message % {"expected": expected}, "registry.import.no_name_column"))
        return result
    if not table.rows:
        result.problems.append(
            Problem(None, "", _("The file has headers but no data rows."), "registry.import.no_rows")
        )
        return result
    validator = validator_class()
    headers = result.columns
    for number, cells in table.rows:
        raw = {column.field: cells[index].strip() for index, column in mapping.items() if index < len(cells)}
        row, problems = validator.validate(number, raw, lambda f: headers.get(f, ""))
        result.problems.extend(problems)
        result.rows.append(row)
    return result


def unique_slug(base: str, taken: set[str]) -> str:
    stem = slugify(base, allow_unicode=False)[:100] or "org"
    slug, counter = stem, 2
    while slug in taken:
        slug, counter = f"{stem}-{counter}", counter + 1
    taken.add(slug)
    return slug


def _create_organisations(result: ImportResult) -> int:
    taken = set(Organisation.objects.values_list("slug", flat=True))
    for row in result.rows:
        organisation = row.form.save(commit=False)
        organisation.slug = unique_slug(organisation.name_en or organisation.name_ko, taken)
        organisation.save()
        row.form.save_m2m()
        if row.contact is not None:
            person = row.contact.save(commit=False)
            person.organisation = organisation
            person.save()
            # A contact has no account and cannot ask to join: the importer (staff) vouches for it.
            record_member(person, organisation)
    return len(result.rows)


def _create_people(result: ImportResult) -> int:
    for row in result.rows:
        person = row.form.save(commit=False)
        person.languages = row.languages
        person.save()  # one by one: save() maintains search_text, which bulk_create would skip
        if person.organisation is not None:
            record_member(person, person.organisation)  # an imported person has no account: staff vouch for it
    return len(result.rows)


def import_file(kind: str, filename: str, content: bytes, *, dry_run: bool = False) -> ImportResult:
    """Validate and, when there is no problem and not a dry run, create every row in one transaction."""
    with transaction.atomic():
        result = validate_file(kind, filename, content)
        if result.ok and not dry_run:
            result.created = _create_organisations(result) if kind == "organisations" else _create_people(result)
    return result
