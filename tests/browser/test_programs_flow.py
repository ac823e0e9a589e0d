"""A call from opening to decision, in the browser: the manager opens the call, a startup applies in Korean,
the manager assigns reviewers optimally (the bound is shown), a reviewer scores, the manager accepts and the
startup reads the decision in Korean."""

from __future__ import annotations

import pytest
from django.core import mail

from bridgehead.demo.scenario import DEMO_PASSWORD, load_demo
from bridgehead.programs.models import Application, AssignmentRun, Call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{base}/")


def test_call_from_opening_to_decision(live_server, page, screenshot):
    load_demo()
    base = live_server.url
    call = Call.objects.get(slug="next-cohort")

    # The program manager (Korean UI) opens the prepared call.
    log_in(page, base, "manager")
    page.goto(f"{base}/programs/calls/{call.pk}/edit/")
    page.check("input[name=is_published]")
    page.click("[data-testid=save-call]")
    assert page.inner_text("[data-testid=call-status]") == "접수 중"
    screenshot("programs-01-call-opened-ko")

    # A startup member applies in Korean.
    log_in(page, base, "startup")
    page.goto(f"{base}/programs/calls/{call.pk}/")
    page.click("[data-testid=apply]")
    page.fill("textarea[name=summary]",
              "직업성 폐질환 흉부 X선을 판독하는 인공지능으로 조선소 근로자의 건강을 지킵니다.")
    page.fill("textarea[name=us_plan]", "샌디에이고 병원과 실증한 뒤 FDA 510(k) 인허가를 받겠습니다.")
    page.select_option("select[name=track]", "digital")
    page.set_input_files("input[name=deck]", files=[{"name": "고래AI 소개.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    screenshot("programs-02-application-ko")
    page.click("[data-testid=submit-application]")
    assert page.inner_text("[data-testid=application-status]") == "제출 완료"
    application = Application.objects.get(call=call)
    assert application.files.get().content_type == "application/pdf"

    # The manager assigns reviewers optimally; the objective and its LP bound are shown.
    log_in(page, base, "manager")
    page.goto(f"{base}/programs/calls/{call.pk}/assignment/")
    page.click("[data-testid=run-assignment]")
    page.wait_for_selector("[data-testid=run-status][data-status=done]")
    objective = float(page.inner_text("[data-testid=run-objective]"))
    bound = float(page.inner_text("[data-testid=run-bound]"))
    assert objective == pytest.approx(bound, abs=1e-3)
    assert page.locator("[data-testid=assigned-reviewer]").count() == 2
    assert AssignmentRun.objects.get(call=call).assigned == 2
    screenshot("programs-03-assignment-bound-ko")

    # The reviewer (English UI) scores the application.
    log_in(page, base, "reviewer")
    page.goto(f"{base}/programs/my/")
    page.click("[data-testid=review-link]")
    for field in page.locator("input[name^=score_]").all():
        field.fill("4")
    page.fill("textarea[name=comment]", "Clear US plan; strong clinical partner.")
    screenshot("programs-04-review-en")
    page.click("[data-testid=submit-review]")
    page.wait_for_url(f"{base}/programs/my/")

    # The manager accepts it from the ranking.
    log_in(page, base, "manager")
    page.goto(f"{base}/programs/calls/{call.pk}/ranking/")
    page.select_option(f"[data-testid=outcome-{application.pk}]", "accepted")
    page.click(f"[data-testid=decide-{application.pk}]")
    assert page.inner_text(f"[data-testid=decided-{application.pk}]") == "선정"
    screenshot("programs-05-decision-manager-ko")

    # The startup sees the decision, in Korean, and got the e-mail in Korean.
    log_in(page, base, "startup")
    page.goto(f"{base}/programs/applications/{application.pk}/")
    assert page.inner_text("[data-testid=decision] h2") == "결정: 선정"
    screenshot("programs-06-decision-startup-ko")
    korean = [m for m in mail.outbox if m.to == ["startup@demo.bridgehead.example"]]
    assert korean and korean[0].subject.endswith("고래AI 선정 안내")
