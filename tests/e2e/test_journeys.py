"""The main journeys through the demo, in the browser: an employee answers the open pulse and
asks for leave, the manager approves it, HR imports an SKM file, leadership runs a correlation
report and reads it, and the dashboard in both languages and at phone width.

The journeys share one demo server, so each one leaves the demo as the next one expects (the
employee's request is the one the manager approves) and they run in this file's order.
"""

import datetime as dt
import re
import sqlite3

import pytest

from tests.e2e.conftest import screenshot, sign_in

LEAVE_REASON = "Menghadiri wisuda adik"
SKM_PERIOD = "2024-06"  # the demo's SKM results start in the last twelve months
SKM_UNIT = "LYN-PLG"  # Layanan Pelanggan, a service unit of the demo (employees/demo.py)


def _leave_start(today: dt.date, taken: list[tuple[dt.date, dt.date]]) -> dt.date:
    """A Wednesday at least a week ahead in this year's leave balance (else the next weekday),
    on none of the days the person already asked for (the demo's leave falls on random days
    around today)."""

    def free(day: dt.date) -> bool:
        return not any(first <= day <= last for first, last in taken)

    day = today + dt.timedelta(days=7)
    while day.year == today.year:
        if day.weekday() == 2 and free(day):
            return day
        day += dt.timedelta(days=1)
    day = today + dt.timedelta(days=1)
    while day.weekday() >= 5 or not free(day):
        day += dt.timedelta(days=1)
    return day


def _leave_taken(page) -> list[tuple[dt.date, dt.date]]:
    """The (first, last) days of every request on the person's leave page."""
    taken = []
    for text in page.locator("tr").all_inner_texts():
        days = [dt.datetime.strptime(part, "%d %b %Y").date() for part in re.findall(r"\d{1,2} \w{3} \d{4}", text)]
        if len(days) >= 2:
            taken.append((days[0], days[1]))
    return taken


def test_an_employee_answers_the_open_pulse(page):
    # given the demo's open round, which `employee` has not answered
    sign_in(page, "employee")
    page.goto("/pulse/")
    page.get_by_role("link", name="Answer now").first.click()
    page.wait_for_url(re.compile(r"/pulse/rounds/\d+/answer/$"))
    # when every rating question is answered (the second-highest point of each scale)
    scales = page.locator(".scale")
    assert scales.count() >= 3
    for index in range(scales.count()):
        labels = scales.nth(index).locator("label")
        labels.nth(labels.count() - 2).click()
    screenshot(page, "pulse-answer")
    page.get_by_role("button", name=re.compile("Send|Submit")).click()
    # then the answers are recorded and the round is no longer waiting
    page.wait_for_url("**/pulse/")
    assert page.locator(".messages").inner_text().startswith("Thank you")
    assert page.get_by_role("link", name="Answer now").count() == 0
    screenshot(page, "pulse-answered")


def test_an_employee_requests_leave_and_the_manager_approves_it(browser, demo_server):
    employee = browser.new_context(base_url=demo_server["url"], viewport={"width": 1280, "height": 900})
    manager = browser.new_context(base_url=demo_server["url"], viewport={"width": 1280, "height": 900})
    try:
        page = employee.new_page()
        sign_in(page, "employee")
        page.goto("/leave/")
        start = _leave_start(dt.date.today(), _leave_taken(page))
        page.select_option("#id_leave_type", label="Cuti tahunan")
        page.fill("#id_start_date", start.isoformat())
        page.fill("#id_end_date", start.isoformat())
        page.fill("#id_reason", LEAVE_REASON)
        # the form counts the working days as the dates are chosen
        page.locator("#leave-day-count").filter(has_text=re.compile(r"\d")).wait_for()
        screenshot(page, "leave-request")
        with page.expect_navigation():
            page.get_by_role("button", name="Send request").click()
        row = page.locator("tr", has_text=start.strftime("%-d %b %Y")).first
        assert "Pending" in row.inner_text()

        # the manager sees it among the requests waiting for them and approves it
        approver = manager.new_page()
        sign_in(approver, "manager")
        approver.goto("/leave/approvals/")
        card = approver.locator("section.card", has_text=LEAVE_REASON)
        assert "Siti Rahayu" in card.inner_text()
        screenshot(approver, "leave-approvals")
        with approver.expect_navigation():
            card.get_by_role("button", name="Approve").click()
        assert approver.locator("section.card", has_text=LEAVE_REASON).count() == 0

        # the employee sees the decision
        page.reload()
        row = page.locator("tr", has_text=start.strftime("%-d %b %Y")).first
        assert "waiting for the manager" not in row.inner_text()
        assert re.search("Approved|waiting for HR", row.inner_text())
    finally:
        employee.close()
        manager.close()


