"""Accessibility, in the browser: axe-core (shipped inside the pinned `axe-playwright-python`
package, read from disk, never from a CDN) finds no serious or critical WCAG 2.1 A/AA violation
on every page each role reaches (what its home page links to, and what those link to: the
navigation's two clicks), in both languages, at desktop and at 360 px; and every one of them
loads with no console error and no failed request.

One browser for the run and one signed-in context per role. Each page is opened twice, in
English at desktop width and in Bahasa Indonesia at 360 px, so that every page is seen in both
languages and at both widths.

What axe judges is a page's structure and styles, not its words. Each page is audited in two
parts, its `<main>` and the frame around it (header, navigation, footer), and a part whose
structure (`STRUCTURE`: each element's tag, classes, role and ARIA attributes, whether it has
words of its own, and the kinds of elements inside it — a table's rows or a menu's links are
one kind however many there are) was audited already in the same language and width, by this
role or another, is not audited again: the roles' pages share their frame and much of their
content, and axe takes most of the walk's time. Every page is still opened in both languages and
widths, and its answer, language, width, console and requests are checked."""

import hashlib
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


# A page's structure, as two strings (its <main>, and the rest with <main> left out): what axe's
# verdict depends on, without the words, numbers, ids and addresses that differ from one person
# or record to the next, and with each kind of child element once.
STRUCTURE = """() => {
  const KEPT = new RegExp("^(aria-.*|role|type|alt|title|lang|tabindex|scope|for|id|headers|disabled|hidden|"
    + "style|href|src|name|placeholder|dir)$");
  const NAMING = new RegExp("^(id|for|headers|href|src|name|title|alt|placeholder|"
    + "aria-(label|labelledby|describedby|controls|owns|value.*))$");
  const kind = (name, text) => (!NAMING.test(name) && /^[a-z][a-z-]{0,24}$/.test(text) ? text : text.trim() ? "*" : "");
  const main = document.querySelector("main");
  const shape = (element) => {
    if (element.tagName === "SCRIPT" || element.tagName === "STYLE") return element.tagName;
    if (element === main) return "MAIN";
    const attributes = [...element.attributes].filter((a) => KEPT.test(a.name));
    const described = attributes.map((a) => `${a.name}=${kind(a.name, a.value)}`);
    const words = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim()) ? "w" : "";
    const children = [...new Set([...element.children].map(shape))].sort();
    const classes = element.getAttribute("class") || "";
    return `${element.tagName}.${classes}[${described.sort().join(" ")}]${words}(${children.join(",")})`;
  };
  const frame = shape(document.documentElement);
  if (!main) return {main: "", frame};
  const inside = [...main.children].map(shape);
  return {main: [...new Set(inside)].sort().join(","), frame};
}"""
# What axe audits of a page: all of it, its <main> only, or the rest only.
WHOLE, MAIN, FRAME = None, {"include": [["main"]]}, {"exclude": [["main"]]}


def structure(page) -> dict[str, str]:
    """Digests of the page's structure (`STRUCTURE`): {"main": …, "frame": …}."""
    parts = page.evaluate(STRUCTURE)
    return {part: hashlib.sha256(text.encode()).hexdigest() for part, text in parts.items()}


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


