"""Confidential outcomes in every export (issue 11, item 7): each file and page states one rule and keeps it on
every row — the internal version names a confidential outcome and marks it "Confidential" on its row, the
public version (and every observer's) shows "Confidential outcome" and still counts it. Tried with our
program's confidential record, a second tenant's, and the demo's."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import UserFactory, grant
from tests.outcomes.factories import OutcomeFactory

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils is not installed (make test does it)"
)

SECRET_EN, SECRET_KO = "Secret licence deal", "비밀 라이선스 계약"
THEIR_SECRET = "Their confidential merger"


@pytest.fixture
def secrets(ow):
    now = timezone.now()
    OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["startup"],
        status="closed",
        confirmed_at=now,
        title_en="Open seed round",
        title_ko="공개 시드 투자",
        amount=Decimal("100"),
        currency="USD",
        counterparty=ow["investor"],
        occurred_on=dt.date(2024, 5, 1),
    )
    secret = OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["other"],
        status="closed",
        confirmed_at=now,
        title_en=SECRET_EN,
        title_ko=SECRET_KO,
        is_confidential=True,
        amount=Decimal("50"),
        currency="USD",
        counterparty_name="A listed company",
        occurred_on=dt.date(2024, 6, 1),
    )
    theirs = OutcomeFactory(
        program=ow["their_program"],
        organisation=ow["their_outcome"].organisation,
        status="closed",
        confirmed_at=now,
        title_en=THEIR_SECRET,
        is_confidential=True,
        amount=Decimal("7000"),
        currency="USD",
        occurred_on=dt.date(2024, 6, 2),
    )
    their_manager = grant(UserFactory(username="their-pm"), "program_manager", program=ow["their_program"])
    return {**ow, "secret": secret, "theirs": theirs, "their_manager": their_manager}


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


@needs_poppler
def test_internal_pdf_says_it_names_confidential_outcomes_and_marks_each_row(secrets, login, tmp_path):
    # The bug: the header said confidential outcomes are not named, then the table named one, unmarked.
    text = pdf_text(
        login(secrets["users"]["manager"]).get("/outcomes/program/our-program/report.pdf").content, tmp_path
    )
    assert "counted in every figure but not named" not in text
    assert "Internal version: 1 confidential outcome is named and marked “Confidential” on its row." in text
    [row] = lines_with(text, SECRET_EN)
    assert "Confidential" in row.split(SECRET_EN)[0]
    assert "Confidential" not in lines_with(text, "Open seed round")[0]
    assert THEIR_SECRET not in text  # never another program's record


@needs_poppler
def test_public_and_observer_pdfs_count_but_never_name_confidential_outcomes(secrets, login, tmp_path):
    manager = login(secrets["users"]["manager"])
    public = pdf_text(manager.get("/outcomes/program/our-program/report.pdf?public=1").content, tmp_path)
    assert SECRET_EN not in public and "A listed company" not in public and "Other Startup" not in public
    assert "1 confidential outcome is counted in every figure but not named" in public
    assert "Internal version" not in public
    assert len([line for line in lines_with(public, "Confidential outcome") if "US$50" in line]) == 1
    assert "US$150" in public  # the secret 50 counts in the attracted total beside the open 100
    observer = pdf_text(
        login(secrets["users"]["observer"]).get("/outcomes/agreement/ours/report.pdf").content, tmp_path
    )
    assert SECRET_EN not in observer and THEIR_SECRET not in observer
    assert "1 confidential outcome is counted in every figure but not named" in observer


def test_xlsx_states_its_rule_and_keeps_it_on_every_row(secrets, login):
    manager = login(secrets["users"]["manager"])
    internal = load_workbook(io.BytesIO(manager.get("/outcomes/program/our-program/report.xlsx").content))
    rows = {row[8].value: [c.value for c in row] for row in internal["Outcomes"].iter_rows(min_row=2)}
    assert rows[SECRET_EN][21] == "yes" and rows["Open seed round"][21] == "no"
    assert THEIR_SECRET not in rows
    notes = [row[0].value for row in internal["Notes"].iter_rows(min_row=2)]
    assert notes[1].startswith("Internal version: 1 confidential outcome is named")

    public = load_workbook(io.BytesIO(manager.get("/outcomes/program/our-program/report.xlsx?public=1").content))
    cells = [c.value for row in public["Outcomes"].iter_rows(min_row=2) for c in row]
    assert SECRET_EN not in cells and SECRET_KO not in cells and "A listed company" not in cells
    hidden = [
        [c.value for c in row]
        for row in public["Outcomes"].iter_rows(min_row=2)
        if row[7].value == "Confidential outcome"
    ]
    assert [(r[1], r[8], r[18], r[21]) for r in hidden] == [("—", "Confidential outcome", "—", "yes")]
    assert [row[0].value for row in public["Notes"].iter_rows(min_row=2)][:2] == [
        "Public version",
        "1 confidential outcome is counted in every figure but not named: its row reads “Confidential outcome”.",
    ]
    assert public["Totals"]["C2"].value == 150  # counted all the same


def test_dashboard_links_the_public_version_and_marks_or_withholds_each_row(secrets, login):
    manager = login(secrets["users"]["manager"]).get("/outcomes/programs/our-program/").content.decode()
    assert 'href="/outcomes/program/our-program/report.pdf?currency=USD&amp;public=1"' in manager
    assert 'href="/outcomes/program/our-program/report.xlsx?currency=USD&amp;public=1"' in manager
    assert "Download the internal PDF report" in manager
    assert manager.count('data-confidential="marked"') == 1 and 'data-confidential="withheld"' not in manager
    assert manager.count('data-testid="confidential-mark"') == 1
    assert "You may see 1 confidential outcome by name" in manager

    observer = login(secrets["users"]["observer"]).get("/outcomes/agreements/ours/").content.decode()
    assert SECRET_EN not in observer and THEIR_SECRET not in observer
    assert observer.count('data-confidential="withheld"') == 1 and 'data-confidential="marked"' not in observer
    assert "1 confidential outcome is counted in every figure but not named." in observer
    assert 'href="/outcomes/agreement/ours/report.pdf?currency=USD&amp;public=1"' in observer


def test_api_marks_confidential_records_and_counts_them_for_observers(secrets, login):
    manager = login(secrets["users"]["manager"])
    listed = {o["title_en"]: o["is_confidential"] for o in manager.get("/api/outcomes/").json()["items"]}
    assert listed == {"Open seed round": False, SECRET_EN: True}
    observer = login(secrets["users"]["observer"])
    assert [o["title_en"] for o in observer.get("/api/outcomes/").json()["items"]] == ["Open seed round"]
    totals = observer.get("/api/outcomes/totals?agreement=ours").json()
    assert (totals["confidential"], totals["attracted"]["count"], totals["attracted"]["amount"]) == (1, 2, "150.00")


def test_second_tenant_never_sees_or_counts_our_confidential_outcome(secrets, login):
    theirs = login(secrets["their_manager"])
    assert theirs.get("/outcomes/program/our-program/report.pdf").status_code == 404
    assert theirs.get("/outcomes/program/our-program/report.xlsx?public=1").status_code == 404
    assert theirs.get("/api/outcomes/totals?program=our-program").status_code == 404
    assert theirs.get(f"/api/outcomes/{secrets['secret'].pk}").status_code == 404
    own = theirs.get("/api/outcomes/totals?program=their-program").json()
    assert (own["confidential"], own["attracted"]["amount"]) == (1, "7000.00")
    page = theirs.get("/outcomes/programs/their-program/").content.decode()
    assert THEIR_SECRET in page and SECRET_EN not in page  # their own, marked; never ours
    assert page.count('data-confidential="marked"') == 1


@needs_poppler
@pytest.mark.django_db
def test_demo_confidential_outcome_is_marked_internally_and_withheld_publicly(client, tmp_path):
    from bridgehead.core.models import User
    from bridgehead.demo.scenario import AGREEMENT_SLUG, load_demo
    from bridgehead.outcomes.models import Outcome

    load_demo()
    User.objects.filter(username__in=["manager", "observer"]).update(language="en")
    secret = Outcome.objects.get(is_confidential=True)
    url = f"/outcomes/agreement/{AGREEMENT_SLUG}/report.pdf"
    client.force_login(User.objects.get(username="manager"))
    internal = pdf_text(client.get(url).content, tmp_path)
    assert "counted in every figure but not named" not in internal
    assert "Internal version: 1 confidential outcome is named" in internal
    first_words = secret.title_en.split()[0]  # a long title wraps in the PDF table
    [row] = lines_with(internal, first_words)
    assert "Confidential" in row.split(first_words)[0]
    public = pdf_text(client.get(url + "?public=1").content, tmp_path)
    assert first_words not in public and secret.title_ko not in public
    [hidden] = [line for line in lines_with(public, "Confidential outcome") if "“" not in line]  # not the rule
    assert secret.organisation.name_en not in hidden
    assert "1 confidential outcome is counted in every figure but not named" in public
    client.force_login(User.objects.get(username="observer"))
    observed = pdf_text(client.get(url).content, tmp_path)
    assert first_words not in observed and secret.title_ko not in observed
