"""The yardstick for answering a pulse: a bare Django view that does the same inserts as
`POST /api/v1/pulse/rounds/{id}/responses/` with hand-written SQL, in one transaction: the
token, the invitation and the open round, the participation (the unique key decides a race),
the response and its answers. No serializer, no ORM, no validation beyond the database's."""

import json
import uuid

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def response_submit_raw(request, round_id: int):
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    try:
        answers = json.loads(request.body)["answers"]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "bad request"}, status=400)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.user_id FROM authtoken_token t JOIN employees_user u ON u.id = t.user_id "
            "WHERE t.key = %s AND u.is_active",
            [key.strip() if scheme.lower() == "token" else ""],
        )
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"detail": "unauthenticated"}, status=401)
        employee_id = row[0]
        cursor.execute(
            "SELECT i.department_id FROM pulse_surveys_invitation i JOIN pulse_surveys_round r ON r.id = i.round_id "
            "WHERE i.round_id = %s AND i.employee_id = %s AND r.status = 'open' "
            "AND r.opens_at <= now() AND r.closes_at > now()",
            [round_id, employee_id],
        )
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"detail": "not invited or not open"}, status=403)
        department_id = row[0]
        cursor.execute(
            "INSERT INTO pulse_surveys_participation (id, round_id, employee_id, answered_on) "
            "VALUES (%s, %s, %s, CURRENT_DATE) ON CONFLICT (round_id, employee_id) DO NOTHING RETURNING id",
            [uuid.uuid4(), round_id, employee_id],
        )
        if cursor.fetchone() is None:
            return JsonResponse({"detail": "already answered"}, status=409)
        response_id = uuid.uuid4()
        cursor.execute(
            "INSERT INTO pulse_surveys_response (id, round_id, department_id) VALUES (%s, %s, %s)",
            [response_id, round_id, department_id],
        )
        rows = [
            (uuid.uuid4(), round_id, response_id, item["question"], item.get("value"), item.get("text") or "")
            for item in answers
        ]
        cursor.execute(
            "INSERT INTO pulse_surveys_answer (id, round_id, response_id, question_id, value, text) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows)),
            [value for row in rows for value in row],
        )
    return JsonResponse({"detail": "recorded"}, status=201)
