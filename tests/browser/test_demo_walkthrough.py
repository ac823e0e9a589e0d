"""The whole demo as a newcomer walks it, straight after loading it (no date edits, no worker started by hand):
a Korean startup requests a meeting → the US investor accepts → the program manager solves (on a real background
worker process, as `make demo` runs one) and publishes → both see the meeting as their next one on a phone-sized
home page → check-in → feedback → the startup reports an outcome, the manager confirms it → the observer's
dashboard and the public PDF name no confidential outcome.

axe-core checks home, agenda, recommendations, ranking, the outcome form and the dashboards on the way; every
step leaves a screenshot at 1280 px or 390 px under var/screenshots/ (prefix `walkthrough-`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from bridgehead.demo.partnering import LIVE_SLUG
from bridgehead.demo.scenario import AGREEMENT_SLUG, DEMO_PASSWORD, PROGRAM_SLUG, load_demo
from bridgehead.outcomes.models import Outcome
from bridgehead.partnering.enums import ACTIVE_RUN_STATUSES, RunStatus
from bridgehead.partnering.models import Meeting, Participant, ScheduleRun
from bridgehead.programs.models import Call, Program
from tests.browser.axe import assert_no_serious_axe_violations
from tests.browser.conftest import SCREENSHOTS
from tests.partnering.test_worker_killed import database_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def worker(settings):
    """Start a real `bridgehead worker` process on the test database; from then on tasks are queued in the
    database, as in the demo (`make demo` loads the scenario first, then serves the site beside a worker)."""
    processes = []

    def start() -> subprocess.Popen:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "bridgehead.site.settings",
            "MATCH_ENCODER": "hash",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        command = [
            str(Path(sys.executable).with_name("bridgehead")),
            "worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ]
        processes.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        return processes[-1]

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def wait_until(condition, failure: str, timeout: float = 30.0) -> None:
    """Wait for the server to have done what a click asked (the page may still show the old state)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.2)


