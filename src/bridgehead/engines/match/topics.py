"""Topics: what a product is about and what a partner is interested in, as bilingual domain terms.

The second half of a fit — the partner wants *this kind of product* — is a matter of topic: a San Diego
investor "scouting point-of-care diagnostic devices" and an Ulsan startup that "makes a 현장형 분자진단
키트". A multilingual sentence encoder gets this only roughly across languages for domain terms (the
static USE scores "point-of-care tests" against "현장진단" at 0.18, below unrelated pairs), and the
declared sectors are coarse (a diagnostics kit and an adherence device are both ``medtech.devices``).
So, as :mod:`.intents` does for needs and capabilities, the engine keeps a small bilingual glossary of
topics in bio, medtech and digital health — diseases and body systems, modalities, technologies, care
settings and user groups — written from the field's vocabulary, not from any evaluation set, and
recognises them in free text (English on lower-cased words, Korean on surface forms: Korean nouns do
not inflect and particles follow them, so a substring is the noun).

A profile's *interest* topics come from its seeks text and its *product* topics from its offers text;
the pair feature (:mod:`.affinity`) is the cosine of the indicator vectors — a bilinear form, so it also
works in the two-stage shortlist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

#: code → (English patterns, Korean patterns). English patterns are regular expressions on lower-cased
#: text; Korean ones are plain substrings unless they contain regex syntax.
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "oncology": (
        (
            r"\bcancers?\b",
            r"\btumou?rs?\b",
            r"\boncolog",
            r"\bcarcinoma",
            r"\bmetasta",
            r"\bradiation (therapy|oncology|treatment)",
            r"\bradiotherap",
        ),
        (
            "종양",
            "항암",
            "폐암",
            "간암",
            "위암",
            "유방암",
            "대장암",
            "전립선암",
            "췌장암",
            "전이암",
            "암 조기",
            "암을",
            "암세포",
            "암 진단",
            "암 환자",
            "방사선 치료",
            "방사선치료",
        ),
    ),
    "liquid_biopsy": (
        (
            r"\bliquid biops",
            r"\bcell-free dna\b",
            r"\bctdna\b",
        ),
        (
            "액체생검",
            "혈액 기반 암",
        ),
    ),
    "genomics": (
        (
            r"\bgenom",
            r"\bsequencing\b",
            r"\bdna\b",
            r"\bgenetic (test|analysis|risk)",
            r"\bexome\b",
        ),
        (
            "유전체",
            "시퀀싱",
            "유전자 검사",
            "유전자 분석",
            "유전 정보",
        ),
    ),
    "precision_medicine": (
        (
            r"\bprecision medicine\b",
            r"\bpersonali[sz]ed medicine\b",
            r"\bpharmacogenom",
            r"\bdrug response",
        ),
        (
            "정밀의료",
            "맞춤 의료",
            "약물 반응",
            "맞춤형 치료",
        ),
    ),
    "cell_gene_therapy": (
        (
            r"\bcell therap",
            r"\bgene therap",
            r"\bcar-t\b",
            r"\bcart\b",
            r"\bcrispr\b",
            r"\bgene editing\b",
            r"\badvanced therap",
        ),
        (
            "세포치료",
            "세포 치료",
            "유전자치료",
            "유전자 치료",
            "유전자 편집",
            "첨단바이오",
            "첨단 치료",
        ),
    ),
    "antibody": (
        (
            r"\bantibod",
            r"\bbiologics?\b",
            r"\bbispecific",
            r"\badc\b",
        ),
        (
            "항체",
            "바이오의약품",
            "이중항체",
        ),
    ),
    "small_molecule": (
        (r"\bsmall[- ]molecule",),
        (
            "저분자",
            "합성신약",
        ),
    ),
    "drug_delivery": (
        (
            r"\bmrna\b",
            r"\brna\b",
            r"\blipid nanoparticle",
            r"\blnps?\b",
            r"\bdrug delivery\b",
            r"\bdelivery (technology|platform)",
            r"\boral delivery\b",
            r"\bformulations?\b",
            r"\bto deliver\b",
        ),
        (
            "mrna",
            "rna",
            "지질나노입자",
            "약물전달",
            "약물 전달",
            "전달체",
            "제형",
        ),
    ),
    "microbiome": (
        (
            r"\bmicrobiom",
            r"\bgut bacteria",
            r"\bprobiotic",
        ),
        (
            "마이크로바이옴",
            "장내 미생물",
            "미생물 균주",
            "프로바이오틱",
        ),
    ),
    "vaccine": ((r"\bvaccin",), ("백신",)),
    "infection": (
        (
            r"\binfect",
            r"\bsepsis\b",
            r"\bseptic\b",
            r"\bantimicrobial",
            r"\bantibiotic",
            r"\bpathogen",
            r"\bviral\b",
        ),
        (
            "감염",
            "패혈증",
            "항생제",
            "병원체",
            "바이러스",
        ),
    ),
    "point_of_care": (
        (
            r"\bpoint[- ]of[- ]care\b",
            r"\brapid (test|diagnos)",
            r"\bat-home test",
            r"\bhome test",
            r"\btest kits?\b",
            r"\bmolecular test",
        ),
        (
            "현장진단",
            "현장형",
            "신속 진단",
            "신속진단",
            "진단 키트",
            "진단키트",
            "분자진단",
            "체외진단",
            "자가 검사",
            "가정용 검사",
            "검사 키트",
            "검사키트",
            "채혈",
        ),
    ),
    "diagnostics": (
        (
            r"\bdiagnos",
            r"\bdetects?\b",
            r"\bdetection\b",
            r"\bscreening\b",
            r"\bbiomarker",
        ),
        (
            "진단",
            "검출",
            "감지",
            "판별",
            "선별 검사",
            "바이오마커",
        ),
    ),
    "imaging": (
        (
            r"\bimaging\b",
            r"\bradiolog",
            r"\bx-ray",
            r"\bct\b",
            r"\bmri\b",
            r"\bscans?\b",
            r"\bimage reading\b",
            r"\bmedical images?\b",
        ),
        (
            "영상",
            "엑스레이",
            "x선",
            "ct",
            "mri",
            "판독",
        ),
    ),
    "ultrasound": (
        (
            r"\bultrasound\b",
            r"\bsonograph",
        ),
        ("초음파",),
    ),
    "pathology": (
        (
            r"\bpatholog",
            r"\bslides?\b",
            r"\bhistolog",
            r"\bbiopsy slides?\b",
        ),
        (
            "병리",
            "슬라이드",
            "조직 검사",
        ),
    ),
    "ai": (
        (
            r"\bai\b",
            r"\bartificial intelligence\b",
            r"\bmachine learning\b",
            r"\bdeep learning\b",
            r"\balgorithms?\b",
        ),
        (
            "인공지능",
            "ai",
            "머신러닝",
            "딥러닝",
            "알고리즘",
        ),
    ),
    "wearable": (
        (
            r"\bwearables?\b",
            r"\bwrist",
            r"\bsmartwatch",
            r"\bpatch(es)?\b",
            r"\bworn\b",
            r"\bheadbands?\b",
            r"\binsoles?\b",
        ),
        (
            "웨어러블",
            "착용",
            "손목",
            "패치",
            "목걸이형",
            "머리띠",
            "깔창",
        ),
    ),
    "cardiac": (
        (
            r"\bcardi",
            r"\bheart\b",
            r"\becg\b",
            r"\bekg\b",
            r"\barrhythm",
            r"\batrial fibrillation\b",
            r"\bblood pressure\b",
            r"\bhypertension\b",
        ),
        (
            "심장",
            "심전도",
            "부정맥",
            "심방세동",
            "혈압",
            "심혈관",
            "심부전",
        ),
    ),
    "diabetes": (
        (
            r"\bdiabet",
            r"\bglucose\b",
            r"\binsulin\b",
            r"\bcgm\b",
        ),
        (
            "당뇨",
            "혈당",
            "인슐린",
        ),
    ),
    "adherence": (
        (
            r"\badherence\b",
            r"\bdoses?\b",
            r"\bpill",
            r"\bmedication (management|reminder)",
        ),
        (
            "복약",
            "투약",
            "복용",
            "약 먹",
        ),
    ),
    "remote_monitoring": (
        (
            r"\bremote (patient )?monitoring\b",
            r"\bhome monitoring\b",
            r"\btelemonitor",
            r"\bmonitors?\b",
            r"\bmonitoring\b",
        ),
        (
            "원격 모니터링",
            "재택 모니터링",
            "모니터링",
            "원격 환자",
        ),
    ),
    "telemedicine": (
        (
            r"\btele(medicine|health)\b",
            r"\bvirtual care\b",
            r"\bremote consult",
            r"\bvideo visits?\b",
        ),
        (
            "원격의료",
            "원격진료",
            "원격 진료",
            "비대면 진료",
        ),
    ),
    "mental_health": (
        (
            r"\bmental health\b",
            r"\bdepress",
            r"\banxiety\b",
            r"\bpanic\b",
            r"\bpsychiatr",
            r"\bcognitive[- ]behaviou?r",
            r"\bcbt\b",
            r"\bstress\b",
            r"\bburnout\b",
        ),
        (
            "정신건강",
            "정신 건강",
            "우울",
            "불안",
            "공황",
            "인지행동",
            "정신과",
            "스트레스",
            "마음 건강",
        ),
    ),
    "digital_therapeutics": (
        (
            r"\bdigital therapeut",
            r"\bdtx\b",
            r"\bprescription app",
        ),
        (
            "디지털 치료",
            "디지털치료",
        ),
    ),
    "sleep": (
        (
            r"\bsleep",
            r"\bapno?ea\b",
            r"\binsomnia\b",
        ),
        (
            "수면",
            "무호흡",
            "불면",
            "코골이",
        ),
    ),
    "neurology": (
        (
            r"\bstroke\b",
            r"\bneuro",
            r"\bbrain\b",
            r"\bdementia\b",
            r"\balzheimer",
            r"\bparkinson",
            r"\bepilep",
            r"\bcognitive decline",
            r"\beeg\b",
            r"\bcerebral palsy\b",
        ),
        (
            "뇌졸중",
            "뇌질환",
            "뇌 ",
            "신경",
            "치매",
            "알츠하이머",
            "파킨슨",
            "뇌전증",
            "인지 저하",
            "편마비",
            "뇌파",
            "뇌성마비",
        ),
    ),
    "rehabilitation": (
        (
            r"\brehabilitat",
            r"\bphysiotherap",
            r"\bphysical therap",
            r"\bexoskeleton",
        ),
        (
            "재활",
            "물리치료",
            "외골격",
        ),
    ),
    "robotics": (
        (
            r"\brobot",
            r"\bautomat",
        ),
        (
            "로봇",
            "로보틱스",
            "자동화",
        ),
    ),
    "surgery": (
        (
            r"\bsurg",
            r"\boperating (room|theatre)",
            r"\blaparoscop",
            r"\bminimally invasive\b",
            r"\bsutur",
            r"\bnavigation\b",
            r"\bendoscop",
        ),
        (
            "수술",
            "복강경",
            "최소침습",
            "봉합",
            "내비게이션",
            "내시경",
        ),
    ),
    "orthopaedics": (
        (
            r"\bspin(e|al)\b",
            r"\borthop",
            r"\bbones?\b",
            r"\bjoint (pain|replacement|disease)",
            r"\bknee",
            r"\bhip\b",
            r"\bfractur",
        ),
        (
            "척추",
            "정형",
            "뼈",
            "관절",
            "무릎",
            "골절",
        ),
    ),
    "dental": (
        (
            r"\bdental\b",
            r"\bdentist",
            r"\bteeth\b",
            r"\btooth\b",
            r"\borthodont",
            r"\bprosthes",
        ),
        (
            "치과",
            "치아",
            "교정",
            "보철",
            "임플란트",
        ),
    ),
    "printing_3d": (
        (
            r"\b3d[- ]print",
            r"\badditive manufactur",
        ),
        (
            "3d 프린팅",
            "3d프린팅",
            "3d 프린터",
            "적층 제조",
        ),
    ),
    "implantable": (
        (
            r"\bimplantabl",
            r"\bimplants?\b",
        ),
        (
            "이식형",
            "삽입형",
            "체내 삽입",
            "임플란트",
        ),
    ),
    "batteries": (
        (
            r"\bbatter(y|ies)\b",
            r"\benergy storage\b",
        ),
        (
            "배터리",
            "이차전지",
            "전지",
        ),
    ),
    "ageing": (
        (
            r"\belderly\b",
            r"\bolder (adults|people)\b",
            r"\bageing\b",
            r"\baging\b",
            r"\bseniors?\b",
            r"\bfalls?\b",
            r"\bnursing homes?\b",
            r"\bcare homes?\b",
        ),
        (
            "노인",
            "어르신",
            "고령",
            "낙상",
            "요양",
            "돌봄",
        ),
    ),
    "womens_health": (
        (
            r"\bwomen'?s health\b",
            r"\bfertility\b",
            r"\bpregnan",
            r"\bmaternal\b",
            r"\bmenstrua",
            r"\bivf\b",
            r"\bmenopaus",
            r"\bpost-?partum\b",
            r"\bnew mothers\b",
        ),
        (
            "여성 건강",
            "난임",
            "임신",
            "산모",
            "생리",
            "갱년기",
            "출산",
            "산후",
        ),
    ),
    "paediatrics": (
        (
            r"\bchild",
            r"\bpediatric",
            r"\bpaediatric",
            r"\badolescen",
            r"\bteen",
            r"\binfants?\b",
            r"\bnewborn",
            r"\byouth\b",
        ),
        (
            "소아",
            "아동",
            "청소년",
            "영유아",
            "신생아",
            "어린이",
            "아이들",
            "아기",
        ),
    ),
    "ophthalmology": (
        (
            r"\beyes?\b",
            r"\bophthalm",
            r"\bretina",
            r"\bvision\b",
            r"\bglaucoma\b",
            r"\bmacular\b",
        ),
        (
            "안과",
            "망막",
            "시력",
            "녹내장",
            "안질환",
            "황반",
        ),
    ),
    "dermatology": (
        (
            r"\bskin\b",
            r"\bdermat",
            r"\batopic\b",
            r"\beczema\b",
            r"\bwound",
            r"\bpsoriasis\b",
        ),
        (
            "피부",
            "아토피",
            "상처",
            "건선",
        ),
    ),
    "respiratory": (
        (
            r"\blungs?\b",
            r"\brespirat",
            r"\basthma\b",
            r"\bcopd\b",
            r"\bpulmonar",
            r"\bbreath",
        ),
        (
            "폐",
            "호흡",
            "천식",
        ),
    ),
    "kidney_liver": (
        (
            r"\bkidney",
            r"\brenal\b",
            r"\bdialysis\b",
            r"\bliver\b",
            r"\bhepat",
            r"\bnephrolog",
        ),
        (
            "신장",
            "투석",
            "간질환",
            "간 질환",
            "간경변",
            "지방간",
            "콩팥",
        ),
    ),
    "gastro": (
        (
            r"\bbowel\b",
            r"\bgut\b",
            r"\bcolitis\b",
            r"\bcrohn",
            r"\bgastro",
            r"\bdigestive\b",
            r"\bendoscop",
            r"\bcolonoscop",
        ),
        (
            "장질환",
            "장염",
            "위장",
            "소화기",
            "대장",
            "위내시경",
            "대장내시경",
            "위암",
        ),
    ),
    "hearing": (
        (
            r"\bhearing\b",
            r"\baudiolog",
            r"\btinnitus\b",
        ),
        (
            "청력",
            "보청기",
            "난청",
            "이명",
        ),
    ),
    "immunology": (
        (
            r"\bautoimmun",
            r"\binflammat",
            r"\bimmun",
            r"\ballerg",
        ),
        (
            "면역",
            "염증",
            "알레르기",
            "알러지",
        ),
    ),
    "metabolic": (
        (
            r"\bobes",
            r"\bmetabolic\b",
            r"\bweight (loss|management)\b",
        ),
        (
            "비만",
            "대사",
        ),
    ),
    "synbio": (
        (
            r"\bsynthetic biolog",
            r"\bfermentation\b",
            r"\bbiomanufactur",
            r"\benzymes?\b",
            r"\bbio-based\b",
            r"\bfeedstock",
        ),
        (
            "합성생물학",
            "발효",
            "효소",
            "바이오 기반",
            "원료",
        ),
    ),
    "health_data": (
        (
            r"\behr\b",
            r"\belectronic (health|medical) records?\b",
            r"\bhealth data\b",
            r"\binteroperab",
            r"\breal-world (evidence|data)\b",
            r"\bcommon data model\b",
            r"\bpatient records\b",
        ),
        (
            "의무기록",
            "의료 데이터",
            "의료데이터",
            "실사용 데이터",
            "데이터 표준",
            "공통 데이터 모델",
            "건강 데이터",
        ),
    ),
    "mobile": (
        (
            r"\bsmartphones?\b",
            r"\bmobile\b",
            r"\bapps?\b",
        ),
        (
            "스마트폰",
            "모바일",
            "앱",
        ),
    ),
    "sensors": (
        (
            r"\bsensors?\b",
            r"\bradar\b",
            r"\bcontactless\b",
            r"\bnon-contact\b",
        ),
        (
            "센서",
            "레이더",
            "비접촉",
        ),
    ),
    "emergency_care": (
        (
            r"\bemergency\b",
            r"\bicu\b",
            r"\bintensive care\b",
            r"\bcritical care\b",
            r"\btriage\b",
        ),
        (
            "응급",
            "중환자",
            "집중치료",
        ),
    ),
    "nutrition": (
        (
            r"\bnutrition",
            r"\bdiet(s|ary)?\b",
            r"\bfood\b",
            r"\bmeals?\b",
        ),
        (
            "식단",
            "영양",
            "식이",
            "음식",
            "식품",
        ),
    ),
    "veterinary": (
        (
            r"\bveterinar",
            r"\banimal (health|hospitals?)\b",
            r"\bdogs?\b",
            r"\bcats?\b",
            r"\bpets?\b",
        ),
        (
            "반려",
            "동물",
            "수의",
        ),
    ),
    "xr_games": (
        (
            r"\bvr\b",
            r"\bvirtual reality\b",
            r"\baugmented reality\b",
            r"\bgam(e|es|ing|ified)\b",
        ),
        (
            "vr",
            "가상현실",
            "증강현실",
            "게임",
        ),
    ),
}
CODES: tuple[str, ...] = tuple(TOPICS)
INDEX: dict[str, int] = {c: i for i, c in enumerate(CODES)}
_META = set("\\()[]{}?*+|^$.")


def _ko(pattern: str) -> str:
    """A Korean-list term as a regex; Latin letters inside Korean text ("AI를", "CT 영상") are bounded by
    non-letters on their Latin side only (Korean particles follow them directly)."""
    out = pattern if any(ch in _META for ch in pattern) else re.escape(pattern)
    if pattern[:1].isascii() and pattern[:1].isalnum():
        out = "(?<![a-z0-9])" + out
    if pattern[-1:].isascii() and pattern[-1:].isalnum():
        out += "(?![a-z])"
    return out


_TOKEN = re.compile(r"[a-z0-9]+|[가-힣]+")
_LATIN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[re.Pattern[str], ...], dict[str, frozenset[int]], dict[str, frozenset[int]]]:
    """(one regex per topic, Latin word-prefix keys → topics, Korean 1–2-syllable keys → topics).

    Every term starts with a literal: English terms with a word's beginning, Korean ones with a syllable
    or two anywhere inside a word ("진단" in "분자진단을"). Looking a text's words and syllables up in
    these dicts finds the few topics worth a regex search — ~20× faster than testing every term.
    """
    from .intents import _anchor  # the same literal-prefix rule as the intents' patterns

    regexes = []
    latin: dict[str, set[int]] = {}
    korean: dict[str, set[int]] = {}
    for i, (en, ko) in enumerate(TOPICS.values()):
        regexes.append(
            re.compile("|".join(f"(?:{p.lower()})" for p in en) + "|" + "|".join(_ko(p.lower()) for p in ko))
        )
        for term in [_anchor(p.lower()) for p in en] + [p.lower() for p in ko]:
            head = _LATIN.match(term)
            if head:
                latin.setdefault(head.group(), set()).add(i)
            elif term and "가" <= term[0] <= "힣":
                korean.setdefault(term[: 2 if len(term) > 1 and "가" <= term[1] <= "힣" else 1], set()).add(i)
            else:  # pragma: no cover - every term in TOPICS starts with a letter or a syllable
                raise ValueError(f"topic term without a literal start: {term!r}")
    return (
        tuple(regexes),
        {k: frozenset(v) for k, v in latin.items()},
        {k: frozenset(v) for k, v in korean.items()},
    )


@lru_cache(maxsize=200_000)
def _token_keys(tok: str) -> tuple[tuple[int, int], ...]:
    """(topic, offset in the token) where a term of the topic may start: a Latin word's prefixes, or a
    Korean word's syllables and syllable pairs, looked up in the index. Cached per distinct word, since
    profile texts share most of their words."""
    _, latin, korean = _index()
    out: list[tuple[int, int]] = []
    if tok[0] < "가":
        for k in range(1, len(tok) + 1):
            out.extend((i, 0) for i in latin.get(tok[:k], ()))
    else:
        for j in range(len(tok)):
            for key in (tok[j], tok[j : j + 2]):
                out.extend((i, j) for i in korean.get(key, ()))
    return tuple(dict.fromkeys(out))


def recognise(text: str) -> set[str]:
    """Topics named in ``text`` (either language). Each term begins at a word (Latin) or a syllable
    (Korean) whose key is in the index, so the topic's regex is tried there only (``match`` at that
    position, not a ``search`` through the text)."""
    low = text.lower()
    regexes = _index()[0]
    found: set[int] = set()
    for m in _TOKEN.finditer(low):
        keys = _token_keys(m.group())
        if keys:
            start = m.start()
            for i, offset in keys:
                if i not in found and regexes[i].match(low, start + offset):
                    found.add(i)
    return {CODES[i] for i in found}


def topic_matrix(texts: Sequence[str]) -> np.ndarray:
    """(n, len(CODES)) float32: each text's topics as an L2-normalised indicator row (zero if none), so a
    dot product of two rows is the cosine of their topic sets."""
    out = np.zeros((len(texts), len(CODES)), dtype=np.float32)
    for i, text in enumerate(texts):
        for code in recognise(text):
            out[i, INDEX[code]] = 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms
