"""Colleagues' names never reach a reader: every spelling of them is taken out when comments
are stored, and again wherever they are shown (pages, the API, the SKM report)."""

import io

import pytest
from pypdf import PdfReader

from feedback.redaction import PLACEHOLDER, NameIndex, short_forms, spelling_key
from service_quality import collecting, collection_selectors
from service_quality.models import CollectedResponse
from tests.feedback.conftest import COLLEAGUES
from tests.pulse_surveys.conftest import answer, close, open_round
from tests.service_quality.factories import body, submit

# How people write the colleagues' names: as written, in lower case, misspelt, in old spelling,
# by nickname, with an honorific.
VARIANTS = [
    "Suryanto", "suryanto", "Suryatno", "Suryantoo", "Pak Suryanto", "mas Anto", "Yanto", "Pak Yanto",
    "Wibowo", "Pak Wibowo", "Wibiwo",
    "Bu Sri", "Sri Wahyuni", "Wahyuni", "Mbak Yuni", "Yuni", "Wahyu",
    "Pak Budi", "Budi Santoso", "Santoso", "Soentoso", "pak budi",
    "Indah Lestari", "Bu Indah", "Lestari",
    "Kurniawan", "Wawan", "Mas Wawan", "Kurnia", "Pratama", "Bang Pratama",
    "Achmad", "Ahmad", "Akhmad", "Achmad Fauzi", "Fauzi", "Fauzy",
    "Fatimah", "Fatima", "Bu Fatimah", "Zahra",
    "Rahmawati", "Wati", "Bu Wati", "Rahma", "Siregar",
    "Pak Bagus", "Bagus Hartono", "Hartono", "Kak Dinda", "Dinda", "Ayuningtyas",
]  # fmt: skip


@pytest.fixture(scope="module")
def index():
    return NameIndex(COLLEAGUES)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_spelling_of_a_colleagues_name_is_taken_out(index, variant):
    redacted = index.redact(f"Kemarin {variant} di loket 3 sangat membantu.")
    assert redacted == f"Kemarin {PLACEHOLDER} di loket 3 sangat membantu."


def test_names_that_are_everyday_words_go_only_after_an_honorific_or_beside_the_rest_of_the_name(index):
    assert index.redact("Ruangannya indah dan pelayanan bagus") == "Ruangannya indah dan pelayanan bagus"
    assert index.redact("Bu Indah ramah") == f"{PLACEHOLDER} ramah"
    assert index.redact("Indah Lestari ramah") == f"{PLACEHOLDER} ramah"
    assert index.redact("Terima kasih, Pak Bagus!") == f"Terima kasih, {PLACEHOLDER}!"


def test_a_capitalised_name_after_an_honorific_goes_even_when_not_in_the_directory(index):
    assert index.redact("Pak Joko di loket 3 kasar") == f"{PLACEHOLDER} di loket 3 kasar"
    assert index.redact("Bu kepala ramah") == "Bu kepala ramah"


def test_ordinary_comments_are_left_as_they_are(index):
    comment = "Antrean lama, tapi petugasnya ramah sekali. Terima kasih atas pelayanan yang cepat!"
    assert index.redact(comment) == comment
    assert index.redact("") == ""
    assert index.redact("😊") == "😊"
    assert index.redact("x" * 10_000) == "x" * 10_000