def audit(page, part: dict | None = WHOLE) -> list[str]:
    """The serious and critical violations axe finds on the page (or the `part` of it: `MAIN`
    or `FRAME`), one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    result = page.evaluate(
        """([part, tags]) => axe.run(part || document,
             {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        [part, WCAG],
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


def check(page, path: str, *, language: str, viewport: str, audited: set, problems: list[str]) -> bool:
    """Opens `path` in `language` at `viewport` and notes every problem in `problems`. axe
    audits the parts of it (its main content, its frame) whose structure it has not audited in
    that language and width (`audited` remembers them). Whether the page opened."""
    page.set_viewport_size(VIEWPORTS[viewport])
    host = urlsplit(page.url).hostname
    page.context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"}])
    response = page.goto(path)
    if response is None or response.status != 200:
        problems.append(f"{path}: answered {response.status if response else 'nothing'}")
        return False
    if page.locator("html").get_attribute("lang") != language:
        problems.append(f"{path}: not in {language}")
    seen = {(language, viewport, part, digest) for part, digest in structure(page).items()}
    new = {part for _language, _viewport, part, _digest in seen - audited}
    if new:
        part = WHOLE if new == {"main", "frame"} else MAIN if new == {"main"} else FRAME
        problems.extend(f"{path} ({language}, {viewport}): {violation}" for violation in audit(page, part))
        audited |= seen
    if viewport == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > VIEWPORTS["phone"]["width"]:
            problems.append(f"{path}: {width}px wide at 360 px")
    return True


def walk(page, *, audited: set, problems: list[str]) -> list[str]:
    """One link per route, from the home page and the pages it links to, each checked in
    English at desktop width as it is reached."""
    routes: dict[str, str] = {"/": "/"}
    frontier = ["/"]
    for depth in range(3):
        following = []
        for path in frontier:
            opened = check(page, path, language="en", viewport="desktop", audited=audited, problems=problems)
            if not opened or depth == 2:
                continue
            for link in page_links(page):
                route = _route(urlsplit(link).path)
                if route not in routes:
                    routes[route] = link
                    following.append(link)
        frontier = following
    return list(routes.values())


# The structures audited in this run, by every role: (language, viewport, part, digest).
AUDITED: set[tuple[str, str, str, str]] = set()


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
        pages = walk(page, audited=AUDITED, problems=problems)
        reached = {urlsplit(link).path for link in pages}
        assert MUST_REACH[role] <= reached, sorted(MUST_REACH[role] - reached)
        for path in pages:
            check(page, path, language="id", viewport="phone", audited=AUDITED, problems=problems)
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


def test_pages_differing_only_in_words_ids_and_rows_share_a_structure(browser):
    context = browser.new_context()
    page = context.new_page()
    menu = '<nav><ul><li><a href="/">Home</a></li><li><a href="/leave/">Leave</a></li>{}</ul></nav>'

    def of(body: str, *, items: str = "") -> dict:
        frame = f"<header>{menu.format(items)}</header>"
        page.set_content(f'<html lang="en"><head><title>t</title></head><body>{frame}<main>{body}</main></body></html>')
        return structure(page)

    try:
        row = '<tr><td><a href="/leave/{0}/">{1}</a></td><td class="num">{0}</td></tr>'
        table = '<table><tr><th scope="col">Who</th><th scope="col">Days</th></tr>{}</table>'
        two_rows = of(table.format(row.format(3, "Ani") + row.format(12, "Budi")))
        # the same page with other people, other numbers and more rows, and a longer menu
        more = of(
            table.format("".join(row.format(day, f"Person {day}") for day in range(30))),
            items='<li><a href="/pulse/">Pulse</a></li><li><a href="/reports/">Reports</a></li>',
        )
        assert more == two_rows
        assert of('<img src="/a.png" alt="Ani">') == of('<img src="/b.png" alt="Budi">')
        # what axe would judge differently is a different structure, of the part it is in
        changed = [
            table.format(row.format(3, "")),  # a link without words
            table.format(row.format(3, "Ani").replace('class="num"', 'class="num muted"')),  # other colours
            table.format(row.format(3, "Ani")).replace(' scope="col"', ""),  # headers without scope
            table.format(row.format(3, "Ani") + "<tr><td><button>Approve</button></td></tr>"),  # a control more
        ]
        mains = [of(body) for body in changed]
        assert len({two_rows["main"], *(parts["main"] for parts in mains)}) == 1 + len(changed)
        assert {parts["frame"] for parts in mains} == {two_rows["frame"]}
        assert of("<p>x</p>", items='<li><a href="/x/"></a></li>')["frame"] != two_rows["frame"]
        assert len({of(f'<img src="/a.png"{alt}>')["main"] for alt in (' alt="Ani"', ' alt=""', "")}) == 3
    finally:
        context.close()


def test_the_audit_of_a_part_reports_that_part_only(browser):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        frame = '<header><a href="/"><img src="logo.png"></a></header>'
        body = "<main><h1>t</h1><button></button></main>"
        page.set_content(f'<html lang="en"><head><title>t</title></head><body>{frame}{body}</body></html>')
        whole, main, rest = (audit(page, part) for part in (WHOLE, MAIN, FRAME))
    finally:
        context.close()
    assert any(line.startswith("button-name") for line in whole) and any(line.startswith("image-alt") for line in whole)
    assert any(line.startswith("button-name") for line in main) and not any("image-alt" in line for line in main)
    assert any(line.startswith("image-alt") for line in rest) and not any("button-name" in line for line in rest)
