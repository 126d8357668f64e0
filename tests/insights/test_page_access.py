"""Every page answers 200 to the roles that may see it, sends anonymous visitors to sign in,
and refuses everyone else (403, or 404 for an object outside their scope).

The table below names every page route (the URL configuration without the API, the admin
and the language switch); a test fails on a page route missing from it, so that a new page
cannot land unclassified. Pages that only take a POST (they act) answer GET with 405 and are
checked with a POST from the roles that may not act: refused, and nothing changed.

Roles: anonymous; employee (ani, CS); manager (budi, manages CS); hr (hana); leadership
(lina); admin (a superuser, who may do what HR may).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

from tests.builders import objects_of_every_kind

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "employee", "manager", "hr", "leadership", "admin")
SIGNED_IN = ROLES[1:]
EVERYONE = frozenset(SIGNED_IN)
HR = frozenset({"hr", "admin"})
READERS = frozenset({"hr", "admin", "leadership"})  # dashboards, service quality, correlation
RESULTS = READERS | {"manager"}  # survey results
STAFF_DESK = HR | {"manager"}  # people directory, bonus proposals
LEAVE_DESK = HR | {"manager"}  # leave approvals (HR, managers)
PLANNERS = HR | {"manager"}  # improvement actions and trainings
REFUSED = {403, 404}

# Routes that are not pages of an app: the API, SCIM, the sign-in steps (the OpenID routes answer
# only with a provider configured, tests/sso/), and the public SKM form that needs no sign-in (the
# permission matrix covers all of these).
NOT_PAGES = {
    "admin/",
    "api/v1/",
    "i18n/",
    "healthz",
    "metrics",  # operators only: tests/core/test_metrics.py
    "accounts/login/",
    "accounts/logout/",
    "accounts/oidc/",
    "media/",
    "scim/",
    "s/",
}

# route → (URL with {placeholders}, roles that get 200; or "POST" and the roles that may act).
PAGES: dict[str, tuple] = {
    "": ("/", EVERYONE),
    "people/": ("/people/", STAFF_DESK),
    "people/me/": ("/people/me/", EVERYONE),
    "people/search/": ("/people/search/?q=an", STAFF_DESK),
    # the people a form may choose, as JSON: everyone for HR (the other kinds: tests/employees/)
    "people/choices/<slug:kind>/": ("/people/choices/everyone/?q=an", HR),
    "inbox/": ("/inbox/", EVERYONE),
    # pulse surveys
    "pulse/": ("/pulse/", EVERYONE),
    "pulse/rounds/<int:pk>/answer/": ("/pulse/rounds/{round}/answer/", EVERYONE),
    "pulse/manage/": ("/pulse/manage/", HR),
    "pulse/manage/surveys/new/": ("/pulse/manage/surveys/new/", HR),
    "pulse/manage/surveys/<int:pk>/rounds/new/": ("/pulse/manage/surveys/{survey}/rounds/new/", HR),
    "pulse/manage/rounds/<int:pk>/": ("/pulse/manage/rounds/{round}/", HR),
    "pulse/manage/rounds/<int:pk>/close/": ("/pulse/manage/rounds/{round}/close/", "POST", HR),
    "pulse/results/": ("/pulse/results/", RESULTS),
    "pulse/results.pdf": ("/pulse/results.pdf", RESULTS),
    "pulse/heatmap/": ("/pulse/heatmap/", READERS),
    # leave
    "leave/": ("/leave/", EVERYONE),
    "leave/requests/<int:pk>/cancel/": ("/leave/requests/{leave_request}/cancel/", "POST", {"employee"} | HR),
    "leave/requests/<int:pk>/decide/": ("/leave/requests/{leave_request}/decide/", "POST", {"manager"} | HR),
    "leave/requests/<int:pk>/attachment/": ("/leave/requests/{leave_request}/attachment/", frozenset()),
    "leave/approvals/": ("/leave/approvals/", LEAVE_DESK),
    "leave/team/": ("/leave/team/", EVERYONE),
    "leave/manage/types/": ("/leave/manage/types/", HR),
    "leave/manage/types/new/": ("/leave/manage/types/new/", HR),
    "leave/manage/types/<int:pk>/": ("/leave/manage/types/{leave_type}/", HR),
    "leave/manage/policies/<int:pk>/": ("/leave/manage/policies/{policy}/", HR),
    "leave/manage/holidays/": ("/leave/manage/holidays/", HR),
    "leave/manage/holidays/<int:pk>/": ("/leave/manage/holidays/{holiday}/", "POST", HR),
    "leave/manage/allocations/": ("/leave/manage/allocations/", HR),
    # rewards
    "rewards/": ("/rewards/", EVERYONE),
    "rewards/redeem/<int:reward_id>/": ("/rewards/redeem/{reward}/", "POST", EVERYONE),
    "rewards/wall/": ("/rewards/wall/", EVERYONE),
    "rewards/proposals/": ("/rewards/proposals/", STAFF_DESK),
    "rewards/bonuses/<int:pk>/<slug:step>/": ("/rewards/bonuses/{bonus}/approve/", "POST", HR),
    "rewards/board/": ("/rewards/board/", HR),
    "rewards/queue/": ("/rewards/queue/", HR),
    "rewards/export/": ("/rewards/export/", HR),
    "rewards/thr/": ("/rewards/thr/", HR),
    "rewards/catalogue/": ("/rewards/catalogue/", HR),
    "rewards/catalogue/<int:pk>/toggle/": ("/rewards/catalogue/{reward}/toggle/", "POST", HR),
    "rewards/redemptions/<int:pk>/fulfil/": ("/rewards/redemptions/{redemption}/fulfil/", "POST", HR),
    # service quality
    "service-quality/": ("/service-quality/", READERS),
    "service-quality/units/<int:pk>/": ("/service-quality/units/{cs}/", READERS),
    "service-quality/scores/": ("/service-quality/scores/", READERS),
    "service-quality/imports/": ("/service-quality/imports/", HR),
    "service-quality/imports/<int:pk>/": ("/service-quality/imports/{import}/", HR),
    "service-quality/imports/<int:pk>/confirm/": ("/service-quality/imports/{import}/confirm/", "POST", HR),
    "service-quality/collections/": ("/service-quality/collections/", RESULTS),
    "service-quality/collections/<int:pk>/": ("/service-quality/collections/{collection}/", RESULTS),
    "service-quality/collections/<int:pk>/poster.pdf": (
        "/service-quality/collections/{collection}/poster.pdf",
        RESULTS,
    ),
    "service-quality/collections/<int:pk>/report.pdf": (
        "/service-quality/collections/{collection}/report.pdf",
        RESULTS,
    ),
    "service-quality/collections/<int:pk>/suggestions.csv": (
        "/service-quality/collections/{collection}/suggestions.csv",
        RESULTS,
    ),
    "service-quality/collections/<int:pk>/visit-codes.pdf": (
        "/service-quality/collections/{collection}/visit-codes.pdf",
        STAFF_DESK,
    ),
    "service-quality/collections/<int:pk>/actions/": (
        "/service-quality/collections/{collection}/actions/",
        "POST",
        STAFF_DESK,
    ),
    "service-quality/collections/<int:pk>/suggestions/<int:response_pk>/action/": (
        "/service-quality/collections/{collection}/suggestions/{collected_response}/action/",
        "POST",
        STAFF_DESK,
    ),
    # the organisation file
    "people/imports/": ("/people/imports/", HR),
    "people/imports/<int:pk>/": ("/people/imports/{org_import}/", HR),
    "people/imports/<int:pk>/apply/": ("/people/imports/{org_import}/apply/", "POST", HR),
    "people/imports/template/<str:kind>.csv": ("/people/imports/template/people.csv", HR),
    # improvement
    "improvement/": ("/improvement/", EVERYONE),
    "improvement/actions/new/": ("/improvement/actions/new/", PLANNERS),
    "improvement/actions/<int:pk>/": ("/improvement/actions/{action}/", EVERYONE),
    "improvement/actions/<int:pk>/status/": ("/improvement/actions/{action}/status/", "POST", PLANNERS),
    "improvement/actions/<int:pk>/notes/": ("/improvement/actions/{action}/notes/", "POST", EVERYONE),
    "improvement/trainings/": ("/improvement/trainings/", EVERYONE),
    "improvement/trainings/new/": ("/improvement/trainings/new/", PLANNERS),
    "improvement/trainings/<int:pk>/": ("/improvement/trainings/{training}/", EVERYONE),
    # correlation reports
    "reports/": ("/reports/", READERS),
    "reports/<int:pk>/": ("/reports/{report}/", READERS),
    "reports/<int:pk>/results.csv": ("/reports/{report}/results.csv", READERS),
    "reports/<int:pk>/points.csv": ("/reports/{report}/points.csv", READERS),
    # insights
    "insights/": ("/insights/", READERS),
    "insights/export/<slug:table>.csv": ("/insights/export/satisfaction.csv", READERS),
    "insights/reports/<int:pk>.pdf": ("/insights/reports/{report}.pdf", READERS),
    # comment themes
    "feedback/themes/": ("/feedback/themes/", HR),
    "feedback/themes/new/": ("/feedback/themes/new/", HR),
    "feedback/themes/<int:pk>/": ("/feedback/themes/{theme}/", HR),
}

# Where a role's answer differs from the table for a reason of the page's own (not a refusal).
SPECIAL = {
    # The attachment of a request without one is "not found" for everyone who may see it.
    ("leave/requests/<int:pk>/attachment/", "employee"): {404},
    ("leave/requests/<int:pk>/attachment/", "manager"): {404},
    ("leave/requests/<int:pk>/attachment/", "hr"): {404},
    ("leave/requests/<int:pk>/attachment/", "admin"): {404},
    # The payroll export hands over to the API's CSV.
    ("rewards/export/", "hr"): {302},
    ("rewards/export/", "admin"): {302},
}


def page_routes() -> set[str]:
    found = set()

    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if any(route.startswith(skip) or route.lstrip("^").startswith(skip) for skip in NOT_PAGES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.add(route)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_page_route_is_in_the_table():
    assert sorted(page_routes() - set(PAGES)) == [], "classify these pages in PAGES"
    assert sorted(set(PAGES) - page_routes()) == [], "these routes no longer exist"


@pytest.fixture
def people(org):
    admin = get_user_model().objects.create_superuser(username="root", email="root@prima.test", password="x")
    return {
        "anonymous": None,
        "employee": org.ani,
        "manager": org.budi,
        "hr": org.hana,
        "leadership": org.lina,
        "admin": admin,
    }


@pytest.fixture
def objects(org):
    """One object of every kind the pages' URLs name, in CS (ani's department, budi's team)."""
    return objects_of_every_kind(org)


