"""The outcome form and the outcome pages (issue 11, items 11–12): fieldsets with required fields marked, a
searchable counterparty picker instead of an 85-item select, sector names instead of codes, one date format,
whole-number chart ticks, charts that fit their card, a label on every control and buttons that name their
object."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation

from bridgehead.core.templatetags.bridgehead_format import day, day_time
from bridgehead.outcomes import charts
from bridgehead.outcomes.forms import OutcomeForm, organisation_label
from bridgehead.outcomes.models import Outcome
from tests.factories import OrganisationFactory, SectorFactory
from tests.outcomes.factories import OutcomeFactory


class Controls(HTMLParser):
    """Every form control of a page with how it is labelled, and every button's text."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.buttons: list[str] = []
        self.legends: list[str] = []
        self._open: list[str] = []
        self._text: dict[str, list[str]] = {"button": [], "legend": []}
        self._in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append(attrs | {"tag": tag, "wrapped": self._in_label > 0})
        if tag == "label":
            self._in_label += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if tag in ("button", "legend"):
            self._open.append(tag)
            self._text[tag] = []

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label -= 1
        if tag in ("button", "legend") and self._open and self._open[-1] == tag:
            self._open.pop()
            text = " ".join("".join(self._text[tag]).split())
            (self.buttons if tag == "button" else self.legends).append(text)

    def handle_data(self, data):
        if self._open:
            self._text[self._open[-1]].append(data)

    def unlabelled(self) -> list[str]:
        return [
            c.get("name", c["tag"])
            for c in self.controls
            if not c["wrapped"]
            and c.get("id") not in self.label_for
            and not c.get("aria-label")
            and not c.get("aria-labelledby")
        ]


def parse(html: str) -> Controls:
    parser = Controls()
    parser.feed(re.split(r"<main[^>]*>", html, maxsplit=1)[1])  # the page's own content, not the shared header
    return parser


def test_outcome_form_is_grouped_in_fieldsets_with_required_fields_marked(ow, login):
    page = login(ow["users"]["startup"]).get("/outcomes/report/").content.decode()
    found = parse(page)
    assert found.legends == [
        "What happened",
        "Money and quantity",
        "Counterparty",
        "Attribution to the program",
        "Evidence",
        "Confidentiality",
    ]
    required = {c["name"] for c in found.controls if "required" in c}
    assert required == {"organisation", "program", "kind", "occurred_on"}  # status always has a value
    marked = re.findall(r'<label for="id_(\w+)">[^<]*<span class="required-mark"', page)
    assert marked == ["organisation", "program", "kind", "status", "occurred_on", "title_ko", "title_en"]
    assert "Required fields are marked with an asterisk." in page


def test_counterparty_is_a_searchable_picker_not_a_select_of_every_organisation(ow, login):
    for i in range(90):
        OrganisationFactory(slug=f"company-{i}", kind="company", name_en=f"Company {i:02d}", name_ko=f"회사 {i:02d}")
    page = login(ow["users"]["startup"]).get("/outcomes/report/").content.decode()
    assert '<select name="counterparty"' not in page
    picker = re.search(r'<input type="search" name="counterparty"[^>]*>', page).group(0)
    assert 'list="counterparty-options"' in picker and 'hx-get="/outcomes/counterparties/"' in picker
    assert 'aria-describedby="id_counterparty-help"' in picker
    assert '<label for="id_counterparty">Counterparty in the registry</label>' in page
    assert page.count('<option value="Company ') == 90  # the page's list holds the first entries


def test_counterparty_search_answers_from_the_whole_registry(ow, login):
    OrganisationFactory(
        slug="sierra", kind="company", name_en="Sierra Medical", name_ko="시에라메디컬", city="San Diego"
    )
    client = login(ow["users"]["startup"])
    options = client.get("/outcomes/counterparties/", {"counterparty": "시에라"}).content.decode()
    assert options.strip() == '<option value="Sierra Medical · 시에라메디컬 — Company, San Diego"></option>'
    assert client.get("/outcomes/counterparties/", {"counterparty": "zzz"}).content.decode().strip() == ""
    assert login(ow["users"]["reviewer"]).get("/outcomes/counterparties/").status_code == 403


