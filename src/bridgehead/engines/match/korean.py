"""Korean particles (조사) after any word a reason writes: Hangul, digits, Latin names and acronyms.

A particle's form depends on whether the word *as read aloud* ends in a consonant (받침): 이/가, 은/는,
을/를, 과/와, 으로/로. Hangul is exact; a parenthesis at the end is transparent, as Korean writes it
("위탁생산(CDMO)을"); numbers are read in Sino-Korean with their place words (3 삼 → 이, 2 이 → 가, 10 십 → 이,
20,000 이만 → 이, 1조 → 가); ㄹ takes 로 like a vowel (서울로); an acronym is read letter by
letter (FDA 에프디에이 → 가, UCSD 유시에스디 → 가, IBM 아이비엠 → 이); a Latin word by a pronunciation guess of
its ending (Scripps 스크립스 → 가, Genentech 제넨텍 → 이, Clinic 클리닉 → 이, Bio 바이오 → 가). Only a word with
none of these (a symbol) falls back on the "(이)가" form. The outcome brief uses the same rule (outcomes/brief.py).
"""

from __future__ import annotations

import re

#: The final sound (받침) of each Sino-Korean digit reading — 영 일 이 삼 사 오 육 칠 팔 구: "L" is ㄹ (it takes
#: 로, not 으로), "C" another consonant, "" none.
_DIGIT_FINAL = {"0": "C", "1": "L", "2": "", "3": "C", "4": "", "5": "", "6": "C", "7": "L", "8": "L", "9": ""}
#: Letter names read in Korean: L 엘, R 알 end in ㄹ; M 엠, N 엔 in another consonant; the others (에이, 비 …) in none.
_LETTER_FINAL = {"L": "L", "R": "L", "M": "C", "N": "C"}
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
    "으로/로": ("으로", "로"),  # after ㄹ as after a vowel: 서울로, 산업으로
}


def _latin_final(word: str) -> str:
    """Guess the final sound of an English-spelt word read the Korean way ("L", "C" or "")."""
    if (len(word) > 1 and word.isupper()) or len(word) == 1:
        return _LETTER_FINAL.get(word[-1].upper(), "")  # an acronym, read letter by letter
    w = word.lower()
    # m, n, ng, l and a short-vowel k/c/p/t (Clinic 클리닉, Lab 랩, Kit 킷) end in a consonant; the rest
    # (vowels, r, s, x, z, f, v, ch, sh, silent e after them, most b/d/g/t clusters) take a 으 or a vowel.
    if w.endswith("l"):
        return "L"
    if w.endswith(_CONSONANT_ENDINGS):
        return "C"
    if w.endswith(("ine", "one", "ane", "ume")):  # Medicine 메디신, Biome 바이옴: the e is silent
        return "C"
    return "C" if w.endswith(("et", "it", "at", "ot", "ut")) and not w.endswith(("ght", "rt", "st")) else ""


def _number_final(digits: str) -> str:
    """The final sound of a number as read aloud: the last non-zero digit, or the place word its trailing
    zeros make — 십(10), 백(100), 천(1,000), 만(10⁴…10⁷), 억(10⁸…10¹¹), 조(10¹²…): 20 이십 → C, 9 구 → ""."""
    if "." in digits:
        return _DIGIT_FINAL[digits.rstrip(".")[-1]]
    digits = digits.replace(",", "").lstrip("0")
    if not digits:
        return "C"  # 영
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros == 0:
        return _DIGIT_FINAL[digits[-1]]
    if zeros < 12:
        return "C"  # 십, 백, 천, 만, 억
    return "" if zeros < 16 else "C"  # 조, 경


def final_sound(word: str) -> str | None:
    """The final sound of ``word`` as read aloud — "L" (ㄹ), "C" (another consonant), "" (a vowel) — or None
    when it cannot be told (no letter or digit). A parenthetical remark, closing quotes and brackets at the
    end are skipped, as Korean attaches the particle to the word before them ("벤처캐피털(사명 미공개)과")."""
    text = word.rstrip(" .,'\"’”」』")
    while True:
        stripped = _TRAILING_PAREN.sub("", text)
        if stripped == text or not stripped:
            break
        text = stripped
    for index in range(len(text) - 1, -1, -1):
        ch = text[index]
        if ch == "%":
            return ""  # 퍼센트
        if "가" <= ch <= "힣":
            jong = (ord(ch) - 0xAC00) % 28
            return "" if jong == 0 else ("L" if jong == 8 else "C")
        if ch.isascii() and ch.isdigit():
            start = index
            while start > 0 and (text[start - 1].isdigit() or text[start - 1] in ",."):
                start -= 1
            return _number_final(text[start : index + 1].lstrip(",."))
        if ch.isascii() and ch.isalpha():
            latin = _LATIN_WORD.search(text[: index + 1])
            return _latin_final(latin.group(0) if latin else ch)
        if ch.isspace() or ch in "·-–—/」』)]":
            continue
        if ch.isalnum():
            return None  # another script: cannot tell
    return None


def ends_in_consonant(word: str) -> bool | None:
    """Whether ``word`` read aloud ends in a consonant; None when it cannot be told (no letter or digit)."""
    final = final_sound(word)
    return None if final is None else final != ""


def josa(word: str, pair: str) -> str:
    """``word`` followed by the right form of ``pair`` ("이/가", "은/는", "을/를", "과/와", "이다")."""
    after_consonant, after_vowel = PAIRS[pair]
    sound = final_sound(word)
    final = None if sound is None else (sound == "C" if pair == "으로/로" else sound != "")
    if final is None:
        return f"{word}{'(' + after_consonant[0] + ')' + after_vowel if pair != '과/와' else '과(와)'}"
    return word + (after_consonant if final else after_vowel)
