"""The side navigation, walked for every role: it offers only what the role may open, every
link answers, and every page the role may open is at most two clicks from the home page.

"Pages the role may open" are read from the permission matrix (tests/permissions/matrix.yaml):
every page route without an id in its URL, that is not a download, whose GET answers the
persona 200.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import NoReverseMatch, reverse

from core.extensions import SECTIONS, NavItem, nav_sections
from tests.permissions.test_matrix import MATRIX, expected_status

pytestmark = pytest.mark.django_db

ROLES = ["employee", "employee_other", "manager", "manager_elsewhere", "hr", "leadership"]
# Routes that answer GET but are no page a person opens: sign-in steps, the language switch, the
# health probe, and the public SKM form's service worker script.
NOT_PAGES = {"accounts/login/", "accounts/logout/", "i18n/setlang/", "healthz", "s/sw.js"}


class Links(HTMLParser):
    """Every internal link of a page, and those of its side navigation with the marked one."""

    def __init__(self):
        super().__init__()
        self.links: set[str] = set()
        self.nav: list[str] = []
        self.current: list[str] = []
        self.sections: list[str] = []
        self._in_nav = False
        self._in_section_heading = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("id") == "sidenav":
            self._in_nav = True
        if self._in_nav and tag == "h2":
            self._in_section_heading = True
        href = attrs.get("href") if tag == "a" else None
        if not href or not href.startswith("/") or href.startswith(("/static/", "/media/")):
            return
        self.links.add(href)
        if self._in_nav:
            self.nav.append(href)
            if attrs.get("aria-current") == "page":
                self.current.append(href)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        if tag == "h2":
            self._in_section_heading = False

    def handle_data(self, data):
        if self._in_section_heading and data.strip():
            self.sections.append(data.strip())


def parse(response) -> Links:
    links = Links()
    links.feed(response.content.decode())
    return links


def page_routes() -> dict[str, dict]:
    return {
        route: spec
        for route, spec in MATRIX.items()
        if "GET" in spec
        and not route.startswith(("api/", "admin/"))
        and route not in NOT_PAGES
        and "<" not in route
        and not route.endswith((".csv", ".pdf"))
    }


def allowed_pages(role: str) -> set[str]:
    """Paths of the pages `role` may open (a matrix URL may carry a query: the search's)."""
    return {path_of(spec["url"]) for spec in page_routes().values() if expected_status(spec, "GET", role) == 200}


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def walk(world, client):
    def sign_in(role: str):
        client.force_login(world.personas[role])
        return client

    return sign_in


def test_the_matrix_names_pages_for_every_role():
    for role in ROLES:
        assert {"/", "/inbox/", "/people/me/", "/pulse/", "/leave/"} <= allowed_pages(role)


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_offers_only_what_the_role_may_open_and_each_link_answers(walk, role):
    client = walk(role)
    nav = parse(client.get("/")).nav
    allowed = allowed_pages(role)
    offered = {path_of(url) for url in nav}
    assert offered, "the home page has a navigation"
    assert offered - allowed == set(), f"{role} is offered pages they may not open"
    for url in nav:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_every_page_the_role_may_open_is_within_two_clicks_of_home(walk, role):
    client = walk(role)
    home = parse(client.get("/"))
    reached = {"/"} | {path_of(url) for url in home.links}
    for url in sorted(home.links):
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            reached |= {path_of(link) for link in parse(response).links}
    missing = sorted(allowed_pages(role) - reached)
    assert missing == [], f"{role} cannot reach these pages in two clicks"


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        ("employee", ["Me", "My team"]),
        ("manager", ["Me", "My team"]),
        ("hr", ["Me", "My team", "HR", "Insights"]),
        ("leadership", ["Me", "My team", "Insights"]),
    ],
)
def test_the_navigation_is_grouped_by_task_for_each_role(walk, role, sections):
    assert parse(walk(role).get("/")).sections == sections


def test_every_hr_task_is_under_one_heading(walk):
    html = walk("hr").get("/").content.decode()
    hr_section = html.split('id="nav-hr"')[1].split("</ul>")[0]
    for url in ("/pulse/manage/", "/leave/manage/types/", "/rewards/board/", "/rewards/queue/", "/people/"):
        assert f'href="{url}"' in hr_section, url


def test_the_organisation_import_is_offered_to_hr_where_it_exists(walk):
    try:
        url = reverse("employees:org-imports")
    except NoReverseMatch:
        url = None
    html = walk("hr").get("/").content.decode()
    assert ("People and organisation import" in html) == (url is not None)


@pytest.mark.parametrize(
    ("path", "marked"),
    [
        ("/leave/approvals/", "/leave/approvals/"),
        ("/leave/", "/leave/"),
        ("/pulse/manage/surveys/new/", "/pulse/manage/"),
        ("/", "/"),
    ],
)
def test_the_current_page_is_marked_and_only_it(walk, path, marked):
    links = parse(walk("hr").get(path))
    assert links.current == [marked]


def test_sections_come_in_their_order_and_links_without_one_first():
    items = [
        NavItem("b", "/b/", 2, section="hr"),
        NavItem("a", "/a/", 1, section="me"),
        NavItem("home", "/", 0),
    ]
    top, sections = nav_sections(items)
    assert [item.label for item in top] == ["home"]
    assert [section.key for section in sections] == ["me", "hr"]
    assert list(SECTIONS)[:4] == ["me", "team", "hr", "insights"]
