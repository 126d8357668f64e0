"""Accessibility, in the browser: axe-core (shipped inside the pinned `axe-playwright-python`
package, read from disk, never from a CDN) finds no serious or critical WCAG 2.1 A/AA violation
on a few pages of every role, in both languages, at desktop and at 360 px; and those pages load
with no console error and no failed request."""

from pathlib import Path

import axe_playwright_python
import pytest

from tests.e2e.conftest import sign_in

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}
PAGES = {
    "employee": ["/", "/inbox/", "/pulse/", "/leave/", "/rewards/wall/"],
    "manager": ["/", "/leave/approvals/", "/pulse/results/", "/improvement/"],
    "hr": ["/", "/pulse/manage/", "/leave/manage/types/", "/rewards/board/", "/service-quality/imports/"],
    "leadership": ["/", "/insights/", "/pulse/heatmap/", "/service-quality/", "/reports/"],
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}


def audit(page) -> list[str]:
    """The serious and critical violations axe finds on the page, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} — {violation['help']}"
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def watch_for_problems(page, problems: list[str]) -> None:
    """Console errors, failed requests and error answers on `page` go into `problems`."""

    def on_console(message):
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"{response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))


@pytest.mark.parametrize(("language", "viewport"), [("en", "desktop"), ("id", "phone")])
@pytest.mark.parametrize("role", list(PAGES))
def test_pages_pass_axe_and_load_cleanly(browser, demo_server, role, language, viewport):
    # bypass_csp: the audit's script is added inline; the pages' own policy is tested elsewhere
    context = browser.new_context(base_url=demo_server["url"], viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    watch_for_problems(page, problems)
    try:
        sign_in(page, role)
        context.add_cookies([{"name": "django_language", "value": language, "url": demo_server["url"]}])
        for path in PAGES[role]:
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language
            violations = audit(page)
            assert violations == [], f"{path}: {violations}"
            if viewport == "phone":
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 360, f"{path} is {width}px wide"
        assert problems == []
    finally:
        context.close()