class Person:
    """One demo login in their own browser context, at a chosen width."""

    def __init__(self, browser, base: str, username: str, viewport: dict) -> None:
        self.context = browser.new_context(viewport=viewport, locale="en-US")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.base, self.width = base, viewport["width"]
        self.page.goto(f"{base}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("[data-testid=login-submit]")
        self.page.wait_for_url(f"{base}/")

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def check(self, name: str) -> None:
        """No page-level overflow at this width, no serious axe-core violation, and a screenshot."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, f"{self.page.url} is {width} px wide at {self.width} px: {self.wide()}"
        assert_no_serious_axe_violations(self.page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"walkthrough-{name}-{self.width}.png"), full_page=True)

    def wide(self) -> list[str]:
        """The innermost elements that reach past the viewport, with their text: what to fix."""
        return self.page.evaluate(
            """w => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w
                    && ![...e.children].some(c => c.getBoundingClientRect().right > w))
                .slice(0, 5)
                .map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> ${e.innerText.slice(0, 60)}`)""",
            self.width,
        )

    def close(self) -> None:
        self.context.close()


def test_a_newcomer_walks_the_whole_demo(live_server, browser, worker, tmp_path):
    load_demo()
    worker = worker()
    base = live_server.url
    startup_p = Participant.objects.select_related("organisation").get(
        event__slug=LIVE_SLUG, person__user__username="startup"
    )
    investor_p = Participant.objects.select_related("organisation").get(
        event__slug=LIVE_SLUG, person__user__username="investor"
    )
    with translation.override("en"):
        startup_en = str(startup_p.organisation.name)

    # 1. The startup (Korean UI) finds the investor among its recommendations, on a phone, and asks to meet.
    startup = Person(browser, base, "startup", PHONE)
    startup.check("01-startup-home")
    startup.go(f"/events/{LIVE_SLUG}/recommendations/")
    assert startup.page.locator("html").get_attribute("lang") == "ko"
    startup.check("02-startup-recommendations")
    request_button = f"[data-testid=request-{investor_p.pk}], [data-testid=request-any-{investor_p.pk}]"
    startup.page.locator(request_button).first.click()
    # No second request offered (expect() waits for the answer to the click; count() would read the old page).
    expect(startup.page.locator(f"[data-testid=request-{investor_p.pk}]")).to_have_count(0)

    # 2. The investor (English UI, laptop) sees the waiting request from home and accepts it.
    investor = Person(browser, base, "investor", DESKTOP)
    assert investor.page.locator("[data-testid=unread-badge]").count() == 1  # the request is in the inbox too
    investor.page.locator(f"[data-testid=waiting-requests] a[href*='{LIVE_SLUG}']").click()
    incoming = investor.page.locator("[data-testid^=incoming-]", has_text=startup_en)
    incoming.locator("[data-testid^=accept-]").click()
    meetings = Meeting.objects.filter(
        event__slug=LIVE_SLUG, first__in=[startup_p, investor_p], second__in=[startup_p, investor_p]
    )
    wait_until(meetings.exists, "the accepted request became no meeting")
    meeting = meetings.get()
    investor.check("03-investor-accepted")

    # 3. The program manager (Korean UI) solves on the background worker and publishes.
    manager = Person(browser, base, "manager", DESKTOP)
    manager.go(f"/events/{LIVE_SLUG}/schedule/")
    manager.page.fill("input[name=time_limit]", "5")
    manager.page.click("[data-testid=solve]")
    run = ScheduleRun.objects.filter(event__slug=LIVE_SLUG).latest("pk")
    deadline = time.monotonic() + 180
    while run.status in ACTIVE_RUN_STATUSES and time.monotonic() < deadline:  # the worker picks it up
        assert worker.poll() is None, worker.stderr.read().decode()
        time.sleep(0.5)
        run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    manager.page.wait_for_selector("[data-testid=publish]", timeout=30_000)  # htmx polling shows the result
    manager.check("04-manager-schedule-result")
    manager.page.click("[data-testid=publish]")
    wait_until(
        lambda: Meeting.objects.filter(pk=meeting.pk, slot__isnull=False).exists(), "the showcase meeting got no time"
    )
    meeting.refresh_from_db()
    assert meeting.slot.session.name_en.startswith("Online")  # the only time the two share: today's online session

    # 4. Both see it as their next meeting on a phone-sized home page; the agenda is one click away.
    startup.go("/")
    next_meeting = startup.page.locator("[data-testid=next-meeting]")
    with translation.override("ko"):
        assert str(investor_p.organisation.name) in next_meeting.inner_text()
    startup.check("05-startup-next-meeting")
    investor_phone = Person(browser, base, "investor", PHONE)
    assert investor_phone.page.locator("[data-testid=next-meeting]", has_text=startup_en).count() == 1
    investor_phone.check("06-investor-next-meeting")

    # 5. On the day (today's online session): check in and give feedback, from the phone agenda.
    investor_phone.page.click("[data-testid=agenda-link]")
    investor_phone.page.wait_for_selector("[data-testid=agenda]")
    investor_phone.check("07-investor-agenda")
    investor_phone.page.get_by_role("button", name=f"Check in with {startup_en}").click()
    investor_phone.page.wait_for_selector(f"text=Checked in with {startup_en}.")
    form = investor_phone.page.locator(f"[data-testid=feedback-form-{meeting.pk}]")
    form.locator("input[type=radio]").first.check()  # the meeting was useful
    form.locator("input[name=follow_up][value=yes]").check()
    investor_phone.page.get_by_role("button", name=f"Send feedback on {startup_en}").click()
    investor_phone.page.wait_for_selector("[data-testid=feedback-sent]")
    meeting.refresh_from_db()
    assert meeting.status == "checked_in"
    investor_phone.check("08-investor-feedback-sent")

    # 6. The startup reports the investment that followed (Korean UI); the manager confirms it.
    startup_desk = Person(browser, base, "startup", DESKTOP)
    startup_desk.go("/outcomes/report/")
    startup_desk.check("09-outcome-form")
    startup_desk.page.select_option("select[name=organisation]", str(startup_p.organisation.pk))
    startup_desk.page.select_option("select[name=program]", str(Program.objects.get(slug=PROGRAM_SLUG).pk))
    startup_desk.page.select_option("select[name=kind]", "investment")
    startup_desk.page.select_option("select[name=status]", "closed")
    startup_desk.page.fill("input[name=title_ko]", "데모 시드 투자 유치")
    startup_desk.page.fill("input[name=title_en]", "Demo seed investment")
    startup_desk.page.fill("input[name=amount]", "500000")
    startup_desk.page.fill("input[name=currency]", "USD")
    startup_desk.page.fill("input[name=country]", "US")
    startup_desk.page.fill("input[name=occurred_on]", meeting.slot.starts_at.date().isoformat())
    startup_desk.page.click("[data-testid=save-outcome]")
    startup_desk.page.wait_for_selector("[data-testid=outcome-title]")
    outcome = Outcome.objects.get(title_en="Demo seed investment")
    assert outcome.confirmed_at is None
    manager.go(f"/outcomes/{outcome.pk}/")
    manager.page.click("[data-testid=confirm-outcome]")
    manager.page.wait_for_selector("[data-testid=confirmed]")
    outcome.refresh_from_db()
    assert outcome.confirmed_at is not None

    # The manager's ranking page passes the same checks.
    call = Call.objects.filter(program__slug=PROGRAM_SLUG, applications__isnull=False).distinct().first()
    manager.go(f"/programs/calls/{call.pk}/ranking/")
    manager.check("10-manager-ranking")

    # 7. The observer (Ulsan City) reads the dashboards and the public PDF: no confidential outcome is named.
    observer = Person(browser, base, "observer", DESKTOP)
    observer.go(f"/outcomes/agreements/{AGREEMENT_SLUG}/")
    observer.check("11-observer-agreement-dashboard")
    observer_phone = Person(browser, base, "observer", PHONE)
    observer_phone.go(f"/outcomes/agreements/{AGREEMENT_SLUG}/")
    observer_phone.check("12-observer-agreement-dashboard")
    observer_phone.go(f"/outcomes/programs/{PROGRAM_SLUG}/")
    observer_phone.check("13-observer-program-dashboard")
    with observer.page.expect_download() as download:
        observer.page.click("[data-testid=download-public-pdf]")
    pdf = tmp_path / "public.pdf"
    pdf.write_bytes(Path(download.value.path()).read_bytes())
    assert shutil.which("pdftotext"), "install poppler-utils (make browser-deps)"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    confidential = list(Outcome.objects.filter(is_confidential=True))
    assert confidential, "the demo has a confidential outcome to withhold"
    for secret in confidential:
        assert secret.title_en not in text and secret.title_ko not in text
    assert "데모 시드 투자 유치" in text or "Demo seed investment" in text

    for person in (startup, investor, manager, investor_phone, startup_desk, observer, observer_phone):
        person.close()
