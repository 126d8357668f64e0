"""Prima without a mouse: an employee of the demo signs in, answers the open pulse and asks for
a day off, and their manager approves it, each with the keyboard alone (Tab, arrows, typing,
Enter) — every element reached shows where the focus is. Then a chart point tells its figure
to keyboard focus and to a tap.

The employee is `lyn-plg.01` of the demo (Layanan Pelanggan, whose head is `manager`), so that
the journeys of test_journeys.py, which use `employee`, find the demo as they expect.
"""

import datetime as dt
import re

import pytest

from tests.e2e.conftest import screenshot

EMPLOYEE = "lyn-plg.01"
REASON = "Mengurus KTP elektronik"
# The employee is too new for annual leave; one day of sick leave needs no doctor's letter.
LEAVE_TYPE = "Cuti sakit"


def tab_to(page, predicate: str, *, limit: int = 120) -> None:
    """Presses Tab until the focused element satisfies `predicate` (a JavaScript function of the
    element), and checks that the focus is visible there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({predicate}))(document.activeElement)"):
            style = page.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
            )
            assert style[0] != "none" or style[2] != "none", f"no visible focus on {predicate}"
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def matches(selector: str) -> str:
    return f"(element) => element.matches({selector!r})"


def keyboard_sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, matches("#id_username"))
    page.keyboard.type(username)
    tab_to(page, matches("#id_password"))
    page.keyboard.type("prima-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def next_weekday_ahead(today: dt.date) -> dt.date:
    """A weekday two weeks ahead, in this year when that is possible."""
    day = today + dt.timedelta(days=14)
    if day.year != today.year:
        day = today + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def keyboard_context(browser, demo_server):
    contexts = []

    def make():
        context = browser.new_context(
            base_url=demo_server["url"], viewport={"width": 1280, "height": 900}, locale="en-US"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def test_sign_in_answer_a_pulse_request_leave_and_approve_it_with_the_keyboard_alone(keyboard_context):
    page = keyboard_context()
    keyboard_sign_in(page, EMPLOYEE)

    # the open pulse, from the navigation
    tab_to(page, matches('#sidenav a[href="/pulse/"]'))
    page.keyboard.press("Enter")
    page.wait_for_url("**/pulse/")
    tab_to(page, matches('a[href$="/answer/"]'))
    page.keyboard.press("Enter")
    page.wait_for_url("**/answer/")
    groups = page.evaluate(
        "[...new Set([...document.querySelectorAll('.scale input[type=radio]')].map((input) => input.name))]"
    )
    assert len(groups) >= 3
    for name in groups:
        tab_to(page, matches(f'input[type=radio][name="{name}"]'))
        page.keyboard.press("ArrowRight")  # on a radio group the arrows choose
    assert page.locator(".scale input[type=radio]:checked").count() == len(groups)
    tab_to(page, matches("button[type=submit].primary"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/pulse/")
    assert page.locator(".messages").inner_text().startswith("Thank you")

    # a day off, from the navigation
    tab_to(page, matches('#sidenav a[href="/leave/"]'))
    page.keyboard.press("Enter")
    page.wait_for_url("**/leave/")
    day = next_weekday_ahead(dt.date.today())
    tab_to(page, matches("#id_leave_type"))
    for _ in range(20):
        if page.evaluate("document.activeElement.selectedOptions[0].text") == LEAVE_TYPE:
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.selectedOptions[0].text") == LEAVE_TYPE
    tab_to(page, matches("#id_start_date"))
    page.keyboard.type(day.strftime("%m%d%Y"))
    tab_to(page, matches("#id_end_date"))
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.input_value("#id_start_date") == page.input_value("#id_end_date") == day.isoformat()
    tab_to(page, matches("#id_reason"))
    page.keyboard.type(REASON)
    # the form counts the days as they are typed; its last count has arrived before sending
    page.locator("#leave-day-count").filter(has_text=re.compile(r"\d")).wait_for()
    page.wait_for_load_state("networkidle")
    tab_to(page, "(element) => element.tagName === 'BUTTON' && element.textContent.includes('Send request')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Pending" in page.locator("tr", has_text=day.strftime("%-d %b %Y")).first.inner_text()

    # the manager: the request waits in their navigation's approvals, decided from the keyboard
    approver = keyboard_context()
    keyboard_sign_in(approver, "manager")
    tab_to(approver, matches('#sidenav a[href="/leave/approvals/"]'))
    assert approver.evaluate("document.activeElement.querySelector('.count') !== null")
    approver.keyboard.press("Enter")
    approver.wait_for_url("**/leave/approvals/")
    tab_to(
        approver,
        "(element) => element.matches('button[value=approve]')"
        f" && element.closest('section.card').textContent.includes({REASON!r})",
    )
    screenshot(approver, "keyboard-approval")
    with approver.expect_navigation():
        approver.keyboard.press("Enter")
    assert approver.locator("section.card", has_text=REASON).count() == 0


def test_a_chart_point_tells_its_figure_to_focus_and_to_a_tap(keyboard_context, phone):
    page = keyboard_context()
    keyboard_sign_in(page, "leadership")
    page.goto("/insights/")
    point = page.locator(".chart svg circle").first
    title = point.locator("title").text_content().strip()
    tab_to(page, "(element) => element.matches('.chart svg circle')")
    tip = page.locator(".chart-tip")
    assert tip.is_visible()
    assert tip.text_content() == page.evaluate("document.activeElement.querySelector('title').textContent.trim()")
    assert title

    keyboard_sign_in(phone, "leadership")
    phone.goto("/pulse/heatmap/")
    phone.locator(".chart svg circle").first.tap()
    assert phone.locator(".chart-tip").is_visible()
    assert "Score" in phone.locator(".chart-tip").text_content()


def test_a_hidden_heatmap_row_tells_why_to_focus_and_to_a_tap(keyboard_context, phone):
    # the reason is said once, on the row; the row's first hidden cell takes focus and shows it
    page = keyboard_context()
    keyboard_sign_in(page, "leadership")
    page.goto("/insights/")
    tab_to(page, "(element) => element.matches('#table-heatmap td.why')")
    why = page.evaluate("document.activeElement.closest('tr').title")
    assert "anonymity" in why or "subtraction" in why
    assert page.locator(".chart-tip").is_visible() and page.locator(".chart-tip").text_content() == why
    # one stop per hidden row, not one per cell
    assert page.locator("#table-heatmap td[tabindex]").count() == page.locator("#table-heatmap td.why").count()

    keyboard_sign_in(phone, "leadership")
    phone.goto("/pulse/heatmap/")
    cell = phone.locator("table.heatmap td.why").first
    cell.tap()
    assert phone.locator(".chart-tip").is_visible()
    assert phone.locator(".chart-tip").text_content() == cell.evaluate("cell => cell.closest('tr').title")