def test_spelling_keys_and_short_forms():
    assert spelling_key("Soeharto") == spelling_key("Suharto")
    assert spelling_key("Achmad") == spelling_key("Ahmad") == spelling_key("Akhmad")
    assert spelling_key("Fatimah") == spelling_key("Fatima")
    assert {"anto", "yanto", "surya"} <= short_forms("Suryanto")
    assert "wawan" in short_forms("Kurniawan")
    assert "bang" not in short_forms("Bambang")  # an honorific, not a name


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_no_name_reaches_the_results_page_or_the_api(org, survey, staff, colleagues, client, api):
    # given a round in which people name colleagues in their comments
    pulse_round = open_round(survey)
    people = staff["cs"] + staff["lkt"]
    for number, person in enumerate(people):
        variant = VARIANTS[number % len(VARIANTS)]
        answer(pulse_round, person, comment=f"Terima kasih {variant}, pelatihannya sangat bermanfaat")
    # when the round closes
    close(pulse_round)
    # then no stored answer, page or API answer holds a name
    from pulse_surveys.models import Answer

    stored = list(Answer.objects.filter(round=pulse_round, value__isnull=True).values_list("text", flat=True))
    assert len(stored) == len(people) and all(PLACEHOLDER in text for text in stored)
    client.force_login(org.hana)
    page = client.get(f"/pulse/results/?round={pulse_round.pk}").content.decode()
    data = api(org.hana).get(f"/api/v1/pulse/rounds/{pulse_round.pk}/results/").json()
    assert data["comments_total"] == len(people)
    assert data["comment_summary"]["themes"][0]["key"] == "growth"
    for shown in (page, str(data)):
        for first, last in COLLEAGUES:
            assert first not in shown and last not in shown
        for variant in VARIANTS[: len(people)]:
            assert variant not in shown
    assert "[name]" in str(data["comments"])
    assert "What the comments say" in page


def test_names_added_to_the_directory_later_are_taken_out_when_shown(org, collection, client):
    # given suggestions naming someone who joins the directory only afterwards
    for _index in range(5):
        submit(collection, body(suggestion="Mbak Yulianingsih di loket 2 ramah sekali, terima kasih"))
        submit(collection, body(suggestion="yulianingsih kurang sopan"))
    assert CollectedResponse.objects.filter(suggestion__icontains="yulianingsih").count() == 5
    from tests.factories import UserFactory

    UserFactory(first_name="Yulianingsih", last_name="Putri", department=org.cs)
    # when HR reads them on the page and in the report
    client.force_login(org.hana)
    page = client.get(f"/service-quality/collections/{collection.pk}/").content.decode()
    report = _pdf_text(client.get(f"/service-quality/collections/{collection.pk}/report.pdf").content)
    grouped = collection_selectors.suggestions(collection)
    # then the name is in none of them
    for shown in (page, report, str(grouped)):
        assert "ulianingsih" not in shown.lower()
    assert "What the comments say" in page
    assert collection_selectors.suggestion_summary(collection).total == 10


def test_a_suggestion_is_stored_without_the_names_in_it(org, colleagues, collection):
    submit(collection, body(suggestion="Pak Budi dan mas Anto sangat membantu"))
    assert CollectedResponse.objects.get().suggestion == f"{PLACEHOLDER} dan {PLACEHOLDER} sangat membantu"


def test_a_collections_suggestion_summary_needs_the_group_minimum(org, collection):
    for _index in range(collection_selectors.GROUP_MINIMUM - 1):
        submit(collection, body(suggestion="antrean lama"))
    assert collection_selectors.suggestion_summary(collection) is None
    collecting_ok = submit(collection, body(suggestion="antrean lama sekali"))
    assert collecting_ok.status_code == 201
    summary = collection_selectors.suggestion_summary(collection)
    assert summary.total == collection_selectors.GROUP_MINIMUM
    assert summary.themes[0].key == "waiting_time"
    assert summary.negative_share == 1.0
    assert collecting is not None


def test_ordinary_comments_pass_a_large_directory_unchanged():
    import csv
    from pathlib import Path

    from faker import Faker

    # given 5,000 people with generated Indonesian names
    fake = Faker("id_ID")
    fake.seed_instance(1)
    index = NameIndex([(fake.first_name(), fake.last_name()) for _ in range(5000)])
    # when the labelled and development comments (which name nobody) pass through it
    data = Path(__file__).parent / "data"
    comments = []
    for name in ("comments_labelled.csv", "comments_development.csv"):
        with open(data / name, encoding="utf-8") as file:
            comments.extend(row["text"] for row in csv.DictReader(file))
    # then none is changed
    assert [comment for comment in comments if index.redact(comment) != comment] == []
