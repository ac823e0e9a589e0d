"""Writes the THIRD matching evaluation set (bench/data/match_eval3_*), synthetic and marked so.

Why a third set: the lexicons (intents, topics) and the learned model were built while looking at sets 1
and 2. This one is written afterwards, to check that they generalise: 16 Korean startups written in
Korean × 20 partners written in English (the shape of the issue's independent set), every text written
by hand for its profile (no phrase bank), with products the other sets do not have (hearing aids,
veterinary cardiology, radiotherapy planning, kidney diets, diabetic-foot insoles, endoscopy AI,
Alzheimer's antibodies, hospital logistics robots, post-partum depression, CAR-NK, smart dressings, oral
insulin, epilepsy EEG, home allergy tests, cerebral-palsy rehabilitation in VR, intra-oral scanners) and
other ways of saying things. It is never used to fit anything. Some of its wording is deliberately not in
the topic glossary (콩팥, 머리띠형 뇌파, 반려견, 방사선 치료 계획), so it also shows what the glossary misses.

Labels follow the rule of the other sets (bench/data/README.md): the partner wants this kind of product
(``interests``) **and** offers one of the things the startup asks for (``needs``) — investment at the
startup's stage (in the investor's focus), distribution, market entry and Japanese approval in the market
concerned. ``python bench/match/eval3.py`` rewrites the files (deterministic).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"

# id, name, product key, stage, markets, sectors, needs (code or code:market), seeks, offers
STARTUPS = [
    (
        "s3-01",
        "소리결",
        "hearing",
        "seed",
        ["KR", "US"],
        ["medtech.devices", "health.digital"],
        ["investment", "distribution:US"],
        "첫 투자 라운드를 열어 줄 초기 투자자를 만나고 싶습니다. 미국 약국과 보청기 매장에 제품을 깔아 줄 유통사도 구합니다.",
        "스마트폰 앱으로 직접 맞춰 쓰는 저가형 보청기를 만들었습니다. 난청 어르신이 병원에 가지 않아도 됩니다.",
    ),
    (
        "s3-02",
        "펫하트",
        "vet_heart",
        "series-a",
        ["KR", "US"],
        ["health.ai"],
        ["investment", "pilot"],
        "시리즈 A 투자를 준비하고 있습니다. 동물병원 여러 곳에서 실제로 써 보며 정확도를 검증하고 싶습니다.",
        "반려견 청진 소리를 인공지능으로 분석해 심장 질환을 조기에 찾아내는 앱을 서비스합니다.",
    ),
    (
        "s3-03",
        "빔플랜",
        "radiotherapy",
        "series-a",
        ["KR", "US"],
        ["health.ai", "medtech.imaging"],
        ["clinical_trials", "regulatory:US"],
        "다기관 임상 연구에 참여해 줄 병원을 찾습니다. 미국 FDA 510(k) 절차를 함께 준비할 전문가가 필요합니다.",
        "방사선 치료 계획을 몇 분 만에 자동으로 세워 주는 소프트웨어를 개발했습니다. 두경부암 환자 데이터로 학습했습니다.",
    ),
    (
        "s3-04",
        "밥상케어",
        "kidney_diet",
        "seed",
        ["KR", "US"],
        ["health.digital"],
        ["data", "pilot"],
        "식단 추천 모델을 개선하려면 투석 환자의 검사 기록이 필요합니다. 병원 영양팀과 시범 운영을 해 보고 싶습니다.",
        "만성콩팥병 환자가 칼륨과 인을 조절하도록 끼니마다 식단을 짜 주는 앱을 운영합니다.",
    ),
    (
        "s3-05",
        "발편한",
        "diabetic_foot",
        "series-a",
        ["KR", "US"],
        ["health.wearables", "medtech.devices"],
        ["manufacturing", "investment"],
        "월 1만 개 이상 찍어 낼 수 있는 위탁 제조사를 찾습니다. 시리즈 A 라운드를 함께할 투자사도 찾습니다.",
        "당뇨발 궤양이 생기기 전에 발바닥 압력 변화를 알려 주는 센서 깔창을 만들었습니다.",
    ),
    (
        "s3-06",
        "위드비전",
        "endoscopy_ai",
        "series-b",
        ["KR", "JP"],
        ["health.ai", "medtech.imaging"],
        ["distribution:JP", "regulatory:JP"],
        "일본 병원에 제품을 공급해 줄 현지 판매 파트너가 필요합니다. 일본 PMDA 인허가도 도움을 받고 싶습니다.",
        "위내시경 영상에서 조기 위암 의심 부위를 실시간으로 표시하는 AI 소프트웨어입니다. 국내 40개 병원이 쓰고 있습니다.",
    ),
    (
        "s3-07",
        "뉴로젠",
        "alz_antibody",
        "series-b",
        ["KR", "US"],
        ["bio.biologics", "bio.therapeutics"],
        ["licensing", "investment"],
        "후보물질을 공동 개발하거나 기술이전할 글로벌 제약사를 찾고 있습니다. 임상 2상 자금을 위해 시리즈 B 투자를 유치하려 합니다.",
        "알츠하이머병의 원인 단백질을 뇌에서 제거하는 항체 신약 후보를 보유하고 있습니다.",
    ),
    (
        "s3-08",
        "나르미",
        "logistics_robot",
        "series-a",
        ["KR", "US"],
        ["medtech.devices"],
        ["pilot", "market_entry:US"],
        "병원 현장에 로봇을 시범 배치해 볼 곳을 찾습니다. 미국에 법인을 내고 자리를 잡을 수 있게 도와줄 곳도 필요합니다.",
        "병원 안에서 검체와 약품을 스스로 운반하는 자율주행 로봇을 개발했습니다.",
    ),
    (
        "s3-09",
        "맘온",
        "postpartum",
        "seed",
        ["KR", "US"],
        ["health.digital"],
        ["investment", "mentoring"],
        "시드 투자를 받고 싶습니다. 사업 모델과 투자 유치 전략을 함께 고민해 줄 멘토가 있으면 좋겠습니다.",
        "출산 후 엄마의 우울 증상을 선별하고 상담사와 연결해 주는 챗봇을 만들었습니다.",
    ),
    (
        "s3-10",
        "엔케이셀",
        "car_nk",
        "series-a",
        ["KR", "US"],
        ["bio.cell-gene"],
        ["manufacturing", "investment", "clinical_trials"],
        "GMP 수준의 세포치료제 위탁생산 파트너가 필요합니다. 시리즈 A 투자사를 찾고 있으며, 1상 임상을 할 병원도 구합니다.",
        "고형암을 겨냥한 CAR-NK 세포치료제를 개발하고 있습니다.",
    ),
    (
        "s3-11",
        "힐컬러",
        "smart_dressing",
        "seed",
        ["KR", "DE"],
        ["medtech.devices"],
        ["distribution:DE", "manufacturing"],
        "독일과 유럽 병원에 팔아 줄 유통 파트너를 찾습니다. 양산을 맡길 제조 파트너도 필요합니다.",
        "상처에 감염이 생기면 색이 바뀌어 알려 주는 스마트 드레싱을 개발했습니다.",
    ),
    (
        "s3-12",
        "오럴인",
        "oral_insulin",
        "series-b",
        ["KR", "US"],
        ["bio.therapeutics"],
        ["licensing", "investment"],
        "경구 제형 기술을 라이선스할 제약사를 찾습니다. 시리즈 B 후속 투자도 필요합니다.",
        "주사 대신 알약으로 먹는 인슐린 제형 기술을 갖고 있습니다.",
    ),
    (
        "s3-13",
        "브레인밴드",
        "eeg",
        "seed",
        ["KR", "US"],
        ["medtech.devices", "health.wearables"],
        ["clinical_trials", "regulatory:US"],
        "확증 임상을 진행할 신경과 병원이 필요합니다. FDA 인허가 전략을 자문해 줄 곳도 찾습니다.",
        "뇌전증 발작을 미리 알려 주는 머리띠형 뇌파 측정기를 만들었습니다.",
    ),
    (
        "s3-14",
        "알레체크",
        "allergy_test",
        "seed",
        ["KR", "US"],
        ["medtech.diagnostics"],
        ["distribution:US", "investment"],
        "미국 온라인과 약국 판매 채널이 필요합니다. 시드 라운드 투자자도 찾고 있습니다.",
        "집에서 손가락 채혈로 음식 알레르기를 확인하는 검사 키트를 판매합니다.",
    ),
    (
        "s3-15",
        "무브키즈",
        "cp_rehab",
        "series-a",
        ["KR", "US"],
        ["health.digital", "medtech.devices"],
        ["pilot", "investment"],
        "재활병원에서 효과를 실증해 볼 기회를 찾습니다. 시리즈 A 투자도 준비하고 있습니다.",
        "뇌성마비 아이들의 재활 운동을 게임처럼 즐기게 해 주는 VR 프로그램을 만들었습니다.",
    ),
    (
        "s3-16",
        "스캔덴트",
        "intraoral",
        "series-a",
        ["KR", "JP"],
        ["medtech.devices", "medtech.imaging"],
        ["distribution:JP", "regulatory:JP"],
        "일본 치과 시장에 판매해 줄 대리점이 필요합니다. 일본 의료기기 허가 절차도 도움을 받고 싶습니다.",
        "치과용 구강 스캐너와 보철 설계 소프트웨어를 함께 공급합니다.",
    ),
]

# id, kind, name, interests (product keys), offers (code, code:market, investment:stage), markets, stage focus,
# sectors, seeks, offers text
PARTNERS = [
    (
        "p3-01",
        "investor",
        "Driftwood Seed Partners",
        ["hearing", "diabetic_foot"],
        ["investment"],
        ["US"],
        ["pre-seed", "seed"],
        ["medtech.devices", "health.wearables"],
        "Our thesis this year centres on hearing loss and on devices that keep people with diabetes out of hospital.",
        "We write first cheques of $500k to $2M into seed rounds.",
    ),
    (
        "p3-02",
        "investor",
        "Ironwood Growth",
        ["alz_antibody", "car_nk", "oral_insulin"],
        ["investment"],
        ["US", "KR"],
        ["series-b", "growth"],
        ["bio.biologics", "bio.cell-gene", "bio.therapeutics"],
        "We want to see neurodegeneration programmes, engineered cell therapies and new ways to deliver insulin.",
        "We lead and join Series B rounds of $20M and more for clinical-stage biotech.",
    ),
    (
        "p3-03",
        "investor",
        "Bluewater Ventures",
        ["diabetic_foot", "car_nk", "cp_rehab", "vet_heart"],
        ["investment"],
        ["US"],
        ["series-a"],
        ["health.wearables", "bio.cell-gene", "health.digital", "health.ai"],
        "We like diabetic foot care, NK-cell immunotherapy, paediatric rehabilitation and AI for animal health.",
        "Typical Series A ticket of $4–8M; we usually lead.",
    ),
    (
        "p3-04",
        "investor",
        "Cove Street Capital",
        ["postpartum", "allergy_test", "kidney_diet"],
        ["investment"],
        ["US"],
        ["pre-seed", "seed"],
        ["health.digital", "medtech.diagnostics"],
        "Maternal mental health, at-home testing and nutrition for chronic disease are where we spend our time.",
        "Pre-seed and seed investor; cheques up to $1M.",
    ),
    (
        "p3-05",
        "company",
        "Westbridge Health Supply",
        ["hearing", "allergy_test", "smart_dressing"],
        ["distribution:US"],
        ["US"],
        [],
        ["medtech.devices", "medtech.diagnostics"],
        "We are adding over-the-counter hearing products, home test kits and advanced wound care to our catalogue.",
        "We distribute consumer health products to 9,000 US pharmacies and online marketplaces.",
    ),
    (
        "p3-06",
        "company",
        "Sakura Medical Trading",
        ["endoscopy_ai", "intraoral"],
        ["distribution:JP", "regulatory:JP"],
        ["JP"],
        [],
        ["medtech.imaging", "medtech.devices"],
        "We are looking for gastroenterology AI and digital dentistry products to bring to Japan.",
        "Our reps call on Japanese hospitals and dental clinics, and we handle PMDA filings for our partners.",
    ),
    (
        "p3-07",
        "company",
        "Rhein MedTech Vertrieb",
        ["smart_dressing", "hearing"],
        ["distribution:DE"],
        ["DE", "FR"],
        [],
        ["medtech.devices"],
        "Wound-care innovations and hearing technology interest our product managers most.",
        "We sell medical devices to hospitals in Germany, Austria and France through our own field force.",
    ),
    (
        "p3-08",
        "company",
        "Cellforge Bio",
        ["car_nk", "alz_antibody"],
        ["manufacturing"],
        ["US"],
        [],
        ["bio.cell-gene", "bio.biologics"],
        "We want long-term clients developing cell therapies and antibodies.",
        "We are a GMP contract manufacturer for cell therapies and biologics, from process development to clinical supply.",
    ),
    (
        "p3-09",
        "company",
        "Pacific Device Works",
        ["diabetic_foot", "smart_dressing", "eeg"],
        ["manufacturing"],
        ["US", "KR"],
        [],
        ["medtech.devices", "health.wearables"],
        "We enjoy building smart insoles, connected wound products and head-worn neuro sensors.",
        "Our ISO 13485 contract manufacturing lines take devices from design transfer to high volume.",
    ),
    (
        "p3-10",
        "company",
        "Northshore Pharma",
        ["alz_antibody", "oral_insulin"],
        ["licensing"],
        ["US"],
        [],
        ["bio.biologics", "bio.therapeutics"],
        "Business development is screening Alzheimer's assets and oral delivery of peptides such as insulin.",
        "We in-license and co-develop external assets, with our global clinical and commercial teams.",
    ),
    (
        "p3-11",
        "hospital",
        "Mission Bay Cancer Center",
        ["radiotherapy", "endoscopy_ai", "car_nk"],
        ["clinical_trials"],
        ["US"],
        [],
        ["health.ai", "bio.cell-gene", "medtech.imaging"],
        "Our oncologists want tools for radiation treatment planning, AI-assisted endoscopy and new cellular immunotherapies.",
        "Our clinical research office runs early-phase and multi-site oncology trials.",
    ),
    (
        "p3-12",
        "hospital",
        "Rady Neuro & Children's Institute",
        ["eeg", "cp_rehab"],
        ["clinical_trials", "pilot"],
        ["US"],
        [],
        ["medtech.devices", "health.digital"],
        "Our epilepsy and paediatric rehabilitation teams look for new devices and digital programmes.",
        "We run investigator-initiated trials and pilot new technology with our therapists.",
    ),
    (
        "p3-13",
        "hospital",
        "Torrey Health System",
        ["logistics_robot", "kidney_diet"],
        ["pilot", "data"],
        ["US"],
        [],
        ["medtech.devices", "health.digital"],
        "Operations wants automation for moving supplies, and our nephrology department wants better diet support for patients.",
        "Our innovation office sets up pilots in our hospitals, and researchers can apply for de-identified EHR data.",
    ),
    (
        "p3-14",
        "hospital",
        "Paws Veterinary Specialty Group",
        ["vet_heart"],
        ["pilot"],
        ["US"],
        [],
        ["health.ai"],
        "Our cardiology service is curious about AI that screens dogs and cats for heart disease.",
        "We pilot new tools across our 30 animal hospitals and give structured feedback.",
    ),
    (
        "p3-15",
        "mentor",
        "Meridian Regulatory",
        ["radiotherapy", "eeg", "intraoral"],
        ["regulatory:US"],
        ["US"],
        [],
        ["medtech.devices", "health.ai"],
        "We prefer software for radiation oncology, neurodiagnostics and dental imaging.",
        "Former FDA staff who prepare 510(k) and De Novo submissions for foreign device makers.",
    ),
    (
        "p3-16",
        "mentor",
        "Dana Whitfield",
        ["postpartum", "logistics_robot"],
        ["mentoring", "market_entry:US"],
        ["US"],
        [],
        ["health.digital", "medtech.devices"],
        "I am drawn to women's mental health and to robotics in hospital operations.",
        "I coach founders on business models and fundraising, and help Korean teams set up in the US.",
    ),
    (
        "p3-17",
        "agency",
        "San Diego Landing Pad",
        ["logistics_robot", "hearing", "vet_heart"],
        ["market_entry:US"],
        ["US"],
        [],
        ["medtech.devices", "health.ai"],
        "This cohort we are recruiting hospital automation, hearing tech and animal health companies.",
        "We help international companies incorporate in California and give them desks and local introductions.",
    ),
    (
        "p3-18",
        "university",
        "Coastal University Nutrition Lab",
        ["kidney_diet", "eeg"],
        ["research", "data"],
        ["US"],
        [],
        ["health.digital", "health.data"],
        "Our researchers study diet in chronic kidney disease and brain signals in epilepsy.",
        "We share de-identified cohort data and collaborate on joint research projects.",
    ),
    (
        "p3-19",
        "investor",
        "Kestrel Medtech Fund",
        ["endoscopy_ai", "intraoral", "radiotherapy"],
        ["investment"],
        ["US", "JP"],
        ["series-a"],
        ["medtech.imaging", "health.ai"],
        "We invest in imaging software: endoscopy, dental scanning and radiotherapy planning.",
        "Series A lead investor with a Tokyo office.",
    ),
    (
        "p3-20",
        "hospital",
        "Seaside Women's and Children's Hospital",
        ["postpartum", "cp_rehab", "allergy_test"],
        ["pilot", "clinical_trials"],
        ["US"],
        [],
        ["health.digital"],
        "We care about new mothers' mental health, children's rehabilitation and food allergy in kids.",
        "Our nurses and therapists test new digital programmes in real care, and our research unit runs clinical studies.",
    ),
]


def _good(startup: tuple, partner: tuple) -> str | None:
    """The label rule: the partner wants this product and offers one of the startup's needs (at its
    stage for investment; in the market for market-bound help). Returns the reason, or None."""
    _, _, product, stage, _, _, needs = startup[:7]
    _, _, _, interests, offers, _, focus = partner[:7]
    if product not in interests:
        return None
    for need in needs:
        code, _, market = need.partition(":")
        for offer in offers:
            o_code, _, o_market = offer.partition(":")
            if o_code != code:
                continue
            if code == "investment" and stage not in focus:
                continue
            if market and o_market and market != o_market:
                continue
            return f"partner wants {product}; startup asks for {need}, which it offers"
    return None


def write(prefix: str, startups: list, partners: list) -> None:
    """Write ``bench/data/{prefix}_profiles.jsonl`` and ``{prefix}_pairs.csv`` from the tables above."""
    profiles = []
    for sid, name, _product, stage, markets, sectors, _needs, seeks, offers in startups:
        profiles.append(
            {
                "id": sid,
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
        )
    for pid, kind, name, _interests, _offers, markets, focus, sectors, seeks, offers in partners:
        profiles.append(
            {
                "id": pid,
                "kind": kind,
                "language": "en",
                "name": name,
                "seeks": seeks,
                "offers": offers,
                "sectors": sectors,
                "stage": None,
                "stages": focus,
                "markets": markets,
                "synthetic": True,
            }
        )
    with open(DATA / f"{prefix}_profiles.jsonl", "w", encoding="utf-8") as fh:
        for p in profiles:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    with open(DATA / f"{prefix}_pairs.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["a", "b", "reason"])
        n = 0
        for s in startups:
            for p in partners:
                reason = _good(s, p)
                if reason:
                    w.writerow([s[0], p[0], reason])
                    n += 1
    print(f"wrote {len(profiles)} profiles and {n} labelled pairs to {DATA}")


def main() -> None:
    write("match_eval3", STARTUPS, PARTNERS)


if __name__ == "__main__":
    main()