def _expected(route: str, role: str) -> set[int]:
    spec = PAGES[route]
    if role == "anonymous":
        return {302}
    if spec[1] == "POST":
        # GET on an action: 405 — or the refusal, when the role check comes first.
        return {405} if role in spec[2] else {405} | REFUSED
    if (route, role) in SPECIAL:
        return SPECIAL[(route, role)]
    return {200} if role in spec[1] else REFUSED


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_the_role_as_the_table_says(role, people, objects, client):
    if people[role] is not None:
        client.force_login(people[role])
    wrong = []
    for route, spec in PAGES.items():
        url = spec[0].format(**objects)
        response = client.get(url)
        expected = _expected(route, role)
        if response.status_code not in expected:
            wrong.append(f"GET {url}: {response.status_code}, expected {sorted(expected)}")
        elif role == "anonymous" and not response["Location"].startswith("/accounts/login/"):
            wrong.append(f"GET {url}: redirected to {response['Location']}, not to sign in")
    assert wrong == []


def _snapshot() -> dict:
    """Counts and states a refused POST must leave untouched."""
    from improvement.models import Action
    from leave.models import LeaveRequest
    from pulse_surveys.models import Round
    from rewards.models import Bonus, Redemption, Reward
    from service_quality.models import ScoreImport

    return {
        "rounds": list(Round.objects.values_list("pk", "status")),
        "leave": list(LeaveRequest.objects.values_list("pk", "status")),
        "bonuses": list(Bonus.objects.values_list("pk", "status")),
        "rewards": list(Reward.objects.values_list("pk", "is_active")),
        "redemptions": list(Redemption.objects.values_list("pk", "fulfilled_at")),
        "imports": list(ScoreImport.objects.values_list("pk", "status")),
        "actions": list(Action.objects.values_list("pk", "status")),
    }


@pytest.mark.parametrize("role", ROLES)
def test_actions_are_refused_to_the_roles_that_may_not_act_and_change_nothing(role, people, objects, client):
    """Refused: 403/404, or sent back with a message (302); signed out: sent to sign in."""
    if people[role] is not None:
        client.force_login(people[role])
    wrong = []
    for spec in PAGES.values():
        if spec[1] != "POST" or role in spec[2]:
            continue
        url = spec[0].format(**objects)
        before = _snapshot()
        response = client.post(url, {"decision": "approve", "status": "done", "text": "x", "comment": "x"})
        refused = {302} if role == "anonymous" else REFUSED | {302}
        if response.status_code not in refused:
            wrong.append(f"POST {url}: {response.status_code}")
        elif role == "anonymous" and not response["Location"].startswith("/accounts/login/"):
            wrong.append(f"POST {url}: redirected to {response['Location']}, not to sign in")
        if _snapshot() != before:
            wrong.append(f"POST {url}: changed something")
    assert wrong == []
