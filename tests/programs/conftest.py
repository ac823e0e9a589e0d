"""A call of "our" program with one question of every kind and a two-line rubric."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bridgehead.programs.enums import FieldKind
from tests.programs.factories import CallFactory, CriterionFactory, FormFieldFactory


@pytest.fixture(autouse=True)
def _fast_encoder(settings):
    """The hashing encoder keeps most tests instant; the cross-lingual test switches to the real one."""
    settings.PROGRAMS_ENCODER = "hash"


@pytest.fixture
def call(world):
    call = CallFactory(
        program=world["our_program"], slug="our-call", title_en="Global support 2024", title_ko="국제 지원 2024"
    )
    FormFieldFactory(call=call, key="summary", kind=FieldKind.LONG_TEXT, label_en="Summary", label_ko="사업 요약")
    FormFieldFactory(
        call=call,
        key="employees",
        kind=FieldKind.NUMBER,
        label_en="Employees",
        label_ko="직원 수",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("10000"),
    )
    FormFieldFactory(
        call=call,
        key="track",
        kind=FieldKind.CHOICE,
        label_en="Track",
        label_ko="분야",
        choices=[
            {"value": "dx", "ko": "진단", "en": "Diagnostics"},
            {"value": "rx", "ko": "치료", "en": "Therapeutics"},
        ],
    )
    FormFieldFactory(
        call=call,
        key="deck",
        kind=FieldKind.FILE,
        label_en="Pitch deck",
        label_ko="소개 자료",
        file_types=["pdf"],
        max_bytes=2000,
    )
    FormFieldFactory(
        call=call, key="sectors", kind=FieldKind.SECTORS, label_en="Sectors", label_ko="산업 분야", required=False
    )
    CriterionFactory(call=call, name_en="Team", name_ko="팀", weight=Decimal("2"), scale_min=1, scale_max=5, order=1)
    CriterionFactory(
        call=call, name_en="Market", name_ko="시장", weight=Decimal("1"), scale_min=1, scale_max=10, order=2
    )
    return call


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
