"""Numbers a browser reads — SVG coordinates, `data-` attributes — are never written the
Indonesian way (`43,7`): a decimal comma there draws every point in the wrong place."""

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

NUMBER = r"-?\d+(?:\.\d+)?"
COORDINATES = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "dx", "dy", "width", "height"}


class SvgNumbers(HTMLParser):
    """Every SVG attribute or `data-` attribute that holds a number not written as a browser
    reads it."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.shapes = 0
        self.wrong: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.depth += 1
        for name, value in attrs:
            value = value or ""
            if name.startswith("data-") and re.fullmatch(r"-?\d+,\d+", value):
                self.wrong.append(f"<{tag} {name}={value!r}>")
            if not self.depth:
                continue
            if name in COORDINATES and not re.fullmatch(NUMBER + "%?", value):
                self.wrong.append(f"<{tag} {name}={value!r}>")
            if name == "points" and not re.fullmatch(rf"(?:{NUMBER},{NUMBER}\s*)*", value):
                self.wrong.append(f"<{tag} points={value!r}>")
            if name == "viewBox" and not re.fullmatch(rf"{NUMBER}(?: {NUMBER}){{3}}", value):
                self.wrong.append(f"<{tag} viewBox={value!r}>")
        if self.depth and tag in ("circle", "rect", "polyline", "line"):
            self.shapes += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


CHART_PAGES = [
    ("leadership", "/pulse/heatmap/?round={closed_round}"),
    ("leadership", "/pulse/results/?round={closed_round}"),
    ("leadership", "/insights/"),
    ("leadership", "/service-quality/units/{cs}/"),
    ("leadership", "/reports/{report}/"),
    ("manager", "/improvement/actions/{action}/"),
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("role", "url"), CHART_PAGES)
def test_chart_numbers_are_never_localised(world, client, role, url, language):
    client.force_login(world.personas[role])
    client.cookies["django_language"] = language
    response = client.get(url.format(**world.ids))
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    numbers = SvgNumbers()
    numbers.feed(response.content.decode())
    assert numbers.wrong == []


def test_the_heatmap_trend_is_drawn(world, client):
    client.force_login(world.personas["leadership"])
    client.cookies["django_language"] = "id"
    numbers = SvgNumbers()
    numbers.feed(client.get("/pulse/heatmap/?round={closed_round}".format(**world.ids)).content.decode())
    assert numbers.shapes > 0  # the check above is not vacuous on the page that had the fault


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_heatmap_trend_points_carry_the_figures_of_its_table(world, client, language):
    client.force_login(world.personas["leadership"])
    client.cookies["django_language"] = language
    page = client.get("/pulse/heatmap/?round={closed_round}".format(**world.ids)).content.decode()
    points = re.findall(r"<circle [^>]*><title>#(\d+) \(([^)]*)\): \w+ ([\d.,]+), \w+ (\d+) / (\d+)</title>", page)
    assert points, "the trend has points"
    rows = re.findall(
        r'<tr><td>#(\d+) \(([^)]*)\)</td><td class="num">(\d+) / (\d+)</td>\s*<td class="num">([\d.,]+)</td>', page
    )
    table = {(number, when): (score, responded, invited) for number, when, responded, invited, score in rows}
    for number, when, score, responded, invited in points:
        assert table[(number, when)] == (score, responded, invited)
