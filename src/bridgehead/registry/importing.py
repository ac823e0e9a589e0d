"""Import organisations and people from a spreadsheet: parse, validate every row, then write all or nothing.

Validation collects *every* problem (row number as the spreadsheet shows it, the column as headed in the
file, and why) so a program officer fixes the file once, instead of discovering problems one per upload.
Headers are matched through aliases in English and Korean ("Name (Korean)", "기관명", "회사명" …).
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bridgehead.core.spreadsheets import SpreadsheetError, Table, read_table
from bridgehead.registry.enums import OrganisationKind, Stage
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
    values: dict[str, object]


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
            result.problems.append(
                Problem(1, header, _("duplicates column “%(other)s”; keep only one.") % {"other": seen[column.field]})
            )
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
        self.names: dict[str, str] = {}
        self.hosts: dict[str, str] = {}
        for org in Organisation.objects.only("name_en", "name_ko", "website"):
            for name in (org.name_en, org.name_ko):
                if name:
                    self.names[name_key(name)] = _("an existing organisation (%(name)s)") % {"name": org.name}
            if org.website:
                self.hosts[_host(org.website)] = _("an existing organisation (%(name)s)") % {"name": org.name}
        self.url_validator = URLValidator()

    def validate(self, number: int, raw: dict[str, str], header: Callable[[str], str]) -> tuple[dict, list[Problem]]:
        problems: list[Problem] = []
        values: dict[str, object] = {}

        def problem(field_name: str, message: str) -> None:
            problems.append(Problem(number, header(field_name), message))

        name_en, name_ko = raw.get("name_en", ""), raw.get("name_ko", "")
        if not name_en and not name_ko:
            problems.append(
                Problem(
                    number, header("name_en") or header("name_ko"), _("a name is required (Korean, English or both).")
                )
            )
        for field_name, limit in (("name_en", 200), ("name_ko", 200), ("city", 100)):
            if len(raw.get(field_name, "")) > limit:
                problem(field_name, _("longer than %(limit)s characters.") % {"limit": limit})
        for name, field_name in ((name_en, "name_en"), (name_ko, "name_ko")):
            if name:
                other = self.names.get(name_key(name))
                if other:
                    problem(field_name, _("duplicate of %(other)s.") % {"other": other})
        values.update(name_en=name_en[:200], name_ko=name_ko[:200], city=raw.get("city", "")[:100])

        kind_raw = raw.get("kind", "")
        kind = KIND_ALIASES.get(kind_raw.casefold())
        if not kind_raw:
            problem("kind", _("the kind is required (e.g. startup, investor, company, hospital)."))
        elif kind is None:
            problem(
                "kind",
                _("unknown kind “%(value)s”; use one of: %(choices)s.")
                % {"value": kind_raw, "choices": ", ".join(OrganisationKind.values)},
            )
        values["kind"] = kind

        cluster = None
        if raw.get("cluster"):
            cluster = self.clusters.get(name_key(raw["cluster"]))
            if cluster is None:
                problem("cluster", _("unknown cluster “%(value)s”.") % {"value": raw["cluster"]})
        values["cluster"] = cluster

        country = raw.get("country", "").upper()
        if not country and cluster is not None:
            country = cluster.country
        if not country:
            problem("country", _("the country is required (two-letter code such as KR or US)."))
        elif not re.fullmatch(r"[A-Z]{2}", country):
            problem(
                "country",
                _("“%(value)s” is not a two-letter country code such as KR or US.") % {"value": raw.get("country")},
            )
        values["country"] = country

        sectors = []
        for token in filter(None, (t.strip() for t in _SPLIT.split(raw.get("sectors", "")))):
            sector = self.sectors.get(token.casefold()) or self.sectors_by_name.get(name_key(token))
            if sector is None:
                problem("sectors", _("unknown sector code “%(value)s”.") % {"value": token})
            else:
                sectors.append(sector)
        values["sectors"] = sectors

        stage_raw = raw.get("stage", "")
        stage_key = stage_raw.casefold()
        stage = STAGE_ALIASES.get(stage_key) or STAGE_ALIASES.get(stage_key.replace(" ", ""))
        if stage_raw and stage is None:
            problem(
                "stage",
                _("unknown stage “%(value)s”; use one of: %(choices)s.")
                % {"value": stage_raw, "choices": ", ".join(Stage.values)},
            )
        values["stage"] = stage or ""

        website = raw.get("website", "")
        if website:
            candidate = website if "://" in website else f"https://{website}"
            try:
                self.url_validator(candidate)
            except ValidationError:
                problem("website", _("“%(value)s” is not a web address.") % {"value": website})
            else:
                website = candidate
                other = self.hosts.get(_host(candidate))
                if other:
                    problem("website", _("duplicate of %(other)s (same website).") % {"other": other})
        values["website"] = website

        markets = [m.strip().upper() for m in _SPLIT.split(raw.get("markets_sought", "")) if m.strip()]
        bad_markets = [m for m in markets if not re.fullmatch(r"[A-Z]{2}", m)]
        if bad_markets:
            problem(
                "markets_sought", _("not two-letter country codes: %(values)s.") % {"values": ", ".join(bad_markets)}
            )
        values["markets_sought"] = markets
        values["description_en"] = raw.get("description_en", "")
        values["description_ko"] = raw.get("description_ko", "")

        email = raw.get("contact_email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem("contact_email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
        if (email or raw.get("contact_title")) and not raw.get("contact_name"):
            problem("contact_name", _("a contact e-mail or title is given without the contact's name."))
        values.update(
            contact_name=raw.get("contact_name", "")[:150],
            contact_email=email,
            contact_title=raw.get("contact_title", "")[:150],
        )

        # Later rows may not repeat earlier ones: the file must not create two records for one organisation.
        if not problems:
            for name in (name_en, name_ko):
                if name:
                    self.names[name_key(name)] = _("row %(row)s of this file") % {"row": number}
            if website:
                self.hosts[_host(website)] = _("row %(row)s of this file") % {"row": number}
        return values, problems


class _PersonValidator:
    def __init__(self) -> None:
        self.organisations: dict[str, Organisation] = {}
        for org in Organisation.objects.only("name_en", "name_ko", "slug"):
            for key in (org.name_en, org.name_ko, org.slug):
                if key:
                    self.organisations[name_key(key)] = org
        self.emails = {e.casefold() for e in Person.objects.exclude(email="").values_list("email", flat=True)}
        self.zones = zoneinfo.available_timezones()

    def validate(self, number: int, raw: dict[str, str], header: Callable[[str], str]) -> tuple[dict, list[Problem]]:
        problems: list[Problem] = []

        def problem(field_name: str, message: str) -> None:
            problems.append(Problem(number, header(field_name), message))

        values: dict[str, object] = {k: raw.get(k, "")[:150] for k in ("name_en", "name_ko", "title_en", "title_ko")}
        if not raw.get("name_en") and not raw.get("name_ko"):
            problems.append(
                Problem(
                    number, header("name_en") or header("name_ko"), _("a name is required (Korean, English or both).")
                )
            )
        organisation = None
        if raw.get("organisation"):
            organisation = self.organisations.get(name_key(raw["organisation"]))
            if organisation is None:
                problem(
                    "organisation",
                    _("unknown organisation “%(value)s”; import it first.") % {"value": raw["organisation"]},
                )
        values["organisation"] = organisation
        email = raw.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem("email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
            else:
                if email.casefold() in self.emails:
                    problem("email", _("duplicate: a person with this e-mail already exists."))
                self.emails.add(email.casefold())
        values["email"] = email
        zone = raw.get("time_zone", "") or "Asia/Seoul"
        if zone not in self.zones:
            problem("time_zone", _("unknown time zone “%(value)s” (use a name such as Asia/Seoul).") % {"value": zone})
        values["time_zone"] = zone
        languages = [lang.strip().lower() for lang in _SPLIT.split(raw.get("languages", "")) if lang.strip()]
        unknown = [lang for lang in languages if lang not in ("ko", "en", "zh", "ja", "de", "fr", "es")]
        if unknown:
            problem(
                "languages", _("unknown language codes: %(values)s (use ko, en …).") % {"values": ", ".join(unknown)}
            )
        values["languages"] = languages
        return values, problems


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
        result.problems.append(Problem(None, "", str(exc)))
        return result
    result.encoding = table.encoding
    mapping = _map_headers(table, columns, result)
    if not any(column.field in name_fields for column in mapping.values()):
        expected = ", ".join(f"“{c.label}”" for c in columns if c.field in name_fields)
        message = _("no name column found; the first row must be headers such as %(expected)s.")
        result.problems.append(Problem(1, "", message % {"expected": expected}))
        return result
    if not table.rows:
        result.problems.append(Problem(None, "", _("The file has headers but no data rows.")))
        return result
    validator = validator_class()
    headers = result.columns
    for number, cells in table.rows:
        raw = {column.field: cells[index].strip() for index, column in mapping.items() if index < len(cells)}
        values, problems = validator.validate(number, raw, lambda f: headers.get(f, ""))
        result.problems.extend(problems)
        result.rows.append(ParsedRow(number, values))
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
        values = dict(row.values)
        sectors = values.pop("sectors")
        contact = {k: values.pop(k) for k in ("contact_name", "contact_email", "contact_title")}
        base = values["name_en"] or values["name_ko"]
        organisation = Organisation.objects.create(slug=unique_slug(str(base), taken), **values)
        organisation.sectors.set(sectors)
        if contact["contact_name"]:
            korean = any("\uac00" <= ch <= "\ud7a3" for ch in contact["contact_name"])
            Person.objects.create(
                organisation=organisation,
                name_ko=contact["contact_name"] if korean else "",
                name_en="" if korean else contact["contact_name"],
                title_ko=contact["contact_title"] if korean else "",
                title_en="" if korean else contact["contact_title"],
                email=contact["contact_email"],
                time_zone=organisation.cluster.time_zone if organisation.cluster else "Asia/Seoul",
            )
    return len(result.rows)


def _create_people(result: ImportResult) -> int:
    for row in result.rows:
        Person.objects.create(**row.values)  # save() maintains search_text, which bulk_create would skip
    return len(result.rows)


def import_file(kind: str, filename: str, content: bytes, *, dry_run: bool = False) -> ImportResult:
    """Validate and, when there is no problem and not a dry run, create every row in one transaction."""
    with transaction.atomic():
        result = validate_file(kind, filename, content)
        if result.ok and not dry_run:
            result.created = _create_organisations(result) if kind == "organisations" else _create_people(result)
    return result
