"""Shared fixtures for the matching-engine tests (no database, no Django)."""

from __future__ import annotations

import pytest

from bridgehead.engines.match import HashEncoder, Profile


@pytest.fixture
def profiles() -> list[Profile]:
    return [
        Profile(
            "s1",
            "startup",
            "en",
            "Seed investment to enter the US market",
            "AI thyroid eye disease screening app",
            ("health.ai", "medtech.diagnostics"),
            "seed",
            ("US", "KR"),
        ),
        Profile(
            "s2",
            "startup",
            "ko",
            "일본 병원과 임상 협력",
            "웨어러블 심전도 패치",
            ("health.wearables",),
            "series-a",
            ("JP",),
        ),
        Profile(
            "i1",
            "investor",
            "en",
            "AI diagnostics startups entering the US",
            "Seed and Series A funding",
            ("health.digital", "medtech"),
            None,
            ("US",),
            ("seed", "series-a"),
        ),
        Profile(
            "h1", "hospital", "ko", "원격 모니터링 기술", "임상시험 설계와 환자 모집", ("health",), None, ("KR", "JP")
        ),
        Profile(
            "c1",
            "company",
            "en",
            "Battery suppliers",
            "Automotive plants in Ulsan",
            ("industry.automotive",),
            None,
            ("KR",),
        ),
    ]


@pytest.fixture
def hash_encoder() -> HashEncoder:
    return HashEncoder(dim=128)
