"""Intents: what a participant is looking for and what it offers, as partnering organisers name them.

A good partner fits *both halves*: it offers what you look for, and it wants what you offer. Sentence
encoders score topical closeness, which finds the second half ("they look for cardiac wearables; you make
one") but blurs the first ("you need a contract manufacturer; they run GMP plants"). So the engine keeps
a small bilingual vocabulary of needs and capabilities for bio and digital health — the "looking for /
offering" pairs that Brella and b2match organisers define — and recognises them in Korean and English
free text. A participant may also set them as tags on their profile; tags and recognised intents are
combined.

Recognition is a bilingual lexicon over sentences (English on lower-cased words, Korean on surface forms
— Korean nouns do not inflect and particles only follow them, so "투자를", "투자자" and "투자 유치" all
contain the stem), with direction-specific patterns where the same word means opposite things ("we
invest" offers investment; "we are raising" seeks it). Every recognised intent keeps the sentence it was
found in, verbatim from the field it came from, so a reason can quote a seek as a seek. Optionally the
encoder adds intents for sentences the lexicon missed, by similarity to each intent's bilingual
descriptions (:func:`encoder_intents`); the benchmark reports whether that pays (docs/engines/match.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Intent:
    """One need/capability. ``seek``/``offer`` are regular expressions (case-insensitive) matched on a
    sentence of the seeks / offers text; ``need`` and ``capability`` name it in reasons (ko, en)."""

    code: str
    label: tuple[str, str]
    need: tuple[str, str]
    capability: tuple[str, str]
    seek: tuple[str, ...]
    offer: tuple[str, ...]
    descriptions: tuple[str, ...]  # for the encoder: bilingual sentences that state the intent


INTENTS: tuple[Intent, ...] = (
    Intent(
        "investment",
        ("투자", "Investment"),
        ("투자 유치", "investment"),
        ("투자", "investment"),
        seek=(
            r"\binvestors?\b",
            r"\binvestment\b",
            r"\bfunding\b",
            r"\braising\b",
            r"\braise\b",
            r"\bcapital\b",
            r"\bseries [abc]\b",
            r"\bseed (round|funding|money|capital|investment)",
            r"\bfundrais",
            r"투자",
            r"펀딩",
            r"자금",
            r"시리즈 ?[ABC]",
            r"시드 ?(라운드|자금|투자)",
        ),
        offer=(
            r"\bwe invest",
            r"\binvests?\b",
            r"\bfunding\b",
            r"\bventure capital",
            r"\bvc\b",
            r"\bfund\b",
            r"\bseed (investment|capital|money)",
            r"\bseries [abc] (investment|capital|funding)",
            r"\bcheques?\b",
            r"\blead (our |the )?(seed|series)",
            r"\blead and join\b",
            r"\bjoin and lead\b",
            r"\bwe (usually |typically |often )?lead\b",
            r"\btickets?\b",
            r"\bseed investors?\b",
            r"\blead investors?\b",
            r"\bangel investors?\b",
            r"\bstage investors?\b",
            r"\bseries [abc] (lead )?investors?\b",
            r"\bgrowth (capital|investment)",
            r"\bfollow-on (capital|investment)",
            r"\binvestments? in\b",
            r"\bportfolio\b",
            r"투자(합니다|를 (주로 )?합니다|하고|하며|해 ?왔|해 ?드립|를 집행)",
            r"벤처캐피[탈털]",
            r"투자사",
            r"투자 ?기관",
            r"성장 자본",
            r"후속 투자",
            r"라운드를 리드",
            r"엔젤",
        ),
        descriptions=(
            "We are raising a funding round from investors.",
            "We invest in startups as a venture capital fund.",
            "투자자를 찾아 투자를 유치하고자 합니다.",
            "벤처캐피털로서 스타트업에 투자합니다.",
        ),
    ),
    Intent(
        "distribution",
        ("유통·판매 채널", "Distribution & sales channels"),
        ("유통·판매 파트너", "a distribution or sales partner"),
        ("유통·판매망", "distribution and sales channels"),
        seek=(
            r"\bdistribut",
            r"\bsales (channel|partner|network|force)",
            r"\bresell",
            r"\bchannel partner",
            r"\bgo-to-market\b",
            r"\bcommerciali[sz]",
            r"\bsell (into|to|in)\b",
            r"유통",
            r"판매",
            r"판로",
            r"영업",
            r"총판",
            r"대리점",
        ),
        offer=(
            r"\bdistribut",
            r"\bsales (channel|partner|network|force|team)",
            r"\bresell",
            r"\bwe sell\b",
            r"\bsales (reps?|representatives?|across|in|into)\b",
            r"\bour reps\b",
            r"\bfield reps\b",
            r"\bour representatives\b",
            r"\bfield force\b",
            r"\blocal sales\b",
            r"\bdirect sales\b",
            r"\bcommerciali[sz]",
            r"\bgo-to-market\b",
            r"\bsupplying\b",
            r"유통",
            # "판매" alone is how a startup says it sells its own product ("장갑을 판매하고 있습니다"):
            # a channel is a network, an agency or selling on someone's behalf.
            r"판매 ?(망|채널|네트워크|조직|대행)",
            r"현지 ?판매",
            r"대신 ?판매",
            r"판매를 (대행|맡)",
            r"판로",
            r"영업",
            r"총판",
            r"공급하는",
        ),
        descriptions=(
            "We need a distributor or sales channel to sell our product.",
            "We distribute medical products to hospitals through our sales network.",
            "제품을 판매할 유통 파트너와 판로가 필요합니다.",
            "병원에 의료기기를 공급하는 유통망과 영업 조직이 있습니다.",
        ),
    ),
    Intent(
        "clinical_trials",
        ("임상시험 기관", "Clinical trial sites"),
        ("임상시험을 맡아 줄 기관", "clinical trial sites"),
        ("임상시험 수행", "clinical trials"),
        seek=(
            r"\bclinical (trial|stud|validation|evidence)",
            r"\btrial sites?\b",
            r"\bmulti-?cent(re|er)",
            r"\bmulti-?site\b",
            r"\btrials?\b",
            r"\bpatient recruitment\b",
            r"\brecruit patients\b",
            r"\binvestigators?\b",
            r"임상시험",
            r"임상 ?시험",
            r"임상 ?연구",
            r"다기관",
            r"환자 ?모집",
            r"확증 ?임상",
            r"임상을",
        ),
        offer=(
            r"\bclinical (trial|stud|research)",
            r"\btrial (centre|center|unit|sites?)",
            r"\btrials\b",
            r"\bmulti-?site\b",
            r"\bpatient recruitment\b",
            r"\btrial design\b",
            r"\bcro\b",
            r"\bprincipal investigators?\b",
            r"임상시험",
            r"임상 ?시험",
            r"임상 ?연구",
            r"환자 ?모집",
            r"임상시험센터",
        ),
        descriptions=(
            "We are looking for hospitals to run our clinical trial.",
            "Our clinical trial centre runs trials from design to patient recruitment.",
            "임상시험을 진행할 병원을 찾고 있습니다.",
            "임상시험 설계부터 환자 모집까지 지원합니다.",
        ),
    ),
    Intent(
        "pilot",
        ("실증·파일럿", "Pilots & validation sites"),
        ("실증(파일럿) 현장", "a pilot site or first customers"),
        ("실증 현장과 도입", "pilot sites and real-world validation"),
        seek=(
            r"\bpilot(?!\s+(lots?|batch|batches|runs?|scale|plants?|production))",
            r"\btest ?bed",
            r"\bvalidat",
            r"\breal[- ]world (setting|use|deployment)",
            r"\bclinical settings?\b",
            r"\bfirst customers?\b",
            r"\bearly adopters?\b",
            r"\bproof of concept\b",
            r"\bpoc\b",
            r"\bdeploy",
            r"실증",
            r"파일럿",
            r"테스트베드",
            r"검증",
            r"도입",
            r"첫 고객",
            r"시범",
        ),
        offer=(
            r"\bpilot(?!\s+(lots?|batch|batches|runs?|scale|plants?|production))",
            r"\btest ?bed",
            r"\bvalidat",
            r"\bin daily practice\b",
            r"\breal[- ](world )?care\b",
            r"\btests? new\b",
            r"\bon our wards\b",
            r"\bearly adopter",
            r"\bdeploy",
            r"\badopt",
            r"실증",
            r"파일럿",
            r"테스트베드",
            r"검증",
            r"도입(?!해)",
            r"시범",
        ),
        descriptions=(
            "We want to pilot our product in a hospital and validate it in real clinical use.",
            "We run a testbed where new technology can be piloted and validated by our clinicians.",
            "병원에서 제품을 실증하고 검증받고 싶습니다.",
            "신기술을 병동에서 실증할 수 있는 테스트베드를 운영합니다.",
        ),
    ),
    Intent(
        "regulatory",
        ("인허가(FDA·식약처)", "Regulatory (FDA/MFDS)"),
        ("인허가(FDA·식약처) 지원", "regulatory support (FDA/MFDS)"),
        ("인허가 지원", "regulatory support"),
        seek=(
            r"\bfda\b",
            r"\bmfds\b",
            r"\bpmda\b",
            r"\bnmpa\b",
            r"\b510\(k\)",
            r"\bde novo\b",
            r"\bce mark",
            r"\bmdr\b",
            r"\bregulator",
            r"\bapproval\b",
            r"\bclearance\b",
            r"\bsubmission",
            r"\bregistration\b",
            r"인허가",
            r"허가",
            r"식약처",
            r"규제",
            r"FDA",
            r"승인",
            r"등록",
        ),
        offer=(
            r"\bfda\b",
            r"\bmfds\b",
            r"\bpmda\b",
            r"\bnmpa\b",
            r"\b510\(k\)",
            r"\bde novo\b",
            r"\bce mark",
            r"\bregulator",
            r"\bapproval\b",
            r"\bclearance\b",
            r"\bsubmission",
            r"\bregistration\b",
            r"인허가",
            r"허가",
            r"식약처",
            r"규제",
            r"FDA",
            r"승인",
        ),
        descriptions=(
            "We need help with FDA or MFDS regulatory approval.",
            "We guide companies through FDA and MFDS regulatory submissions.",
            "FDA나 식약처 인허가를 도와줄 전문가가 필요합니다.",
            "FDA와 식약처 인허가 전략과 서류 준비를 지원합니다.",
        ),
    ),
    Intent(
        "manufacturing",
        ("위탁생산(CDMO)", "Manufacturing / CDMO"),
        ("위탁생산(CDMO) 파트너", "a contract manufacturer (CDMO)"),
        ("위탁생산(CDMO)", "contract manufacturing (CDMO)"),
        seek=(
            r"\bmanufactur",
            r"\bcdmo\b",
            r"\bcmo\b",
            r"\bgmp\b",
            r"\bscale[- ]?up\b",
            r"\bproduction\b",
            r"\bfoundry\b",
            r"\bfill[- ]finish\b",
            r"위탁 ?생산",
            r"위탁개발생산",
            r"생산",
            r"제조",
            r"양산",
            r"CDMO",
            r"CMO",
            r"GMP",
            r"스케일업",
        ),
        offer=(
            r"\bmanufactur",
            r"\bcdmo\b",
            r"\bcmo\b",
            r"\bgmp\b",
            r"\bproduction\b",
            r"\bplants?\b",
            r"\bfacilit(y|ies)\b",
            r"\bfill[- ]finish\b",
            r"위탁 ?생산",
            r"위탁개발생산",
            # "장비를 생산합니다" is a company making its own product; a capability is a service or a plant.
            r"생산 ?(시설|설비|라인|능력|서비스|대행)",
            r"제조 ?(시설|설비|라인|능력|서비스|대행)",
            r"양산 ?(시설|설비|라인|능력|서비스|대행)",
            r"생산(을|를) (지원|대행|맡)",
            r"제조(를|을) (지원|대행|맡)",
            r"양산(을|를) (지원|대행|맡)",
            r"양산까지",
            r"CDMO",
            r"CMO",
            r"GMP",
            r"공장",
        ),
        descriptions=(
            "We are looking for a contract manufacturer with GMP facilities.",
            "We offer contract development and manufacturing in GMP plants.",
            "GMP 시설을 갖춘 위탁생산 파트너를 찾고 있습니다.",
            "GMP 인증 시설에서 위탁개발생산을 합니다.",
        ),
    ),
    Intent(
        "licensing",
        ("공동개발·기술이전", "Co-development & licensing"),
        ("공동개발·기술이전 파트너", "a co-development or licensing partner"),
        ("공동개발·기술이전", "co-development and licensing"),
        seek=(
            r"\blicens",
            r"\bco-?develop",
            r"\bpartnering (deal|experience)",
            r"\bpharma partner",
            r"\bbig[- ]pharma\b",
            r"\btechnology transfer\b",
            r"\bout-?licens",
            r"\bjoint development\b",
            r"\bstrategic partner",
            r"기술이전",
            r"기술 이전",
            r"라이선스",
            r"라이센스",
            r"공동 ?개발",
            r"제약사",
            r"파트너링",
        ),
        offer=(
            r"\blicens",
            r"\bco-?develop",
            r"\bin-licens",
            r"\bpartnering\b",
            r"\btechnology transfer\b",
            r"\bjoint development\b",
            r"기술이전",
            r"기술 이전",
            r"라이선스",
            r"라이센스",
            r"공동 ?개발",
            r"파트너링",
            r"도입해",
        ),
        descriptions=(
            "We want to license our technology or co-develop it with a pharma partner.",
            "We in-license promising technologies and co-develop them to market.",
            "제약사에 기술이전하거나 공동 개발할 파트너를 찾습니다.",
            "유망 기술을 도입해 공동 개발하고 상용화합니다.",
        ),
    ),
    Intent(
        "data",
        ("임상·의료 데이터", "Clinical & health data"),
        ("임상·의료 데이터", "clinical or health data"),
        ("임상·의료 데이터 제공", "clinical and health data"),
        seek=(
            r"\bdata\b",
            r"\bdatasets?\b",
            r"\behr\b",
            r"\bemr\b",
            r"\bcohort",
            r"\breal[- ]world evidence\b",
            r"\bimages to train\b",
            r"\bpatient records\b",
            r"\bmedical records\b",
            r"\bhealth records\b",
            r"\bclinical records\b",
            r"데이터",
            r"의무기록",
            r"검사 ?기록",
            r"진료 ?기록",
            r"환자 ?기록",
            r"의료 ?기록",
            r"건강 ?기록",
            r"투석 ?기록",
            r"코호트",
            r"실사용",
        ),
        offer=(
            r"\bdata\b",
            r"\bdatasets?\b",
            r"\behr\b",
            r"\bemr\b",
            r"\bcohort",
            r"\bbiobank",
            r"데이터",
            r"의무기록",
            r"코호트",
            r"바이오뱅크",
        ),
        descriptions=(
            "We need access to de-identified clinical data to train our models.",
            "We provide de-identified clinical data and EHR cohorts for research.",
            "모델 학습에 쓸 비식별화 임상 데이터가 필요합니다.",
            "연구 목적의 비식별화 임상 데이터를 제공합니다.",
        ),
    ),
    Intent(
        "talent",
        ("인재", "Talent"),
        ("인재 채용", "talent to hire"),
        ("인재 연결", "talent"),
        seek=(
            r"\bhir(e|ing)\b",
            r"\brecruit(ing)? (engineers|scientists|staff|talent)",
            r"\btalent\b",
            r"\bengineers?\b",
            r"\bco-?founder",
            r"채용",
            r"인재",
            r"인력",
            r"공동 ?창업자",
            r"연구원을 찾",
        ),
        offer=(
            r"\btalent\b",
            r"\bgraduates\b",
            r"\binterns?\b",
            r"\bhiring (support|help)",
            r"\brecruiting\b",
            r"\btraining programs?\b",
            r"\bworkforce\b",
            r"인재",
            r"인력",
            r"졸업생",
            r"인턴",
            r"채용 지원",
            r"교육 프로그램",
        ),
        descriptions=(
            "We are hiring engineers and scientists.",
            "We connect companies with trained graduates and talent.",
            "엔지니어와 연구 인력을 채용하려고 합니다.",
            "기업에 전문 인재와 졸업생을 연결합니다.",
        ),
    ),
    Intent(
        "market_entry",
        ("시장 진출 지원", "Market-entry services"),
        ("시장 진출 지원", "market-entry support"),
        ("시장 진출 지원", "market-entry support"),
        seek=(
            r"\benter(ing)? (the )?\w*\s?markets?\b",
            r"\bto enter\b",
            r"\bmarket entry\b",
            r"\bentry into\b",
            r"\bexpan(d|sion)\b",
            r"\bintroductions?\b",
            r"\bsoft[- ]landing\b",
            r"\bincorporat",
            r"\bus entity\b",
            r"\blocal partner",
            r"\bconnections?\b",
            r"\bnetwork\b",
            r"\becosystem\b",
            r"\bcluster\b",
            r"\baccelerat",
            r"진출",
            r"법인",
            r"자리를? 잡",
            r"현지",
            r"연결(해|이|을|받)",
            r"소개",
            r"네트워크",
            r"생태계",
            r"클러스터",
            r"액셀러",
        ),
        offer=(
            r"\bmarket entry\b",
            r"\bintroductions?\b",
            r"\bsoft[- ]landing\b",
            r"\bincorporat",
            r"\bconnections?\b",
            r"\bconnect\b",
            r"\bnetwork(?<!distribution network)(?<!delivery network)(?<!sales network)s?\b",
            r"\becosystem\b",
            r"\baccelerat",
            r"\boffice space\b",
            r"\bset(ting)? up (in|shop)\b",
            r"\bland in\b",
            r"\blocali[sz]",
            r"진출",
            r"법인 ?설립",
            r"연결(해|합니다|을 지원)",
            r"소개",
            r"네트워크",
            r"생태계",
            r"액셀러",
            r"입주",
            r"현지화",
        ),
        descriptions=(
            "We need introductions and support to enter a new market abroad.",
            "We help foreign companies enter the market with introductions and soft-landing support.",
            "해외 시장 진출을 위해 현지 네트워크와 소개가 필요합니다.",
            "해외 기업의 현지 법인 설립과 시장 진출을 지원합니다.",
        ),
    ),
    Intent(
        "mentoring",
        ("멘토링·사업개발", "Mentoring & business development"),
        ("멘토링과 사업개발 조언", "mentoring and business-development advice"),
        ("멘토링과 사업개발 코칭", "mentoring and business-development coaching"),
        seek=(
            r"\bmentor",
            r"\badvi[cs]",
            r"\bcoach",
            r"\bguidance\b",
            r"\bbusiness development\b",
            r"\bpitch",
            r"\bstrategy\b",
            r"\bexpert\b",
            r"멘토",
            r"조언",
            r"자문",
            r"코칭",
            r"사업개발",
            r"사업 개발",
            r"전략",
            r"전문가",
        ),
        offer=(
            r"\bmentor",
            r"\badvi[cs]",
            r"\bcoach",
            r"\bguidance\b",
            r"\bbusiness[- ]development\b",
            r"\bpitch",
            r"\bstrategy\b",
            r"멘토",
            r"조언",
            r"자문",
            r"코칭",
            r"사업개발",
            r"사업 개발",
            r"전략",
        ),
        descriptions=(
            "We are looking for a mentor to advise us on business development and strategy.",
            "We coach founders on business development, pitching and strategy.",
            "사업개발과 전략에 대해 조언해 줄 멘토를 찾고 있습니다.",
            "창업자에게 사업개발과 투자 유치 전략을 코칭합니다.",
        ),
    ),
    Intent(
        "research",
        ("공동 연구", "Research collaboration"),
        ("공동 연구 파트너", "a research partner"),
        ("공동 연구", "research collaboration"),
        seek=(
            r"\bresearch (partner|collaborat)",
            r"\bjoint research\b",
            r"\bacademic partner",
            r"\blab(oratory)? partner",
            r"\buniversit",
            r"\br&d partner",
            r"공동 ?연구",
            r"연구 협력",
            r"산학",
            r"대학",
            r"연구소",
        ),
        offer=(
            r"\bjoint research\b",
            r"\bresearch (collaborat|partner)",
            r"\bour lab",
            r"\blaborator",
            r"\bcore facilit",
            r"\bresearch (centre|center|institute)",
            r"공동 ?연구",
            r"연구 협력",
            r"산학",
            r"연구실",
            r"연구소",
            r"실험실",
        ),
        descriptions=(
            "We are looking for a university or research institute for joint research.",
            "Our laboratory offers joint research and core facilities to companies.",
            "공동 연구를 함께할 대학이나 연구소를 찾습니다.",
            "기업과 공동 연구를 하고 연구 장비를 제공합니다.",
        ),
    ),
)

CODES: tuple[str, ...] = tuple(i.code for i in INTENTS)
BY_CODE: dict[str, Intent] = {i.code: i for i in INTENTS}
INDEX: dict[str, int] = {c: n for n, c in enumerate(CODES)}


_META = set("\\()[]{}?*+|^$.")


def _anchor(pattern: str) -> str:
    """The literal text every match of ``pattern`` starts with (after a leading ``\\b``), or "" if none."""
    p = pattern.lower()
    if p.startswith("\\b"):
        p = p[2:]
    out = []
    for i, ch in enumerate(p):
        if ch in _META:
            # "x?" makes the previous character optional, so it is not part of the anchor.
            if ch in "?*{" and out:
                out.pop()
            break
        out.append(ch)
        if i + 1 < len(p) and p[i + 1] in "?*{":
            out.pop()
            break
    return "".join(out)


@lru_cache(maxsize=1)
def _anchors() -> tuple[tuple[tuple[str, ...] | None, tuple[str, ...] | None], ...]:
    """Per intent and field, literal anchors for a fast ``in`` pre-check (None: always run the regex).

    Python's ``re`` cannot skip ahead on alternations that begin with ``\\b``, so each search costs tens of
    microseconds; a substring test per anchor rules most intents out of most texts first (C speed).
    """
    out = []
    for intent in INTENTS:
        pair = []
        for pats in (intent.seek, intent.offer):
            anchors = tuple(_anchor(p) for p in pats)
            pair.append(None if any(len(a) < 2 for a in anchors) else anchors)
        out.append((pair[0], pair[1]))
    return tuple(out)


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]]:
    # Texts are lower-cased once instead of matching with IGNORECASE, which is several times slower on
    # Unicode text; so the patterns are lower-cased too (Korean has no case).
    out = []
    for intent in INTENTS:
        out.append(
            (
                re.compile("|".join(f"(?:{p.lower()})" for p in intent.seek)),
                re.compile("|".join(f"(?:{p.lower()})" for p in intent.offer)),
            )
        )
    return (tuple(out),)


_SENTENCE = re.compile(r"(?<=[.!?;。])\s+|\n+|(?<=[다요])\.?\s+(?=\S)")


def sentences(text: str) -> list[str]:
    """Sentences of ``text``, each a verbatim substring (Korean ends sentences in 다/요 even without a
    full stop, which profile texts often omit)."""
    parts = [p.strip() for p in _SENTENCE.split(text.strip())]
    return [p for p in parts if p and p in text]


#: Sentences that only say who the organisation is ("A venture capital firm based in Ulsan.") still state
#: capabilities, so they are not excluded; but these words in a *seeks* sentence describe the product the
#: partner wants, not a need ("We are scouting data-driven diagnostics") and are ignored there.
_SEEK_SCOUTING = re.compile(
    r"\bscouting\b|\bkeen on\b|\binterested in\b|\bwe back\b|\bwe look for companies\b|발굴|관심이 많|관심이 있"
    r"|\bthis cohort\b|\brecruiting (\w+[ -]){0,4}(companies|startups|teams|founders)\b"
    r"|\bscreening\b.*\b(assets|companies|startups|programmes|programs|products)\b"
)


#: Words that make a sentence about mentoring itself ("a mentor with big-pharma partnering experience"),
#: against generic advice words ("advice", "expert", "strategy", 조언, 전문가) that usually carry another
#: intent's topic ("an expert with FDA experience" is a regulatory need).
_MENTORING_HEAD = re.compile(r"\bmentor|\bcoach|\bbusiness[- ]development\b|\bpitch|멘토|코칭|사업 ?개발")


#: In an offer, "… for companies with first clinical data" / "… to companies expanding globally" describes
#: whom the offer is for, not what is offered: the clause is left out when recognising capabilities.
_TARGET_CLAUSE = re.compile(r"\b(?:for|to) (?:young |early-stage |foreign )?(?:companies|startups|founders|teams)\b.*$")


def _resolve_mentoring(codes: set[str], lowered: str, field: str) -> set[str]:
    """One sentence's intents with mentoring told apart from the topic it is about.

    Generic advice words next to another intent are that intent's ("advice on US FDA clearance strategy"
    is a regulatory need; "guidance on MFDS approval" a regulatory offer), so mentoring is dropped. When a
    *seek* names a mentor or coaching outright, the other intents in it are the mentoring's subject ("a
    mentor with big-pharma partnering experience", "mentoring on fundraising"): the need is the mentor,
    not a licensing deal or an investment. An offer of coaching on incorporation still offers both.
    """
    if "mentoring" not in codes or len(codes) == 1:
        return codes
    if not _MENTORING_HEAD.search(lowered):
        return codes - {"mentoring"}
    return {"mentoring"} if field == "seeks" else codes


def recognise(text: str, field: str) -> dict[str, str]:
    """Intents stated in ``text`` (the ``"seeks"`` or ``"offers"`` field) → the first sentence stating each.

    For seeks, a sentence that scouts for a kind of company or product ("we are scouting genomic
    diagnostics partners") names the partner's *interest*, matched by text similarity, not a need; it is
    skipped unless it also says what the sender lacks. Within a sentence, mentoring is told apart from
    the topic it is about (:func:`_resolve_mentoring`).
    """
    if field not in ("seeks", "offers"):
        raise ValueError(f"field must be 'seeks' or 'offers', not {field!r}")
    (pats,) = _compiled()
    low = text.lower()
    side = 0 if field == "seeks" else 1
    candidates = []
    for intent, pair, anchors in zip(INTENTS, pats, _anchors(), strict=True):
        pattern = pair[side]
        words = anchors[side]
        if words is not None and not any(w in low for w in words):
            continue
        if pattern.search(low):  # one search over the whole text rules most intents out
            candidates.append((intent.code, pattern))
    if not candidates:
        return {}
    parts = [(s_, s_.lower()) for s_ in sentences(text)]
    if field == "seeks":
        parts = [(s_, lo) for s_, lo in parts if not _SEEK_SCOUTING.search(lo)]
    else:
        parts = [(s_, _TARGET_CLAUSE.sub("", lo)) for s_, lo in parts]
    found: dict[str, str] = {}
    for sentence, lowered in parts:
        codes = {code for code, pattern in candidates if code not in found and pattern.search(lowered)}
        for code in _resolve_mentoring(codes, lowered, field):
            found[code] = sentence
    return {code: found[code] for code in CODES if code in found}


def intent_matrix(sets: Sequence[Iterable[str]]) -> np.ndarray:
    """(n, len(CODES)) float32 indicator matrix of intent code sets (unknown codes ignored)."""
    out = np.zeros((len(sets), len(CODES)), dtype=np.float32)
    for i, codes in enumerate(sets):
        for c in codes:
            j = INDEX.get(c)
            if j is not None:
                out[i, j] = 1.0
    return out


def description_vectors(encoder: Any) -> np.ndarray:
    """(len(CODES), d): the mean of each intent's bilingual description vectors, L2-normalised."""
    vecs = encoder.encode([d for i in INTENTS for d in i.descriptions])
    out = []
    pos = 0
    for intent in INTENTS:
        k = len(intent.descriptions)
        v = vecs[pos : pos + k].mean(axis=0)
        out.append(v / (np.linalg.norm(v) or 1.0))
        pos += k
    return np.asarray(out, dtype=np.float32)


def encoder_intents(text_vectors: np.ndarray, descriptions: np.ndarray, threshold: float) -> list[set[str]]:
    """Intents whose description is within ``threshold`` cosine of a whole text (soft recognition)."""
    sims = text_vectors @ descriptions.T
    return [{CODES[j] for j in np.flatnonzero(row >= threshold)} for row in sims]
