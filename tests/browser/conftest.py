"""Browser tests: Playwright (Python) driving Debian's /usr/bin/chromium against pytest-django's live server.

No browser is ever downloaded: `make test` installs Debian's chromium when it is missing. Screenshots go
to var/screenshots/ so a person can look at what the test saw.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import deque
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    """One chromium for the session.

    Playwright's sync API keeps an event loop running in this thread while the browser lives; the ORM calls
    the tests and the database fixtures make meanwhile are ordinary synchronous calls, so Django's
    async-safety guard is lifted for exactly that span.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make browser-deps` (make test does it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class RequestLog:
    """The page's recent requests and those still unanswered, for the report of a failed test: a wait that
    timed out then says whether the server never answered (a request still waiting), answered slowly, or
    answered with a page that stayed put (a form re-shown with its errors)."""

    def __init__(self, page) -> None:
        self.started: dict[object, float] = {}
        self.status: dict[object, int] = {}
        self.done: deque[str] = deque(maxlen=12)
        page.on("request", lambda request: self.started.setdefault(request, time.monotonic()))
        page.on("response", lambda response: self.status.__setitem__(response.request, response.status))
        page.on("requestfinished", lambda request: self._end(request, ""))
        page.on("requestfailed", lambda request: self._end(request, " (failed)"))

    def _end(self, request, how: str) -> None:
        began = self.started.pop(request, None)
        took = f"{time.monotonic() - began:.1f} s" if began is not None else "?"
        self.done.append(f"{request.method} {request.url} → {self.status.pop(request, '-')} in {took}{how}")

    def report(self) -> str:
        now = time.monotonic()
        waiting = [f"{r.method} {r.url}, waiting {now - t:.1f} s" for r, t in self.started.items()]
        return "\n".join(["requests still waiting:", *(waiting or ["none"]), "last answered requests:", *self.done])


def _watched(page):
    page.request_log = RequestLog(page)
    page.set_default_timeout(15_000)
    # A page load waits for the live server, which shares the 2 CI cores with the other test worker (and, in
    # some tests, with worker processes and chromium): allow it twice the time of an action.
    page.set_default_navigation_timeout(30_000)
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report shows what each of its pages showed: address, headings, messages and form
    errors, the requests above, and a screenshot in var/screenshots/failed-<test>.png."""
    report = yield
    if report.when != "call" or not report.failed:
        return report
    for name in ("page", "phone"):
        page = item.funcargs.get(name) if hasattr(item, "funcargs") else None
        if page is None or page.is_closed():
            continue
        lines = [f"address: {page.url}"]
        try:
            lines += page.locator("h1, .messages li, .errorlist li").all_inner_texts()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"failed-{item.name}-{name}.png"), full_page=True, timeout=5_000)
        except Exception as exc:  # a page stuck in a navigation: say so and keep the rest
            lines.append(f"(could not read the page: {type(exc).__name__})")
        lines.append(page.request_log.report())
        report.sections.append((f"{name} when the test failed", "\n".join(lines)))
    return report


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    yield _watched(context.new_page())
    context.close()


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    """A page in a 390 × 844 touch phone, for the pages people use on the day."""
    context = browser.new_context(viewport=PHONE, locale="en-US", device_scale_factor=2, is_mobile=True, has_touch=True)
    yield _watched(context.new_page())
    context.close()


def log_in(page, base: str, username: str, password: str) -> None:
    """Sign in afresh (cookies of an earlier person cleared) and land on the home page."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
