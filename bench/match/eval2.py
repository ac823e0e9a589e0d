"""Writes the SECOND matching evaluation set (bench/data/match_eval2_*), synthetic and marked so.

Why a second set: the learned scorer is fitted on the first set (bench/data/match_eval_*); reporting it on
a set written separately — other organisations, other products, other phrasing, and the shape of the
issue's independent set (Korean startups written in Korean × partners written in English) — shows whether
it learned "both halves of a fit" or the first set's sentences. Nothing here reuses a sentence of the
first set. The labels follow the same rule a careful reader applies (bench/data/README.md): the partner
is after the startup's kind of product AND offers one of the things the startup asks for, at its stage
for investors and in its target market for market-specific help.

Run ``python bench/match/eval2.py`` to rewrite the files (deterministic).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / "data"

# topic: (sectors, Korean product sentence variants, English interest phrase)
TOPICS: dict[str, tuple[list[str], list[str], str]] = {
    "sleep": (
        ["health.wearables", "medtech.diagnostics"],
        [
            "집에서 하룻밤 착용하면 수면무호흡을 판별하는 목걸이형 센서를 만들었습니다.",
            "가정용 수면다원검사를 대신하는 착용형 수면무호흡 진단 기기를 내놓았습니다.",
        ],
        "home testing for sleep apnoea and other sleep disorders",
    ),
    "rehab": (
        ["medtech.devices", "health.digital"],
        [
            "뇌졸중 후 손 기능을 되찾도록 돕는 재활 로봇 장갑을 판매하고 있습니다.",
            "편마비 환자가 집에서 쓰는 상지 재활 로봇을 개발했습니다.",
        ],
        "robotic rehabilitation after stroke",
    ),
    "pathology": (
        ["health.ai", "medtech.imaging"],
        [
            "디지털 병리 슬라이드에서 전이암 부위를 표시해 주는 판독 보조 AI를 만듭니다.",
            "병리과 전문의의 조직 슬라이드 판독 시간을 줄여 주는 인공지능을 개발했습니다.",
        ],
        "AI that reads digital pathology slides",
    ),
    "lnp": (
        ["bio.therapeutics", "bio.biologics"],
        [
            "mRNA 치료제를 간 이외의 장기로 보내는 지질나노입자 전달체 플랫폼을 갖고 있습니다.",
            "근육과 폐를 표적하는 차세대 지질나노입자 기술을 확보했습니다.",
        ],
        "delivery technology for RNA medicines, especially lipid nanoparticles",
    ),
    "dental": (
        ["medtech.devices"],
        [
            "환자 맞춤형 치과 임플란트를 하루 만에 3D 프린팅하는 솔루션을 공급합니다.",
            "치과 기공소용 3D 프린팅 보철물 소재와 장비를 생산합니다.",
        ],
        "dental devices and 3D-printed implants",
    ),
    "mental": (
        ["health.digital", "health.telemedicine"],
        [
            "청소년 우울감을 관리하는 모바일 인지행동치료 프로그램을 운영합니다.",
            "공황장애 환자를 위한 디지털 치료기기를 개발해 탐색 임상을 끝냈습니다.",
        ],
        "digital therapeutics for mental health",
    ),
    "microbiome": (
        ["bio.therapeutics"],
        [
            "장내 미생물 균주를 활용한 염증성 장질환 치료제를 개발하고 있습니다.",
            "마이크로바이옴 기반 아토피 치료 후보물질이 전임상을 마쳤습니다.",
        ],
        "microbiome-based therapeutics",
    ),
    "falls": (
        ["health.wearables", "health.digital"],
        [
            "혼자 사는 어르신의 낙상을 카메라 없이 감지하는 레이더 센서를 만듭니다.",
            "요양시설 입소자의 낙상 위험을 미리 알려 주는 비접촉 모니터링 시스템을 공급합니다.",
        ],
        "fall detection and technology for ageing at home",
    ),
    "sepsis": (
        ["medtech.diagnostics"],
        [
            "혈액 한 방울로 20분 안에 패혈증을 가려내는 현장진단 키트를 개발했습니다.",
            "응급실에서 쓰는 패혈증 조기 진단 카트리지와 판독기를 만들었습니다.",
        ],
        "rapid point-of-care tests for sepsis and infection",
    ),
    "spine_ar": (
        ["medtech.imaging", "medtech.devices"],
        [
            "척추 나사 고정술을 안내하는 증강현실 수술 내비게이션을 만들었습니다.",
            "수술 중 CT 영상을 환부 위에 겹쳐 보여 주는 AR 내비게이션 장비를 개발했습니다.",
        ],
        "surgical navigation and augmented reality in the operating room",
    ),
}

# need: (Korean ways a startup asks for it, English ways a partner offers it)
NEEDS: dict[str, tuple[list[str], list[str]]] = {
    "seed": (
        ["첫 외부 투자로 시드 라운드를 열 계획입니다.", "시드 단계 투자사를 만나고 싶습니다."],
        ["We back pre-seed and seed founders with first cheques of up to $1.5M."],
    ),
    "series-a": (
        ["시리즈 A 라운드를 주도할 투자사를 찾습니다.", "올해 시리즈 A 자금 조달을 마무리하려 합니다."],
        [
            "We lead Series A financings for companies with first clinical data.",
            "Our fund writes $5–10M Series A tickets.",
        ],
    ),
    "series-b": (
        ["해외 확장을 위한 시리즈 B 투자를 유치하려 합니다."],
        ["We join Series B and later rounds to fund commercial scale-up."],
    ),
    "cmo": (
        ["양산을 맡아 줄 위탁생산 업체가 절실합니다.", "GMP 기준을 맞춘 생산 파트너와 손잡고 싶습니다."],
        [
            "Our ISO 13485 plant builds devices for young companies from pilot lots to volume.",
            "We are a CDMO producing clinical and commercial batches under GMP.",
        ],
    ),
    "trial": (
        ["다기관 임상시험을 진행할 병원이 필요합니다.", "확증 임상을 맡아 줄 임상시험 기관을 구합니다."],
        ["Our research office runs sponsored clinical trials and recruits patients quickly."],
    ),
    "pilot": (
        ["실제 진료 현장에서 제품을 시범 적용해 볼 병원을 찾습니다.", "병원 실증 기회를 얻고 싶습니다."],
        [
            "Our innovation unit pilots new technology with clinicians on the wards.",
            "We give startups a testbed to validate products in real care settings.",
        ],
    ),
    "fda": (
        ["미국 FDA 허가 전략을 조언해 줄 전문가가 필요합니다.", "FDA 510(k) 제출을 도와줄 파트너를 찾습니다."],
        [
            "We prepare FDA 510(k) and De Novo submissions and run pre-sub meetings.",
            "Former FDA reviewers on our team advise on regulatory strategy.",
        ],
    ),
    "us_channel": (
        ["미국 병원에 제품을 팔아 줄 유통 파트너가 필요합니다.", "미국 판매 채널을 확보하고 싶습니다."],
        [
            "Our sales reps cover integrated delivery networks across the US.",
            "We distribute devices to US hospitals and clinics.",
        ],
    ),
    "eu_channel": (
        ["유럽 시장 유통사를 찾고 있습니다."],
        ["We distribute medical products across Germany, France and the Benelux."],
    ),
    "us_entry": (
        ["미국 법인을 세우고 현지에 자리 잡는 데 도움이 필요합니다.", "미국 시장 진출을 도와줄 곳을 찾습니다."],
        ["We help foreign companies land in the US: incorporation, office space and introductions."],
    ),
    "data": (
        ["알고리즘 학습에 쓸 비식별 의료 데이터가 필요합니다."],
        ["Researchers can request de-identified patient records from our data warehouse."],
    ),
    "licensing": (
        ["파이프라인을 기술이전할 글로벌 제약사를 찾습니다."],
        ["We in-license preclinical assets and co-develop them with the inventors."],
    ),
    "bd": (
        ["해외 사업개발 경험이 많은 멘토의 조언을 구합니다."],
        ["I coach founders on business development, pricing and partnerships."],
    ),
}
INTENT_OF = {
    "seed": "investment",
    "series-a": "investment",
    "series-b": "investment",
    "cmo": "manufacturing",
    "trial": "clinical_trials",
    "pilot": "pilot",
    "fda": "regulatory",
    "us_channel": "distribution",
    "eu_channel": "distribution",
    "us_entry": "market_entry",
    "data": "data",
    "licensing": "licensing",
    "bd": "mentoring",
}
MARKET_OF = {"us_channel": "US", "eu_channel": "DE", "us_entry": "US"}
STAGE_OF = {"seed": "seed", "series-a": "series-a", "series-b": "series-b"}

KO_NAMES = [
    "솔잎헬스",
    "다온바이오",
    "새벽메디컬",
    "하늘랩스",
    "온누리로보틱스",
    "가람진단",
    "누리테라퓨틱스",
    "바른치과기술",
    "마음쉼",
    "이음센서",
    "한결바이오",
    "초록메디",
    "별빛AI",
    "미르헬스케어",
    "단비바이오",
    "윤슬메디텍",
    "너울로보",
    "아라진단",
    "가온테라",
    "두루케어",
    "빛가람AI",
    "한빛덴탈",
    "소담헬스",
    "모두의숨",
    "늘봄센서",
    "해밀바이오",
    "라온메디",
    "다솜테크",
    "푸른진단",
    "새움테라퓨틱스",
]
EN_PARTNERS = [
    # (id, kind, name, topics of interest, offers (needs), markets, stage focus, sector codes)
    (
        "p-inv-01",
        "investor",
        "Kelp Forest Capital",
        ["sleep", "falls"],
        ["seed"],
        ["US"],
        ["pre-seed", "seed"],
        ["health.wearables"],
    ),
    (
        "p-inv-02",
        "investor",
        "Torrey Pines Partners",
        ["pathology", "spine_ar"],
        ["series-a"],
        ["US", "KR"],
        ["series-a"],
        ["health.ai", "medtech.imaging"],
    ),
    (
        "p-inv-03",
        "investor",
        "Mesa Verde Bio Fund",
        ["lnp", "microbiome"],
        ["series-a"],
        ["US"],
        ["series-a", "series-b"],
        ["bio.therapeutics"],
    ),
    (
        "p-inv-04",
        "investor",
        "Catalina Growth",
        ["dental", "rehab", "sepsis"],
        ["series-b"],
        ["US", "KR"],
        ["series-b", "growth"],
        ["medtech.devices"],
    ),
    (
        "p-inv-05",
        "investor",
        "Harborlight Seed",
        ["mental", "sleep"],
        ["seed"],
        ["US", "KR"],
        ["seed"],
        ["health.digital"],
    ),
    (
        "p-inv-06",
        "investor",
        "Coronado Health Ventures",
        ["sepsis", "pathology"],
        ["seed"],
        ["US"],
        ["seed"],
        ["medtech.diagnostics"],
    ),
    (
        "p-inv-07",
        "investor",
        "Sunset Cliffs Capital",
        ["falls", "rehab"],
        ["series-a"],
        ["US", "JP"],
        ["series-a"],
        ["health.digital"],
    ),
    (
        "p-inv-08",
        "investor",
        "Pacific Crest Life Sciences",
        ["microbiome"],
        ["seed"],
        ["US"],
        ["seed", "series-a"],
        ["bio.therapeutics"],
    ),
    (
        "p-inv-09",
        "investor",
        "Balboa Impact Fund",
        ["mental"],
        ["series-a"],
        ["US"],
        ["series-a"],
        ["health.telemedicine"],
    ),
    (
        "p-inv-10",
        "investor",
        "Anza Ridge Ventures",
        ["spine_ar", "dental"],
        ["seed"],
        ["US"],
        ["seed"],
        ["medtech.devices"],
    ),
    (
        "p-com-01",
        "company",
        "Silverstrand Manufacturing",
        ["rehab", "spine_ar"],
        ["cmo"],
        ["US"],
        [],
        ["medtech.devices"],
    ),
    ("p-com-02", "company", "Otay Biologics CDMO", ["lnp", "microbiome"], ["cmo"], ["US"], [], ["bio.biologics"]),
    (
        "p-com-03",
        "company",
        "Cabrillo Medical Distribution",
        ["sleep", "sepsis"],
        ["us_channel"],
        ["US"],
        [],
        ["medtech.diagnostics"],
    ),
    (
        "p-com-04",
        "company",
        "Rhine Medical Trading",
        ["dental", "rehab"],
        ["eu_channel"],
        ["DE", "FR"],
        [],
        ["medtech.devices"],
    ),
    (
        "p-com-05",
        "company",
        "Point Loma Regulatory",
        ["sepsis", "pathology", "spine_ar"],
        ["fda"],
        ["US"],
        [],
        ["medtech"],
    ),
    ("p-com-06", "company", "Agave Pharma", ["lnp"], ["licensing"], ["US", "KR"], [], ["bio.therapeutics"]),
    ("p-com-07", "company", "Del Mar Dental Supply", ["dental"], ["us_channel"], ["US"], [], ["medtech.devices"]),
    ("p-com-08", "company", "Chula Vista Devices", ["falls", "sleep"], ["cmo"], ["US"], [], ["health.wearables"]),
    (
        "p-com-09",
        "company",
        "Mission Bay Therapeutics",
        ["microbiome"],
        ["licensing"],
        ["US"],
        [],
        ["bio.therapeutics"],
    ),
    ("p-com-10", "company", "Gaslamp Digital Care", ["mental"], ["us_channel"], ["US"], [], ["health.digital"]),
    ("p-hos-01", "hospital", "Seaside Children's Hospital", ["mental", "sepsis"], ["trial"], ["US"], [], ["health"]),
    (
        "p-hos-02",
        "hospital",
        "Palomar Regional Medical Center",
        ["falls", "rehab"],
        ["pilot"],
        ["US"],
        [],
        ["health.digital"],
    ),
    (
        "p-hos-03",
        "hospital",
        "La Jolla University Hospital",
        ["pathology", "lnp"],
        ["trial", "data"],
        ["US"],
        [],
        ["health.ai", "bio.therapeutics"],
    ),
    (
        "p-hos-04",
        "hospital",
        "Escondido Sleep Institute",
        ["sleep"],
        ["pilot", "trial"],
        ["US"],
        [],
        ["health.wearables"],
    ),
    ("p-hos-05", "hospital", "Oceanview Spine Center", ["spine_ar"], ["pilot"], ["US"], [], ["medtech.devices"]),
    ("p-hos-06", "hospital", "Vista Dental School Clinic", ["dental"], ["trial"], ["US"], [], ["medtech.devices"]),
    (
        "p-hos-07",
        "hospital",
        "Sorrento Valley Health System",
        ["sepsis", "pathology"],
        ["data", "pilot"],
        ["US"],
        [],
        ["health.data"],
    ),
    ("p-hos-08", "hospital", "Carlsbad Behavioral Health", ["mental"], ["pilot"], ["US"], [], ["health.telemedicine"]),
    ("p-men-01", "mentor", "Dana Whitfield", ["sepsis", "sleep", "spine_ar"], ["fda"], ["US"], [], ["medtech"]),
    ("p-men-02", "mentor", "Raj Menon", ["lnp", "microbiome"], ["licensing", "bd"], ["US"], [], ["bio"]),
    ("p-men-03", "mentor", "Grace Okafor", ["mental", "falls"], ["bd"], ["US"], [], ["health.digital"]),
    ("p-men-04", "mentor", "Tom Alvarez", ["rehab", "dental"], ["us_entry"], ["US"], [], ["medtech.devices"]),
    (
        "p-age-01",
        "agency",
        "San Diego Landing Pad",
        ["pathology", "falls", "mental", "sleep"],
        ["us_entry"],
        ["US"],
        [],
        ["health"],
    ),
    ("p-age-02", "agency", "Border Innovation Office", ["dental", "sepsis"], ["us_entry"], ["US"], [], ["medtech"]),
    (
        "p-uni-01",
        "university",
        "Coastal Institute of Technology",
        ["pathology", "spine_ar"],
        ["data"],
        ["US"],
        [],
        ["health.ai"],
    ),
    (
        "p-uni-02",
        "university",
        "Southern California Bio Institute",
        ["lnp", "microbiome"],
        ["trial"],
        ["US"],
        [],
        ["bio"],
    ),
    (
        "p-com-11",
        "company",
        "Harbor Island Devices",
        ["sleep", "falls"],
        ["us_channel"],
        ["US"],
        [],
        ["health.wearables"],
    ),
    ("p-com-12", "company", "Julian Foods Biotech", ["microbiome"], ["cmo"], ["US"], [], ["bio"]),
    (
        "p-inv-11",
        "investor",
        "Cardiff Reef Partners",
        ["sepsis", "sleep"],
        ["series-b"],
        ["US"],
        ["series-b"],
        ["medtech.diagnostics"],
    ),
    (
        "p-hos-09",
        "hospital",
        "North County Rehab Hospital",
        ["rehab"],
        ["trial", "pilot"],
        ["US"],
        [],
        ["medtech.devices"],
    ),
]
INTEREST_EN = [
    "We are actively looking at {t}.",
    "Our focus is {t}.",
    "We would like to meet teams working on {t}.",
    "Our clinicians and partners care most about {t}.",
]
OWN_EN = {
    "investor": "An early and growth-stage fund in San Diego.",
    "company": "A San Diego company serving the life-science industry.",
    "hospital": "A teaching hospital in Southern California.",
    "mentor": "An independent adviser who has built medtech and biotech companies in California.",
    "agency": "A public economic-development office in San Diego County.",
    "university": "A research university in San Diego.",
}


KO_PREFIX = ["새", "한", "온", "빛", "길", "별", "숲", "봄", "물", "솔"]
KO_SUFFIX = ["메디", "바이오", "헬스", "진단", "테크", "케어"]
EN_PLACES = [
    "Encinitas",
    "Solana",
    "Poway",
    "Ramona",
    "Santee",
    "Lakeside",
    "Alpine",
    "Bonita",
    "Imperial",
    "Pauma",
    "Fallbrook",
    "Jamul",
    "Descanso",
    "Borrego",
    "Tecate",
    "Otay",
    "Kearny",
    "Clairemont",
    "Hillcrest",
    "Normal Heights",
]
EN_SUFFIX = {
    "investor": "Ventures",
    "company": "Medical",
    "hospital": "Health",
    "mentor": "Advisory",
    "agency": "Business Office",
    "university": "Research Institute",
}
CAN_OFFER = {
    "investor": ["seed", "series-a", "series-b"],
    "company": ["cmo", "us_channel", "eu_channel", "fda", "licensing"],
    "hospital": ["trial", "pilot", "data"],
    "mentor": ["fda", "bd", "licensing", "us_entry"],
    "agency": ["us_entry"],
    "university": ["data", "trial"],
}
SECTORS_OF = {t: v[0] for t, v in TOPICS.items()}


def _generated_partners(rng: np.random.Generator, count: int) -> list[tuple]:
    """More English partners, so a startup has ~80 candidates with many half-fits (right topic, wrong
    help; right help, wrong topic) as in the issue's independent set."""
    out = []
    kinds = list(CAN_OFFER)
    for i in range(count):
        kind = kinds[int(rng.integers(len(kinds)))]
        interests = [str(t) for t in rng.choice(list(TOPICS), size=int(rng.integers(1, 3)), replace=False)]
        offers = [
            str(o)
            for o in rng.choice(CAN_OFFER[kind], size=min(len(CAN_OFFER[kind]), int(rng.integers(1, 3))), replace=False)
        ]
        stages = sorted({STAGE_OF[o] for o in offers if o in STAGE_OF})
        markets = ["US"] + (["DE"] if "eu_channel" in offers else []) + (["KR"] if rng.random() < 0.3 else [])
        name = f"{EN_PLACES[i % len(EN_PLACES)]} {EN_SUFFIX[kind]}" + (f" {i // len(EN_PLACES) + 1}" if i >= 20 else "")
        out.append((f"p-gen-{i + 1:02d}", kind, name, interests, offers, markets, stages, SECTORS_OF[interests[0]]))
    return out


