"""Every demo persona signs in, sees their home page, and can read it in Bahasa Indonesia."""

import pytest

from tests.e2e.conftest import screenshot, sign_in

PERSONAS = ["employee", "manager", "hr", "leadership", "admin"]


@pytest.mark.parametrize("username", PERSONAS)
def test_each_demo_persona_signs_in_to_a_home_page(page, username):
    sign_in(page, username)
    assert page.locator("h1").first.inner_text().startswith("Welcome")
    assert page.locator(".panel").count() >= 1
    screenshot(page, f"home-{username}")


def test_switching_to_bahasa_indonesia(page):
    sign_in(page, "employee")
    with page.expect_navigation():
        page.click("button[name=language][value=id]")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").first.inner_text().startswith("Selamat datang")
    assert page.get_by_role("button", name="Keluar").is_visible()
    screenshot(page, "home-employee-id")


def test_the_home_page_works_at_phone_width(phone):
    sign_in(phone, "employee")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    screenshot(phone, "home-employee-phone")


def test_a_wrong_password_is_refused_in_the_browser(page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "employee")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit].primary")
    assert page.get_by_role("alert").is_visible()
