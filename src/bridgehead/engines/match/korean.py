"""Korean particles (조사) after any word a reason writes: Hangul, digits, Latin names and acronyms.

A particle's form depends on whether the word *as read aloud* ends in a consonant (받침): 이/가, 은/는,
을/를, 과/와, 으로/로. Hangul is exact; a parenthesis at the end is transparent, as Korean writes it
("위탁생산(CDMO)을"); digits are read in Sino-Korean (3 삼 → 이, 2 이 → 가); an acronym is read letter by
letter (FDA 에프디에이 → 가, UCSD 유시에스디 → 가, IBM 아이비엠 → 이); a Latin word by a pronunciation guess of
its ending (Scripps 스크립스 → 가, Genentech 제넨텍 → 이, Clinic 클리닉 → 이, Bio 바이오 → 가). Only a word with
none of these (a symbol) falls back on the "(이)가" form.
"""

from __future__ import annotations

import re

#: Which Sino-Korean digit readings end in a consonant: 영 일 삼 육 칠 팔 (not 이 사 오 구).
_DIGIT_CONSONANT = {"0": True, "1": True, "2": False, "3": True, "4": False, "5": False, "6": True,
                    "7": True, "8": True, "9": False}  # fmt: skip
#: Letter names read in Korean: L 엘, M 엠, N 엔, R 알 end in a consonant; the others (에이, 비, 에프 …) do not.
_LETTER_CONSONANT = set("LMNR")
#: A trailing parenthesis (or bracket) is skipped: the particle follows the word before it.
_TRAILING_PAREN = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_LATIN_WORD = re.compile(r"[A-Za-z]+$")
#: English endings read with a final consonant: Dexcom 덱스컴, Clinic 클리닉, Genentech 제넨텍, Lab 랩, Group 그룹.
_CONSONANT_ENDINGS = (
    "ng", "m", "n", "l", "ck", "tech", "ic", "ec", "ak", "ok", "ab", "ob", "ub", "ip", "ap", "op", "up",
)  # fmt: skip

#: The particle pairs: (after a consonant, after a vowel).
PAIRS = {
    "이/가": ("이", "가"),
    "은/는": ("은", "는"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "이다": ("이다", "다"),
}


def _latin_ends_in_consonant(word: str) -> bool:
    """Guess whether an English-spelt word, read the Korean way, ends in a 받침."""
    if len(word) > 1 and word.isupper():
        return word[-1] in _LETTER_CONSONANT  # an acronym, read letter by letter
    w = word.lower()
    if len(w) == 1:
        return w.upper() in _LETTER_CONSONANT
    # m, n, ng, l and a short-vowel k/c/p/t (Clinic 클리닉, Lab 랩, Kit 킷) end in a consonant; the rest
    # (vowels, r, s, x, z, f, v, ch, sh, silent e after them, most b/d/g/t clusters) take a 으 or a vowel.
    if w.endswith(_CONSONANT_ENDINGS):
        return True
    if w.endswith(("ine", "one", "ane", "ume")):  # Medicine 메디신, Biome 바이옴: the e is silent
        return True
    return w.endswith(("et", "it", "at", "ot", "ut")) and not w.endswith(("ght", "rt", "st"))


def ends_in_consonant(word: str) -> bool | None:
    """Whether ``word`` read aloud ends in a consonant; None when it cannot be told (no letter or digit)."""
    text = word.rstrip(" .,'\"’”」")
    while True:
        stripped = _TRAILING_PAREN.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
    for ch in reversed(text):
        if "가" <= ch <= "힣":
            return bool((ord(ch) - 0xAC00) % 28)
        if ch in _DIGIT_CONSONANT:
            return _DIGIT_CONSONANT[ch]
        if ch.isascii() and ch.isalpha():
            latin = _LATIN_WORD.search(text[: text.rfind(ch) + 1])
            return _latin_ends_in_consonant(latin.group(0) if latin else ch)
        if ch.isspace() or ch in "·-–—/":
            continue
        if ch.isalnum():
            return None  # another script: cannot tell
    return None


def josa(word: str, pair: str) -> str:
    """``word`` followed by the right form of ``pair`` ("이/가", "은/는", "을/를", "과/와", "이다")."""
    after_consonant, after_vowel = PAIRS[pair]
    final = ends_in_consonant(word)
    if final is None:
        return f"{word}{'(' + after_consonant[0] + ')' + after_vowel if pair != '과/와' else '과(와)'}"
    return word + (after_consonant if final else after_vowel)
