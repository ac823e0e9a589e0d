"""A call from opening to decision, in the browser: the manager opens the call, a startup applies in Korean,
the manager assigns reviewers optimally (the bound is shown), a reviewer scores, the manager accepts (after a
confirmation that warns about the missing second review), the startup sees nothing yet, the manager reads the
Korean e-mail in the outbox and sends it, and only then the startup reads the decision in Korean."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from bridgehead.demo.scenario import DEMO_PASSWORD, load_demo
from bridgehead.programs.models import Application, AssignmentRun, Call
from tests.browser.axe import assert_no_serious_axe_violations

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
    page.fill(
        "textarea[name=summary]", "직업성 폐질환 흉부 X선을 판독하는 인공지능으로 조선소 근로자의 건강을 지킵니다."
    )
    page.fill("textarea[name=us_plan]", "샌디에이고 병원과 실증한 뒤 FDA 510(k) 인허가를 받겠습니다.")
    page.select_option("select[name=track]", "digital")
    page.set_input_files(
        "input[name=deck]", files=[{"name": "고래AI 소개.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
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
    assert_no_serious_axe_violations(page)

    # The reviewer (English UI) scores the application.
    log_in(page, base, "reviewer")
    page.goto(f"{base}/programs/my/")
    page.click("[data-testid=review-link]")
    for field in page.locator("input[name^=score_]").all():
        field.fill("4")
    page.fill("textarea[name=comment]", "Clear US plan; strong clinical partner.")
    assert "샌디에이고 병원과 실증" in page.inner_text("[data-testid=review-application]")  # beside the rubric
    screenshot("programs-04-review-en")
    assert_no_serious_axe_violations(page)
    page.click("[data-testid=submit-review]")
    page.wait_for_url(f"{base}/programs/my/")

    # The manager accepts it from the ranking: the select asks for a choice, and deciding takes a confirmation
    # that warns that only one of the two reviews is in.
    log_in(page, base, "manager")
    page.goto(f"{base}/programs/calls/{call.pk}/ranking/")
    select = page.locator(f"[data-testid=outcome-{application.pk}]")
    assert select.input_value() == ""
    assert select.get_attribute("aria-label") == "고래AI 결정"
    assert page.inner_text("[data-testid=incomplete-reviews]") == "미완료 심사 1건"
    assert_no_serious_axe_violations(page)
    select.select_option("accepted")
    page.click(f"[data-testid=decide-{application.pk}]")
    assert page.inner_text("[data-testid=confirm-question]") == (
        "고래AI을(를) 선정하시겠습니까? 신청 기업에는 발송함에서 메일을 보낼 때 통보됩니다."
    )
    assert page.inner_text("[data-testid=review-warning]").startswith("배정된 심사 2건 중 1건만 완료되었습니다")
    screenshot("programs-05-decision-confirm-ko")
    assert_no_serious_axe_violations(page)
    with page.expect_navigation():  # the refusal is a new page: wait for it, not the form it replaces
        page.click("[data-testid=confirm-decision]")  # without ticking the box: refused, nothing recorded
    assert page.locator("[data-testid=decision-confirm]").is_visible()
    warning = page.get_attribute("[data-testid=review-warning]", "data-refusal-code")
    assert warning == "programs.decision.reviews_incomplete"
    assert Application.objects.get(pk=application.pk).status == "submitted"
    page.check("input[name=despite_incomplete]")
    page.click("[data-testid=confirm-decision]")
    page.wait_for_url(f"{base}/programs/calls/{call.pk}/ranking/")
    assert page.inner_text(f"[data-testid=decided-{application.pk}]") == "선정"
    assert page.inner_text(f"[data-testid=not-sent-{application.pk}]") == "미통보"
    assert page.locator(f"[data-testid=outcome-{application.pk}]").input_value() == "accepted"
    screenshot("programs-06-decision-manager-ko")
    assert mail.outbox == []

    # The startup sees no decision yet.
    log_in(page, base, "startup")
    page.goto(f"{base}/programs/applications/{application.pk}/")
    assert page.inner_text("[data-testid=application-status]") == "제출 완료"
    assert page.locator("[data-testid=decision]").count() == 0

    # The manager reads the Korean e-mail in the outbox and sends it.
    log_in(page, base, "manager")
    page.goto(f"{base}/programs/calls/{call.pk}/ranking/")
    page.click("[data-testid=outbox-link]")
    expect(page.locator("[data-testid=queued-message]")).to_have_count(1)  # waits for the outbox page
    assert_no_serious_axe_violations(page)
    page.click("[data-testid=open-message]")
    page.wait_for_selector("[data-testid=send-message]")
    assert page.input_value("input[name=subject]").endswith("고래AI 선정 안내")
    body = page.input_value("textarea[name=body]")
    assert f"/programs/applications/{application.pk}/" in body and "확인하실 수 있습니다.\nhttp" in body
    assert body.startswith("수신: 고래AI ") and "운영 사무국 드림" in body  # the letter form (issue 17)
    screenshot("programs-07-outbox-message-ko")
    assert_no_serious_axe_violations(page)
    page.click("[data-testid=send-message]")
    page.wait_for_selector("[data-testid=outbox-empty]")  # is_visible() would not wait for the next page
    korean = [m for m in mail.outbox if m.to == ["startup@demo.bridgehead.example"]]
    assert len(korean) == 1 and korean[0].subject.endswith("고래AI 선정 안내")

    # Now the startup sees the decision, in Korean.
    log_in(page, base, "startup")
    page.goto(f"{base}/programs/applications/{application.pk}/")
    assert page.inner_text("[data-testid=decision] h2") == "결정: 선정"
    screenshot("programs-08-decision-startup-ko")
    assert_no_serious_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("programs-08-decision-startup-ko-390")
    page.goto(f"{base}/inbox/")
    assert "고래AI이(가) 차기" in page.inner_text("main")  # the in-app notice, in Korean
