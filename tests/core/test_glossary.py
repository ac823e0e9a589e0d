"""The Korean catalogue uses the glossary's words: no banned variant in any msgstr (docs/glossary.md).

The glossary is the single source: its **Terms** table is parsed here, so adding a row or a banned variant to
the document tightens this test without touching the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
PO = Path(settings.LOCALE_PATHS[0]) / "ko" / "LC_MESSAGES" / "django.po"

# (msgctxt or "", msgid, banned variant) → why the variant is right in that message.
ALLOWED: dict[tuple[str, str, str], str] = {
    (
        "",
        "outcome told to the applicant",
        "결과",
    ): "the outcome of a selection decision (선정/예비 선정/미선정), not a program outcome",
    (
        "decision",
        "outcome",
        "결과",
    ): "the outcome of a selection decision, the same field as above",
    (
        "",
        "%(program)s reports its results to the signatories of the agreement. Please report any investment, "
        "contract, partnership, approval, market entry, pilot, hire or grant since your last report, and update "
        "the status of the ones already reported.",
        "계약",
    ): "계약 translates 'contract', one of the outcome kinds listed; the agreement itself is 협약 in the same text",
    (
        "",
        "Only site administrators and program managers handle reported messages.",
        "관리자",
    ): "관리자 is the site administrator (사이트 관리자); the program manager is 사업 담당자 in the same text",
}


@dataclass(frozen=True)
class Term:
    english: tuple[str, ...]
    korean: tuple[str, ...]
    banned_with_term: tuple[str, ...]
    banned_everywhere: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        # "signatory" also matches "signatories"; any other form also matches its plural in -s/-es.
        forms = "|".join(
            rf"{re.escape(form[:-1])}(?:y|ies)" if form.endswith("y") else rf"{re.escape(form)}(?:e?s)?"
            for form in self.english
        )
        return re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _split(cell: str, separator: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(separator) if part.strip())


def glossary_terms(text: str) -> list[Term]:
    """Rows of the table under "## Terms" (header and separator skipped)."""
    section = text.split("## Terms", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = _cells(rows[0])
    assert header[:4] == ["English", "한국어", "Banned with the term", "Banned everywhere"], header
    terms = []
    for line in rows[2:]:
        cells = _cells(line)
        assert len(cells) == len(header), f"glossary row has {len(cells)} cells, not {len(header)}: {line}"
        terms.append(
            Term(
                english=_split(cells[0], " / "),
                korean=_split(cells[1], " / "),
                banned_with_term=_split(cells[2], ","),
                banned_everywhere=_split(cells[3], ","),
            )
        )
    return terms


def _translation(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return " ".join(entry.msgstr_plural.values())
    return entry.msgstr


def violations(terms: list[Term], catalogue: polib.POFile) -> list[str]:
    """One line per (message, banned variant) found, saying which term bans it."""
    found = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        korean = _translation(entry)
        english = f"{entry.msgid} {entry.msgid_plural or ''}"
        present = [term for term in terms if term.pattern().search(english)]
        # A variant that is another present term's own Korean word is that term speaking, not a mistake.
        legitimate = {word for term in present for word in term.korean}
        for term in terms:
            banned = set(term.banned_everywhere)
            if term in present:
                banned |= set(term.banned_with_term) - legitimate
            for variant in sorted(banned):
                if variant in korean and (entry.msgctxt or "", entry.msgid, variant) not in ALLOWED:
                    found.append(f"{entry.msgid!r} (context {entry.msgctxt!r}): {variant!r} — use {term.korean[0]!r}")
    return found


def test_the_glossary_has_25_to_30_terms_each_with_a_korean_word():
    terms = glossary_terms(GLOSSARY.read_text(encoding="utf-8"))
    assert 25 <= len(terms) <= 30
    assert all(term.english and term.korean for term in terms)
    # A banned variant is never also a term's own word (the glossary would contradict itself).
    own = {word for term in terms for word in term.korean}
    assert [v for term in terms for v in term.banned_everywhere if v in own] == []


def test_no_message_uses_a_banned_variant():
    terms = glossary_terms(GLOSSARY.read_text(encoding="utf-8"))
    assert violations(terms, polib.pofile(str(PO))) == []


def test_every_allowance_still_matches_a_message():
    """An allowance whose message is gone or fixed is removed, so the list stays short and true."""
    catalogue = polib.pofile(str(PO))
    by_key = {(entry.msgctxt or "", entry.msgid): _translation(entry) for entry in catalogue}
    stale = [key for key in ALLOWED if key[2] not in by_key.get(key[:2], "")]
    assert stale == []


def test_the_check_catches_a_banned_variant_and_spares_a_shared_word():
    """The checker itself: 인물 anywhere is caught; 시간대 beside "time zone" in a slot message is not."""
    terms = glossary_terms(GLOSSARY.read_text(encoding="utf-8"))
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="People", msgstr="인물"))
    catalogue.append(polib.POEntry(msgid="slot", msgstr="시간대"))
    catalogue.append(polib.POEntry(msgid="Slots are shown in your time zone.", msgstr="슬롯은 내 시간대로 표시됩니다."))
    catalogue.append(polib.POEntry(msgid="by", msgctxt="changed by", msgstr="변경한 사람"))
    found = violations(terms, catalogue)
    assert len(found) == 2
    assert "'People'" in found[0] and "'인물'" in found[0]
    assert "'slot'" in found[1] and "'시간대'" in found[1]


def _is_email(entry: polib.POEntry) -> bool:
    return bool(entry.occurrences) and all("/email/" in path or "_email." in path for path, _line in entry.occurrences)


def test_screens_request_with_haseyo_and_emails_in_hasipsio_style():
    """The speech-level rule of docs/glossary.md: on screens 「-하세요」 and 「-하시겠습니까?」, e-mails 하십시오체."""
    catalogue = [entry for entry in polib.pofile(str(PO)) if not entry.obsolete]
    screens = [
        e.msgid for e in catalogue if not _is_email(e) and re.search(r"주세요|주십시오|까요\?|나요\?", _translation(e))
    ]
    emails = [e.msgid for e in catalogue if _is_email(e) and re.search(r"세요(?:[.\s]|$)", _translation(e))]
    assert screens == []
    assert emails == []