def build(seed: int = 2024) -> tuple[list[dict], list[tuple[str, str, str]]]:
    rng = np.random.default_rng(seed)
    topics = list(TOPICS)
    profiles: list[dict] = []
    startups = []
    names = KO_NAMES + [f"{KO_PREFIX[i % 10]}{KO_PREFIX[(i * 3 + 1) % 10]}{KO_SUFFIX[i % 6]}" for i in range(30)]
    for i, name in enumerate(names):
        topic = topics[i % len(topics)]
        sectors, products, _ = TOPICS[topic]
        stage = ["seed", "series-a", "series-b"][int(rng.integers(3))]
        needs = [stage]
        pool = [n for n in NEEDS if n not in STAGE_OF]
        needs += [str(n) for n in rng.choice(pool, size=2, replace=False)]
        markets = sorted({"KR", "US"} | ({"DE"} if "eu_channel" in needs else set()))
        seeks = " ".join(NEEDS[n][0][int(rng.integers(len(NEEDS[n][0])))] for n in needs)
        offers = products[int(rng.integers(len(products)))] + f" 울산에서 {2015 + i % 9}년에 창업했습니다."
        rec = {
            "id": f"k-sta-{i + 1:02d}",
            "kind": "startup",
            "language": "ko",
            "name": name,
            "seeks": seeks,
            "offers": offers,
            "sectors": sectors,
            "stage": stage,
            "stages": [],
            "markets": markets,
            "synthetic": True,
        }
        profiles.append(rec)
        startups.append((rec, topic, needs))
    partners = []
    for pid, kind, name, interests, offers, markets, stages, sectors in EN_PARTNERS + _generated_partners(rng, 40):
        interest_t = " and ".join(TOPICS[t][2] for t in interests)
        template = INTEREST_EN[int(rng.integers(len(INTEREST_EN)))]
        seeks = template.format(t=interest_t)
        offer_text = " ".join([OWN_EN[kind]] + [NEEDS[o][1][int(rng.integers(len(NEEDS[o][1])))] for o in offers])
        rec = {
            "id": pid,
            "kind": kind,
            "language": "en",
            "name": name,
            "seeks": seeks,
            "offers": offer_text,
            "sectors": sectors,
            "stage": None,
            "stages": stages,
            "markets": markets,
            "synthetic": True,
        }
        profiles.append(rec)
        partners.append((rec, interests, offers))
    pairs = []
    for s, topic, needs in startups:
        for p, interests, offers in partners:
            if topic not in interests:
                continue
            for need in needs:
                if need not in offers:
                    continue
                if need in STAGE_OF and s["stage"] not in p["stages"]:
                    continue
                if need in MARKET_OF and MARKET_OF[need] not in p["markets"]:
                    continue
                pairs.append((s["id"], p["id"], f"partner wants {topic}; startup asks for {need}, which it offers"))
                break
    return profiles, pairs


def main() -> None:
    profiles, pairs = build()
    with open(DATA / "match_eval2_profiles.jsonl", "w", encoding="utf-8") as fh:
        for rec in profiles:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with open(DATA / "match_eval2_pairs.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["a", "b", "reason"])
        w.writerows(pairs)
    print(f"{len(profiles)} profiles, {len(pairs)} pairs")


if __name__ == "__main__":
    main()