@pytest.mark.parametrize("typed", ["Investor Co", "인베스터코", "investor co", "Investor Co · 인베스터코 — Investor"])
def test_counterparty_is_picked_by_its_name_or_label(ow, typed):
    form = OutcomeForm(
        data={
            "organisation": ow["startup"].pk,
            "program": ow["our_program"].pk,
            "kind": "investment",
            "status": "lead",
            "title_en": "Seed",
            "occurred_on": "2024-06-01",
            "counterparty": typed,
        },
        user=ow["users"]["manager"],
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["counterparty"] == ow["investor"]


def test_an_unknown_or_ambiguous_counterparty_is_refused_with_a_clear_message(ow):
    OrganisationFactory(slug="twin-a", kind="company", name_en="Twin Bio", name_ko="트윈바이오", city="Ulsan")
    OrganisationFactory(slug="twin-b", kind="company", name_en="Twin Bio", name_ko="트윈바이오 미국", city="Boston")
    data = {
        "organisation": ow["startup"].pk,
        "program": ow["our_program"].pk,
        "kind": "investment",
        "status": "lead",
        "title_en": "Seed",
        "occurred_on": "2024-06-01",
    }
    unknown = OutcomeForm(data={**data, "counterparty": "Nobody Inc"}, user=ow["users"]["manager"])
    assert unknown.errors["counterparty"] == [
        "No organisation in the registry is called “Nobody Inc”. Pick one from the list, or leave this empty and "
        "describe the counterparty below."
    ]
    twins = OutcomeForm(data={**data, "counterparty": "Twin Bio"}, user=ow["users"]["manager"])
    assert twins.errors["counterparty"] == [
        "Several organisations in the registry match “Twin Bio”; pick one from the list."
    ]
    boston = OutcomeForm(
        data={**data, "counterparty": "Twin Bio · 트윈바이오 미국 — Company, Boston"}, user=ow["users"]["manager"]
    )
    assert boston.is_valid() and boston.cleaned_data["counterparty"].slug == "twin-b"


def test_reporting_through_the_picker_saves_the_counterparty_and_edit_shows_its_label(ow, login):
    client = login(ow["users"]["startup"])
    response = client.post(
        "/outcomes/report/",
        {
            "organisation": ow["startup"].pk,
            "program": ow["our_program"].pk,
            "kind": "investment",
            "status": "lead",
            "title_en": "Seed from Investor Co",
            "occurred_on": "2024-06-01",
            "counterparty": "인베스터코",
            "period": "",
        },
    )
    outcome = Outcome.objects.get(title_en="Seed from Investor Co")
    assert response.status_code == 302 and outcome.counterparty == ow["investor"]
    edit = client.get(f"/outcomes/{outcome.pk}/edit/").content.decode()
    assert f'value="{organisation_label(ow["investor"])}"' in edit


def test_outcome_pages_show_sector_names_in_the_viewer_language_not_codes(ow, login):
    sector = SectorFactory(code="health.ai", name_en="health AI", name_ko="의료 AI")
    ow["startup"].sectors.add(sector)
    ow["commitment"].sectors.add(sector)
    outcome = OutcomeFactory(program=ow["our_program"], organisation=ow["startup"])
    client = login(ow["users"]["manager"])
    page = client.get(f"/outcomes/{outcome.pk}/").content.decode()
    assert page.count('<span class="chip">health AI</span>') == 2 and "health.ai" not in page
    ow["users"]["manager"].language = "ko"
    ow["users"]["manager"].save()
    korean = client.get(f"/outcomes/{outcome.pk}/").content.decode()
    assert korean.count('<span class="chip">의료 AI</span>') == 2 and "health.ai" not in korean


def test_one_date_format_per_language_in_the_viewer_zone():
    moment = dt.datetime(2025, 3, 10, 16, 30, tzinfo=dt.UTC)
    with timezone.override("Asia/Seoul"), translation.override("ko"):
        assert (day(dt.date(2025, 3, 10)), day_time(moment), day(moment)) == (
            "2025. 3. 10.",
            "2025. 3. 11. 오전 1:30",
            "2025. 3. 11.",
        )
    with timezone.override("America/Los_Angeles"), translation.override("en"):
        assert (day(dt.date(2025, 3, 10)), day_time(moment), day(None)) == ("10 Mar 2025", "10 Mar 2025, 09:30", "")


def test_outcome_pages_print_dates_in_that_one_format(ow, login):
    outcome = OutcomeFactory(
        program=ow["our_program"],
        organisation=ow["startup"],
        occurred_on=dt.date(2025, 3, 10),
        status="closed",
        confirmed_at=timezone.now(),
    )
    client = login(ow["users"]["manager"])
    for url in (f"/outcomes/{outcome.pk}/", "/outcomes/programs/our-program/", "/outcomes/"):
        page = client.get(url).content.decode()
        assert "10 Mar 2025" in page, url
        content = re.split(r"<main[^>]*>", page, maxsplit=1)[1]
        assert not re.search(r"2025-0?3-10|March 10, 2025|10/03/2025|03/10/2025", content), url


@pytest.mark.parametrize(
    "maximum, ticks",
    [
        (1, [0, 1]),
        (2, [0, 1, 2]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (37, [0, 10, 20, 30, 40]),
        (144, [0, 50, 100, 150]),
    ],
)
def test_count_axes_have_whole_distinct_ticks(maximum, ticks):
    assert charts.count_ticks(maximum) == ticks


def axis_labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>(\d+)</text>", svg)


def test_charts_never_repeat_a_tick_and_the_funnel_fits_its_card():
    # The bug: a count axis up to 1 printed "0, 1, 1" (ticks at 0, 0.5, 1 formatted as whole numbers).
    bars = charts.bars([("KR", 1, 0), ("US", 0, 1)], title="Outcomes by country")
    assert axis_labels(bars) == ["0", "1"]
    columns = charts.over_time([("2024 Q1", 1, 1)], title="Outcomes per quarter")
    assert axis_labels(columns) == ["0", "1", "2"]
    funnel = charts.funnel(
        [("Meeting requests", 144), ("Meetings", 114), ("Outcomes: Signed / closed", 6)],
        title="From meeting requests to outcomes",
    )
    width = int(re.search(r'<svg[^>]* width="(\d+)"', funnel).group(1))
    assert width <= 460  # the narrowest chart column; the page scales it down further on a phone
    assert 'aria-label="From meeting requests to outcomes"' in funnel


def test_every_control_on_the_outcome_pages_has_a_label(ow, login):
    outcome = OutcomeFactory(program=ow["our_program"], organisation=ow["startup"], amount=Decimal("5"), currency="USD")
    client = login(ow["users"]["manager"])
    for url in (
        "/outcomes/report/",
        f"/outcomes/{outcome.pk}/edit/",
        "/outcomes/programs/our-program/",
        "/outcomes/agreements/ours/",
        "/outcomes/programs/our-program/rates/",
        "/outcomes/programs/our-program/kpis/",
        "/outcomes/programs/our-program/reminders/",
        "/outcomes/agreement/ours/brief/",
    ):
        found = parse(client.get(url).content.decode())
        assert found.controls, url
        assert found.unlabelled() == [], url


def test_buttons_on_the_outcome_page_name_their_object(ow, login):
    outcome = OutcomeFactory(program=ow["our_program"], organisation=ow["startup"], title_en="Seed round")
    page = login(ow["users"]["manager"]).get(f"/outcomes/{outcome.pk}/").content.decode()
    found = parse(page)
    assert found.buttons == ["Confirm “Seed round”"]
    assert "Edit “Seed round”</a>" in page
    assert "Delete “Seed round”</a>" in page  # to the page that lists what the delete takes with it
    confirm = parse(login(ow["users"]["manager"]).get(f"/outcomes/{outcome.pk}/delete/").content.decode())
    assert confirm.buttons == ["Delete “Seed round”"]
    generic = {"Save", "Delete", "Edit", "Confirm", "Accept", "Reject", "Import"}
    for url in (
        "/outcomes/programs/our-program/rates/",
        "/outcomes/programs/our-program/kpis/",
        "/outcomes/programs/our-program/reminders/",
        "/outcomes/report/",
    ):
        buttons = parse(login(ow["users"]["manager"]).get(url).content.decode()).buttons
        assert not generic & set(buttons), (url, buttons)


def test_a_label_picked_in_korean_is_accepted_after_switching_to_english(ow):
    with translation.override("ko"):
        korean_label = organisation_label(ow["investor"])
    assert korean_label != organisation_label(ow["investor"])  # the kind is printed in the page's language
    form = OutcomeForm(
        data={
            "organisation": ow["startup"].pk,
            "program": ow["our_program"].pk,
            "kind": "investment",
            "status": "lead",
            "title_en": "Seed",
            "occurred_on": "2024-06-01",
            "counterparty": korean_label,
        },
        user=ow["users"]["manager"],
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["counterparty"] == ow["investor"]