def test_hr_imports_an_skm_file(page):
    # given a small SKM file: six respondents of one unit in a month the demo does not hold
    answers = [[4, 3, 4, 3, 4, 4, 3, 4, 3], [3, 3, 4, 4, 3, 4, 4, 3, 3], [4, 4, 4, 3, 3, 4, 4, 4, 4]] * 2
    lines = ["department_code,period,respondent,u1,u2,u3,u4,u5,u6,u7,u8,u9"] + [
        f"{SKM_UNIT},{SKM_PERIOD},R{number},{','.join(map(str, row))}" for number, row in enumerate(answers, start=1)
    ]
    sign_in(page, "hr")
    page.goto("/service-quality/imports/")
    # when HR uploads it, checks the preview and confirms
    page.select_option("#id_kind", "skm")
    page.set_input_files(
        "#id_file",
        files=[{"name": "skm-2024-06.csv", "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}],
    )
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url(re.compile(r"/service-quality/imports/\d+/$"))
    screenshot(page, "skm-import-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm the import").click()
    # then the import succeeds (the page refreshes itself while it runs)
    page.locator(".badge.ok").first.wait_for(timeout=60_000)
    screenshot(page, "skm-import-done")
    # and the unit's IKM for that month is on its page
    page.goto("/service-quality/")
    page.get_by_role("link", name="Layanan Pelanggan").first.click()
    assert "2024" in page.locator("main").inner_text()


def test_leadership_runs_a_correlation_report_and_sees_the_scatter(page):
    sign_in(page, "leadership")
    page.goto("/reports/")
    page.select_option("#id_granularity", "month")
    page.select_option("#id_max_lag", "2")
    page.select_option("#id_external_source", "skm")
    page.get_by_role("button", name="Run the report").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    # while the job runs, the page shows its progress and reloads itself when it is done
    progress = page.locator("progress[data-report]")
    if progress.count():
        assert 0 <= int(progress.first.get_attribute("value")) <= 100
        screenshot(page, "correlation-running")
    scatter = page.locator("svg[aria-labelledby='scatter-title scatter-desc']")
    scatter.wait_for(timeout=120_000)
    dots = scatter.locator("circle.dot")
    assert dots.count() >= 10
    assert page.locator("#summary").is_visible()
    screenshot(page, "correlation-report")
    # the report is listed as finished
    page.goto("/reports/")
    assert page.locator("tbody tr").first.locator(".badge.ok").count() == 1


def test_leadership_reads_the_dashboard_and_downloads_its_exports(page):
    sign_in(page, "leadership")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.wait_for_url("**/insights/")
    for chart in ("chart-satisfaction", "chart-enps", "chart-ikm"):
        svg = page.locator(f"svg[aria-labelledby='{chart}-title {chart}-desc']")
        assert svg.get_attribute("role") == "img"
        assert svg.locator("circle.dot").count() >= 1
    # a hidden heatmap cell tells why on hover: a browser shows the nearest title up the tree, its row's
    hidden = page.locator("#table-heatmap td.suppressed").first
    why = hidden.evaluate("cell => cell.closest('[title]').title")
    assert "anonymity" in why or "subtraction" in why
    # the data table behind a chart opens
    page.locator("summary", has_text="Data table").first.click()
    assert page.locator("#table-satisfaction tbody tr").count() >= 1
    with page.expect_download() as download:
        page.locator("a[href='/insights/export/satisfaction.csv']").click()
    assert download.value.suggested_filename == "satisfaction.csv"
    pdf = page.request.get(page.locator("a[href$='.pdf']").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    screenshot(page, "dashboard")


def test_the_dashboard_in_bahasa_indonesia(page):
    sign_in(page, "leadership")
    with page.expect_navigation():
        page.click("button[name=language][value=id]")
    page.goto("/insights/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Dasbor"
    ikm = page.locator(".ikm-value").first.inner_text()
    assert re.fullmatch(r"\d{2,3},\d{2}", ikm), ikm  # a decimal comma
    screenshot(page, "dashboard-id")


@pytest.mark.parametrize("path", ["/insights/", "/reports/", "/service-quality/"])
def test_leadership_pages_work_at_phone_width(phone, path):
    sign_in(phone, "leadership")
    phone.goto(path)
    screenshot(phone, "phone-" + path.strip("/").replace("/", "-"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_hr_brings_in_people_from_a_file_fixing_a_bad_row(page):
    # given a people file whose second person names a department that does not exist
    header = (
        "employee_number,first_name,last_name,email,department_code,manager_employee_number,"
        "role,hire_date,monthly_wage,sex,active"
    )
    good = "E2E-001,Wulan,Sari,wulan.e2e@kemen.go.id,{unit},,employee,2024-02-01,6500000,female,1"
    bad = "E2E-002,Bima,Putra,bima.e2e@kemen.go.id,{unit},E2E-001,employee,2024-3-01,6500000,male,1"

    def upload(text: str) -> None:
        page.goto("/people/imports/")
        page.select_option("#id_kind", "people")
        page.set_input_files(
            "#id_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}]
        )
        page.get_by_role("button", name="Upload and check").click()
        page.wait_for_url(re.compile(r"/people/imports/\d+/$"))

    sign_in(page, "hr")
    upload("\n".join([header, good.format(unit=SKM_UNIT), bad.format(unit=SKM_UNIT)]) + "\n")
    # then the bad row is named, with its column, and nothing can be applied
    problem = page.locator("tr.org-error").first
    assert problem.locator("td").nth(0).inner_text() == "3"
    assert problem.locator("td").nth(1).inner_text() == "hire_date"
    assert page.get_by_role("button", name="Apply the file").count() == 0
    screenshot(page, "org-import-problem")
    # when HR fixes the row and uploads again
    upload(
        "\n".join([header, good.format(unit=SKM_UNIT), bad.format(unit=SKM_UNIT).replace("2024-3-01", "2024-03-01")])
        + "\n"
    )
    assert page.locator('[data-count="created"]').inner_text() == "2"
    screenshot(page, "org-import-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply the file").click()
    # then the file is applied (the page follows its progress until then)
    page.get_by_text("The file was applied.").wait_for(timeout=60_000)
    assert page.locator("#org-status").inner_text() == "Applied"
    page.goto("/people/?q=Bima")
    assert "Bima" in page.locator("main").inner_text()


def test_an_employee_recognises_a_colleague_found_through_the_directory(page, demo_server):
    # given a list of colleagues too long to send whole (the server lists at most five people)
    with sqlite3.connect(demo_server["env"]["SQLITE_PATH"]) as database:
        first, last = database.execute(
            "SELECT first_name, last_name FROM employees_user WHERE username = 'manager'"
        ).fetchone()
    sign_in(page, "employee")
    page.goto("/rewards/")
    recipient = page.locator("select[name=recipient]")
    assert recipient.get_attribute("data-search-url") == "/people/choices/colleagues/"
    assert recipient.locator("option:not([value=''])").count() == 0
    # when the employee types the colleague's name in the box above the list
    page.locator("input.select-search").first.fill(f"{first} {last}")
    found = recipient.locator("option", has_text=f"{first} {last}")
    found.wait_for(state="attached")
    # then the directory's answer fills the list, and the colleague is recognised
    recipient.select_option(value=found.get_attribute("value"))
    page.locator("select[name=dimension]").select_option("courtesy")
    page.locator("textarea[name=message]").fill("Terima kasih atas bantuannya di loket")
    page.get_by_role("button", name="Send recognition").click()
    page.wait_for_load_state()
    given = page.locator("li", has_text="Terima kasih atas bantuannya di loket")
    assert f"{first} {last}" in given.first.inner_text()
