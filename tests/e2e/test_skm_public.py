"""The public SKM in the browser: a customer answers on a phone-sized page in Bahasa Indonesia
and cannot answer twice from the same phone; the counter's kiosk, with the network switched
off, queues three answers and sends them exactly once when the network is back."""

import json
import re
import time
import urllib.request

import pytest

from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_accessibility import audit

UNIT = "Layanan Pelanggan"  # LYN-PLG collects this month's SKM in the demo (service_quality/demo.py)


def _api(demo_server, path: str, *, token: str | None = None, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        demo_server["url"] + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def hr_token(demo_server):
    return _api(demo_server, "/api/v1/auth/token/", body={"username": "hr", "password": "prima-demo"})["token"]


@pytest.fixture(scope="module")
def collection(demo_server, hr_token):
    units = {
        unit["id"]: unit["name"]
        for unit in _api(demo_server, "/api/v1/departments/?page_size=500", token=hr_token)["results"]
    }
    collections = _api(demo_server, "/api/v1/service-quality/collections/?status=open", token=hr_token)["results"]
    return next(item for item in collections if units[item["department"]] == UNIT)


def _responses(demo_server, hr_token, collection) -> int:
    return _api(demo_server, f"/api/v1/service-quality/collections/{collection['id']}/results/", token=hr_token)[
        "responses"
    ]


QUEUE_LENGTH = (
    "JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('prima-skm-queue-'))) || '[]')"
    ".length"
)


def _wait_until(page, expression: str, expected, *, seconds: float = 40) -> None:
    """Polls `expression` from the test (the page's CSP allows no eval, which wait_for_function needs)."""
    deadline = time.monotonic() + seconds
    while page.evaluate(expression) != expected:
        assert time.monotonic() < deadline, f"{expression} never became {expected!r}"
        time.sleep(0.25)


def _answer_every_step(page, *, choice: int) -> None:
    """Picks option `choice` (or the last) in every question, step by step, and sends."""
    steps = page.locator(".skm-step").count()
    for _step in range(steps):
        current = page.locator(".skm-step:visible")
        groups = current.locator("fieldset.skm-choice[aria-required=true]")
        for index in range(groups.count()):
            options = groups.nth(index).locator("label.skm-option")
            options.nth(min(choice, options.count() - 1)).click()
        if page.locator("#skm-next").is_visible():
            page.locator("#skm-next").click()
    page.locator("#skm-submit").click()


def test_a_customer_answers_on_a_phone_in_bahasa_indonesia_and_only_once(phone, demo_server, hr_token, collection):
    # given a customer who scanned the poster's QR code
    before = _responses(demo_server, hr_token, collection)
    phone.goto(collection["public_url"].replace("http://testserver", demo_server["url"]))
    assert phone.locator("html").get_attribute("lang") == "id"
    assert phone.get_by_role("heading", name=UNIT).is_visible()
    screenshot(phone, "skm-public-form-phone")
    # when they answer every question and send
    _answer_every_step(phone, choice=3)
    # then they are thanked and the answer is counted
    phone.get_by_text("Terima kasih atas jawaban Anda!").first.wait_for()
    screenshot(phone, "skm-public-form-thanks")
    assert _responses(demo_server, hr_token, collection) == before + 1
    # when the same phone answers again
    phone.reload()
    _answer_every_step(phone, choice=2)
    # then it is refused, in Bahasa Indonesia, and nothing more is counted
    phone.locator("#skm-errors").get_by_text(re.compile("sudah menjawab survei ini")).wait_for()
    assert _responses(demo_server, hr_token, collection) == before + 1


def test_the_kiosk_queues_answers_offline_and_sends_each_once_when_back(browser, demo_server, hr_token, collection):
    # given HR's kiosk link, opened on the counter's tablet (not signed in)
    staff = browser.new_context(base_url=demo_server["url"])
    try:
        page = staff.new_page()
        sign_in(page, "hr")
        page.goto(f"/service-quality/collections/{collection['id']}/")
        kiosk_url = page.get_by_role("link", name="Open the kiosk").get_attribute("href")
    finally:
        staff.close()
    tablet = browser.new_context(base_url=demo_server["url"], viewport={"width": 800, "height": 1200}, has_touch=True)
    try:
        kiosk = tablet.new_page()
        kiosk.set_default_timeout(20_000)
        kiosk.goto(kiosk_url.replace("http://testserver", demo_server["url"]))
        assert kiosk.evaluate("navigator.serviceWorker.ready.then(() => true)")
        before = _responses(demo_server, hr_token, collection)
        # when the network goes away and three customers answer
        tablet.set_offline(True)
        for choice in (3, 2, 3):
            _answer_every_step(kiosk, choice=choice)
            kiosk.locator(".skm-step:visible").first.wait_for()  # the kiosk is ready for the next customer
        _wait_until(kiosk, QUEUE_LENGTH, 3)
        assert _responses(demo_server, hr_token, collection) == before
        screenshot(kiosk, "skm-kiosk-offline")
        # then, with the network back, the queue empties and each answer is counted once
        tablet.set_offline(False)
        _wait_until(kiosk, QUEUE_LENGTH, 0)
        assert _responses(demo_server, hr_token, collection) == before + 3
        kiosk.evaluate("window.dispatchEvent(new Event('online'))")  # a second flush finds nothing to send
        kiosk.wait_for_timeout(1000)
        assert _responses(demo_server, hr_token, collection) == before + 3
    finally:
        tablet.close()


def test_the_public_form_passes_axe_on_a_phone_in_both_languages(browser, demo_server, collection):
    # bypass_csp: the audit's script is added inline; the form's own policy is tested elsewhere
    context = browser.new_context(
        base_url=demo_server["url"], viewport={"width": 360, "height": 780}, is_mobile=True, bypass_csp=True
    )
    try:
        page = context.new_page()
        url = collection["public_url"].replace("http://testserver", demo_server["url"])
        for language in ("id", "en"):
            page.goto(f"{url}?lang={language}")
            assert audit(page) == []
            # and with a problem listed (a step left unanswered)
            page.locator("#skm-next").click()
            page.locator("#skm-errors").wait_for()
            assert audit(page) == []
    finally:
        context.close()


def test_a_phone_without_javascript_sends_the_form_and_is_thanked(browser, demo_server, hr_token, collection):
    # given a phone with JavaScript switched off: every question shows on one page
    context = browser.new_context(
        base_url=demo_server["url"], viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        before = _responses(demo_server, hr_token, collection)
        page.goto(collection["public_url"].replace("http://testserver", demo_server["url"]))
        assert not page.locator("#skm-next").is_visible()
        # when the customer answers everything but one question and sends
        groups = page.locator("fieldset.skm-choice[aria-required=true]")
        for index in range(1, groups.count()):
            options = groups.nth(index).locator("label.skm-option")
            options.nth(min(2, options.count() - 1)).click()
        page.locator("#skm-submit").click()
        # then the page comes back naming the question, with the answers kept, and nothing is counted
        page.locator("#skm-errors li").first.wait_for()
        assert page.locator("input[type=radio]:checked").count() == groups.count() - 1
        assert _responses(demo_server, hr_token, collection) == before
        # when they answer it too and send again
        groups.nth(0).locator("label.skm-option").first.click()
        page.locator("#skm-submit").click()
        # then they are thanked in Bahasa Indonesia, and the answer is counted once
        page.get_by_role("heading", name="Terima kasih atas jawaban Anda!").wait_for()
        assert _responses(demo_server, hr_token, collection) == before + 1
    finally:
        context.close()
