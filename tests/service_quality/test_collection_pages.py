"""The SKM collection's pages and printed matter: the public form and results page, the
poster, the visit-code sheet and the SKM report (their text read back from the PDF)."""

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from service_quality import collecting
from service_quality.models import CollectedResponse
from tests.service_quality.factories import body, submit

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_public_form_is_in_bahasa_indonesia_by_default_and_sets_a_device_cookie(collection, client):
    page = client.get(f"/s/{collection.token}/")
    assert page.status_code == 200
    assert page["Content-Language"] == "id"
    text = page.content.decode()
    assert '<html lang="id">' in text
    assert "Kirim jawaban saya" in text
    assert page.cookies["prima_skm_device"].value
    english = client.get(f"/s/{collection.token}/?lang=en").content.decode()
    assert "Send my answers" in english


def test_the_public_form_of_an_unknown_or_closed_collection_is_404(org, collection, client):
    assert client.get("/s/unknown-token/").status_code == 404
    collecting.collection_close(collection=collection, actor=org.hana)
    assert client.get(f"/s/{collection.token}/").status_code == 404


def test_the_kiosk_page_and_its_service_worker_need_no_sign_in(collection, client):
    kiosk = client.get(f"/s/{collection.token}/kiosk/")
    assert kiosk.status_code == 200
    assert 'data-kiosk="1"' in kiosk.content.decode()
    worker = client.get("/s/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert b"caches.open" in b"".join(worker)


def test_the_poster_holds_the_unit_the_short_link_and_both_languages(org, collection, client):
    client.force_login(org.budi)
    poster = client.get(f"/service-quality/collections/{collection.pk}/poster.pdf")
    assert poster.status_code == 200
    assert poster["Content-Type"] == "application/pdf"
    text = pdf_text(poster.content)
    assert "Layanan Pelanggan" in text
    assert f"/s/{collection.token}/" in text
    assert "Bagaimana kami melayani Anda?" in text
    assert "How did we serve you?" in text


def test_the_visit_code_sheet_lists_the_unused_codes(org, collection, client):
    codes = [code.code for code in collecting.visit_codes_issue(collection=collection, count=5, actor=org.hana)]
    submit(collection, body(visit_code=codes[0]))
    client.force_login(org.hana)
    text = pdf_text(client.get(f"/service-quality/collections/{collection.pk}/visit-codes.pdf").content)
    assert codes[0] not in text
    assert all(code in text for code in codes[1:])


def test_the_skm_report_holds_method_sample_index_lowest_elements_and_suggestions(org, collection, client):
    for values in ([4, 3, 4, 2, 3, 4, 4, 3, 3], [3, 3, 3, 3, 3, 3, 4, 2, 4], [4, 4, 2, 3, 4, 4, 3, 3, 2]):
        submit(collection, body(values, suggestion="Antrean terlalu lama" if values[1] == 3 else ""))
    client.force_login(org.lina)
    report = client.get(f"/service-quality/collections/{collection.pk}/report.pdf")
    assert report.status_code == 200
    text = pdf_text(report.content)
    assert "Krejcie" in text
    assert "80.56" in text
    assert "80" in text  # the sample target for 100 customers
    assert "Antrean terlalu lama" in text
    assert "U4" in text and "U8" in text  # the lowest elements (2.667 each)


def test_the_public_results_page_shows_no_personal_data_nor_unapproved_text(org, collection, client):
    # given answers with a service used and a suggestion that names someone
    for _index in range(3):
        submit(collection, body(service="KTP elektronik", suggestion="Pak Joko di loket 3 kasar"))
    # when anyone opens the unit's published results
    page = client.get(f"/s/unit/{org.cs.pk}/")
    text = page.content.decode()
    # then the index is there and nothing a customer wrote is
    assert page.status_code == 200
    assert "100,00" in text  # Indonesian number format
    assert "Joko" not in text and "KTP elektronik" not in text
    for field in ("30_39", "female", "bachelor", "private"):
        assert field not in text
    # until HR approves the suggestions
    collecting.collection_publish_suggestions(collection=collection, publish=True, actor=org.hana)
    published = client.get(f"/s/unit/{org.cs.pk}/").content.decode()
    # with the staff member's name taken out when the suggestion was stored
    assert "[nama] di loket 3 kasar" in published
    assert "Joko" not in published


def test_hr_turns_a_suggestion_into_an_improvement_action_on_its_element(org, collection, client):
    submit(collection, body([4, 4, 1, 4, 4, 4, 4, 4, 4], suggestion="Antrean terlalu lama"))
    response = CollectedResponse.objects.get()
    client.force_login(org.hana)
    answer = client.post(
        f"/service-quality/collections/{collection.pk}/suggestions/{response.pk}/action/", {"element": "u3"}
    )
    from improvement.models import Action

    action = Action.objects.get()
    assert answer.status_code == 302
    assert (action.department, action.dimension, action.title) == (org.cs, "u3", "Antrean terlalu lama")


def test_the_collection_page_shows_data_quality_to_the_units_manager_only(org, collection, client):
    submit(collection, body())
    client.force_login(org.budi)
    page = client.get(f"/service-quality/collections/{collection.pk}/")
    assert page.status_code == 200
    assert "IKM 100.00" in page.content.decode()
    client.force_login(org.mira)
    assert client.get(f"/service-quality/collections/{collection.pk}/").status_code == 404
    client.force_login(org.ani)
    assert client.get(f"/service-quality/collections/{collection.pk}/").status_code == 403


def test_hr_downloads_the_suggestions_as_csv_with_formulas_neutralised(org, client, collection):
    # given two suggestions, one a formula and one script, and an answer without one
    submit(collection, body(suggestion='=HYPERLINK("http://evil.example","x")'))
    submit(collection, body([1, 4, 4, 4, 4, 4, 4, 4, 4], suggestion="<script>alert(1)</script>", service="@ktp"))
    submit(collection, body())
    # when HR downloads them
    client.force_login(org.hana)
    answer = client.get(f"/service-quality/collections/{collection.pk}/suggestions.csv")
    # then: one row each, oldest first, a formula shown as text, script kept as text
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert len(rows) == 3
    assert rows[1][-1] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[2][-1] == "<script>alert(1)</script>"
    assert rows[2][2] == "'@ktp"
    assert rows[2][-2].startswith("U1 ")  # the element the respondent rated lowest


def test_a_manager_of_another_unit_cannot_download_the_suggestions(org, client, collection):
    client.force_login(org.mira)
    assert client.get(f"/service-quality/collections/{collection.pk}/suggestions.csv").status_code == 404


def _form_fields(values=(4, 4, 4, 4, 4, 4, 4, 4, 4), **extra) -> dict:
    """The public form as a browser without JavaScript posts it."""
    fields = {f"u{index}": str(value) for index, value in enumerate(values, start=1)}
    fields.update({"age_band": "30_39", "sex": "female", "education": "bachelor", "occupation": "private"})
    fields.update({"service": "KTP", "suggestion": "", "visit_code": "", "website": ""})
    return {**fields, **extra}


def _post_form(client, collection, fields, **query):
    page = client.get(f"/s/{collection.token}/", query)  # sets the device and CSRF cookies
    assert 'method="post"' in page.content.decode()
    token = client.cookies["csrftoken"].value
    return client.post(f"/s/{collection.token}/", {**fields, "csrfmiddlewaretoken": token})


def test_the_form_works_without_javascript(collection):
    # given a phone with JavaScript switched off (a plain form post, CSRF checked)
    phone = Client(enforce_csrf_checks=True)
    # when the customer sends the form
    answer = _post_form(phone, collection, _form_fields([3, 4, 4, 4, 4, 4, 4, 4, 2], expectation_level="2"))
    # then they are thanked in Bahasa Indonesia and the answer is stored as the API would store it
    assert answer.status_code == 200
    assert "Terima kasih atas jawaban Anda!" in answer.content.decode()
    stored = CollectedResponse.objects.get()
    assert (stored.u1, stored.u9, stored.expectation_level, stored.service) == (3, 2, 2, "KTP")
    assert stored.device_hash  # the form's device cookie counted
    # when the same phone sends it again, it is refused as a duplicate
    again = _post_form(phone, collection, _form_fields())
    assert again.status_code == 409
    assert "sudah menjawab survei ini" in again.content.decode()
    assert CollectedResponse.objects.count() == 1


def test_a_form_with_a_missing_answer_comes_back_with_the_problem_and_the_answers_kept(collection):
    phone = Client(enforce_csrf_checks=True)
    fields = _form_fields()
    del fields["u3"]
    answer = _post_form(phone, collection, {**fields, "suggestion": "<b>lambat</b>"})
    text = answer.content.decode()
    assert answer.status_code == 400
    assert "Bagaimana pendapat Saudara tentang kecepatan waktu pelayanan? — " in text  # the question is named
    assert 'name="u1" value="4" required checked' in text
    assert "&lt;b&gt;lambat&lt;/b&gt;</textarea>" in text
    assert not CollectedResponse.objects.exists()


def test_the_form_without_javascript_asks_and_stores_the_further_questionnaires(org):
    today = timezone.localdate()
    surveyed = collecting.collection_create(
        department=org.cs,
        period_from=today,
        period_to=today,
        expected_customers=10,
        questionnaires=["csat"],
        actor=org.hana,
    )
    phone = Client(enforce_csrf_checks=True)
    refused = _post_form(phone, surveyed, _form_fields())
    assert refused.status_code == 400 and not CollectedResponse.objects.exists()
    answer = _post_form(phone, surveyed, _form_fields(rating_overall="5"))
    assert answer.status_code == 200
    assert CollectedResponse.objects.get().ratings == {"overall": 5}


def test_a_signed_in_session_cannot_send_the_form(org, collection):
    staff = Client()
    staff.force_login(org.bayu)
    answer = staff.post(f"/s/{collection.token}/", _form_fields())
    assert answer.status_code == 403
    assert not CollectedResponse.objects.exists()


def test_a_colleague_named_in_a_suggestion_is_taken_out_of_the_csv(org, client, collection):
    from tests.factories import UserFactory

    # given a suggestion naming someone who joins the directory only after it was stored
    submit(collection, body(suggestion="Suryanto di loket 2 kurang ramah"))
    UserFactory(username="suryanto", first_name="Suryanto", last_name="Wibowo", department=org.cs)
    # when HR downloads the suggestions
    client.force_login(org.hana)
    text = client.get(f"/service-quality/collections/{collection.pk}/suggestions.csv").content.decode()
    # then the name is taken out there too
    assert "Suryanto" not in text and "di loket 2 kurang ramah" in text
