"""Pictures of the main pages, one screen each (1280×800, phones 390×844), for the README:

    SCREENSHOT_DIR=docs/screenshots .venv/bin/python -m pytest tests/e2e/test_screenshots.py

Without SCREENSHOT_DIR they go to test-artifacts/screenshots/ like every browser test's. Each
test also checks that the page it pictures is the page it expects.
"""

import re

from tests.e2e.conftest import screenshot, sign_in

DESKTOP = {"width": 1280, "height": 800}


def _shot(page, name: str) -> None:
    screenshot(page, name, full_page=False)


def test_leadership_pages(page):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "leadership")
    _shot(page, "home-leadership")

    page.goto("/insights/")
    assert page.locator("h1").inner_text() == "Dashboard"
    _shot(page, "dashboard")
    page.evaluate("document.getElementById('heatmap-heading').scrollIntoView()")
    _shot(page, "dashboard-heatmap")
    page.evaluate("document.getElementById('quality-heading').scrollIntoView()")
    _shot(page, "dashboard-service-quality")

    page.goto("/service-quality/")
    assert page.locator(".badge.grade-a, .badge.grade-b, .badge.grade-c, .badge.grade-d").count() >= 1
    _shot(page, "service-quality")

    page.goto("/reports/")
    page.locator("tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    page.evaluate("document.getElementById('summary').scrollIntoView()")
    _shot(page, "correlation-report")
    page.evaluate("document.getElementById('lags-heading').scrollIntoView()")
    _shot(page, "correlation-lags")


def test_the_dashboard_in_bahasa_indonesia_and_on_a_phone(page, phone):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "leadership")
    with page.expect_navigation():
        page.click("button[name=language][value=id]")
    page.goto("/insights/")
    assert page.locator("h1").inner_text() == "Dasbor"
    _shot(page, "dashboard-id")

    sign_in(phone, "leadership")
    phone.goto("/insights/")
    _shot(phone, "dashboard-phone")


def test_employee_pages(page):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "employee")
    _shot(page, "home-employee")
    page.goto("/leave/")
    assert page.locator("#leave-request-form").is_visible()
    _shot(page, "leave")
    page.goto("/rewards/wall/")
    _shot(page, "recognition-wall")


def test_manager_pages(page):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "manager")
    page.goto("/pulse/")
    answer = page.get_by_role("link", name="Answer now")
    if answer.count():
        answer.first.click()
        page.wait_for_url(re.compile(r"/answer/$"))
        _shot(page, "pulse-answer")
    page.goto("/leave/approvals/")
    _shot(page, "leave-approvals")
    page.goto("/improvement/")
    _shot(page, "action-plans")


def test_hr_pages(page):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "hr")
    _shot(page, "home-hr")
    page.goto("/pulse/heatmap/")
    _shot(page, "pulse-heatmap")
    page.goto("/rewards/board/")
    _shot(page, "bonus-board")
