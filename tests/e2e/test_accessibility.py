"""Accessibility, in the browser: axe-core (shipped inside the pinned `axe-playwright-python`
package, read from disk, never from a CDN) finds no serious or critical WCAG 2.1 A/AA violation
on every page each role reaches (what its home page links to, and what those link to: the
navigation's two clicks), in both languages, at desktop and at 360 px; and every one of them
loads with no console error and no failed request.

One browser for the run and one signed-in context per role. Each page is opened twice, in
English at desktop width and in Bahasa Indonesia at 360 px, so that every page is seen in both
languages and at both widths."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest

from tests.e2e.conftest import sign_in

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}
ROLES = ["employee", "manager", "hr", "leadership"]
# Pages the walk must reach for each role (it fails if it finds fewer): a floor, not the list.
MUST_REACH = {
    "employee": {"/", "/inbox/", "/pulse/", "/leave/", "/rewards/wall/"},
    "manager": {"/", "/leave/approvals/", "/pulse/results/", "/improvement/", "/people/search/"},
    "hr": {"/", "/pulse/manage/", "/leave/manage/types/", "/rewards/board/", "/service-quality/imports/"},
    "leadership": {"/", "/insights/", "/pulse/heatmap/", "/service-quality/", "/reports/"},
}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}
# Links that lead to no page of Prima's own to audit: sign-out, the language switch, Django's
# admin, the API and its schema browser, files.
NOT_AUDITED = ("/accounts/", "/i18n/", "/admin/", "/api/", "/media/", "/static/")
DOWNLOAD = re.compile(r"\.(csv|pdf|xlsx|png|svg|js|json)$|/(csv|pdf|poster|posters|qr|export)/")


def _route(path: str) -> str:
    """A page's route: its path with every id made one (`/reports/12/` → `/reports/#/`)."""
    return re.sub(r"/\d+(?=/)", "/#", path)


def page_links(page) -> list[str]:
    """The page's links to other pages of Prima (path and query), downloads left out."""
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(NOT_AUDITED):
            continue
        if DOWNLOAD.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def audit(page) -> list[str]:
    """The serious and critical violations axe finds on the page, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG
    )
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
            problems.append(f"console on {page.url}: {message.text}")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"{response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))


def walk(page) -> list[str]:
    """One link per route, from the home page and the pages it links to."""
    routes: dict[str, str] = {"/": "/"}
    frontier = ["/"]
    for _click in range(2):
        following = []
        for path in frontier:
            page.goto(path)
            for link in page_links(page):
                route = _route(urlsplit(link).path)
                if route not in routes:
                    routes[route] = link
                    following.append(link)
        frontier = following
    return list(routes.values())


def check(page, path: str, *, language: str, viewport: str, problems: list[str]) -> None:
    """Opens `path` in `language` at `viewport` and notes every problem in `problems`."""
    page.set_viewport_size(VIEWPORTS[viewport])
    host = urlsplit(page.url).hostname
    page.context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    response = page.goto(path)
    if response is None or response.status != 200:
        problems.append(f"{path}: answered {response.status if response else 'nothing'}")
        return
    if page.locator("html").get_attribute("lang") != language:
        problems.append(f"{path}: not in {language}")
    problems.extend(f"{path} ({language}, {viewport}): {violation}" for violation in audit(page))
    if viewport == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > VIEWPORTS["phone"]["width"]:
            problems.append(f"{path}: {width}px wide at 360 px")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_loads_cleanly(browser, demo_server, role):
    # bypass_csp: the audit's script is added inline; the pages' own policy is tested elsewhere
    context = browser.new_context(base_url=demo_server["url"], viewport=VIEWPORTS["desktop"], bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    watch_for_problems(page, problems)
    try:
        sign_in(page, role)
        pages = walk(page)
        reached = {urlsplit(link).path for link in pages}
        assert MUST_REACH[role] <= reached, sorted(MUST_REACH[role] - reached)
        for path in pages:
            check(page, path, language="en", viewport="desktop", problems=problems)
            check(page, path, language="id", viewport="phone", problems=problems)
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


def test_the_walk_makes_one_route_of_each_page_with_an_id():
    assert _route("/reports/12/") == _route("/reports/7/") == "/reports/#/"
    assert _route("/pulse/manage/surveys/3/rounds/new/") == "/pulse/manage/surveys/#/rounds/new/"
    assert DOWNLOAD.search("/insights/export/ikm.csv") and DOWNLOAD.search("/reports/3/results.csv")


def test_the_audit_reports_a_serious_violation(browser):
    # given: a page with an image that says nothing and a button without a name
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        body = '<main><img src="x.png"><button></button></main>'
        page.set_content(f'<html lang="en"><head><title>t</title></head><body>{body}</body></html>')
        # when
        found = audit(page)
    finally:
        context.close()
    # then: both are reported, whatever results of other kinds are left out of the run
    assert any(line.startswith("image-alt (critical)") for line in found), found
    assert any(line.startswith("button-name (critical)") for line in found), found
