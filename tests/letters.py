"""Checks every letter and e-mail must pass in each language (issue 17): it greets the reader and closes with
its sender, Korean text carries no English words (role names, statuses) beyond the names of organisations and
people and the links, English text carries no Hangul, and every link is absolute."""

from __future__ import annotations

import re

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
LINK = re.compile(r"https?://\S+")
ADDRESS = re.compile(r"\S+@\S+")
RELATIVE_LINK = re.compile(r"(^|\s)/[a-z][\w/-]*/")


def english_words(text: str, *, names: list[str]) -> list[str]:
    """The Latin-script words left in ``text`` once links, e-mail addresses and the given ``names`` (people,
    organisations, events, programs typed in English) are taken out."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = ADDRESS.sub(" ", LINK.sub(" ", text))
    return LATIN_WORD.findall(text)


def assert_korean(subject: str, body: str, *, greeting: str, sender: str, names: list[str], site: str) -> None:
    """A Korean message: greets (``greeting`` on a line of its own or opening one), thanks, and is signed
    "<sender> 드림" after the thanks; no English words in it except ``names``."""
    lines = body.rstrip().splitlines()
    assert any(line.startswith(greeting) for line in lines), body
    assert lines.index(f"{sender} 드림") > lines.index("감사합니다."), body
    assert english_words(subject + "\n" + body, names=names) == [], body
    _assert_links(body, site)


def assert_english(subject: str, body: str, *, greeting: str, closing: str, sender: str, site: str) -> None:
    """An English message: opens with ``greeting``, closes with ``closing`` then ``sender``; no Hangul."""
    lines = body.rstrip().splitlines()
    assert lines[0] == greeting, body
    assert lines.index(sender) > lines.index(closing), body
    assert not HANGUL.search(subject + body), body
    _assert_links(body, site)


def _assert_links(body: str, site: str) -> None:
    links = LINK.findall(body)
    assert links and all(link.startswith(site + "/") for link in links), body
    assert not RELATIVE_LINK.search(LINK.sub(" ", body)), body
