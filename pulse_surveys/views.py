"""Pulse pages: my open pulses and the answer form, HR's surveys and participation, results
for managers, the heatmap and trend for leadership. Thin: services write, selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from config.replica import heavy_reads
from core.charts import SCORE_HEAT_BANDS, heat_band
from core.errors import Conflict, NotAllowed
from core.web import error_lines, form_errors_from, page_for
from employees.models import Department
from employees.permissions import is_hr, is_manager, managed_department_ids
from pulse_surveys import impact, pdf, selectors, services
from pulse_surveys.forms import RoundForm, SurveyForm
from pulse_surveys.models import QuestionKind, Round, RoundStatus, Survey

# --- Answering --------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    return render(request, "pulse_surveys/mine.html", {"rounds": selectors.open_rounds_for(request.user)})


def _scale(question) -> list[int]:
    low, high = question.value_range
    return list(range(low, high + 1))


@login_required
def answer(request, pk: int):
    rounds = {r.pk: r for r in selectors.open_rounds_for(request.user)}
    pulse_round = rounds.get(pk)
    if pulse_round is None:
        raise Http404
    if pulse_round.answered:
        messages.info(request, _("You have already answered this round. Thank you!"))
        return redirect("pulse_surveys:mine")
    questions = [rq.question for rq in pulse_round.round_questions.all()]
    errors, given = [], {}
    if request.method == "POST":
        answers = []
        for question in questions:
            raw = request.POST.get(f"q{question.pk}", "").strip()
            given[question.pk] = raw
            if question.kind == QuestionKind.TEXT:
                if raw:
                    answers.append({"question": question.pk, "text": raw})
            elif raw:
                answers.append({"question": question.pk, "value": int(raw) if raw.lstrip("-").isdigit() else raw})
        try:
            services.response_submit(pulse_round=pulse_round, employee=request.user, answers=answers)
        except ValidationError as error:
            errors = error_lines(error)
        except (Conflict, NotAllowed) as error:
            messages.error(request, str(error.message))
            return redirect("pulse_surveys:mine")
        else:
            messages.success(request, _("Thank you. Your answers were recorded anonymously."))
            return redirect("pulse_surveys:mine")
    items = [
        {
            "question": question,
            "scale": _scale(question) if question.value_range else None,
            "given": given.get(question.pk, ""),
        }
        for question in questions
    ]
    return render(request, "pulse_surveys/answer.html", {"round": pulse_round, "items": items, "errors": errors})


# --- HR: surveys, rounds, participation -------------------------------------------------------


@page_for(is_hr, methods=["GET"])
def manage(request):
    open_rounds = selectors.open_rounds_all()
    for pulse_round in open_rounds:
        pulse_round.participation = selectors.round_participation(pulse_round)
    surveys = selectors.survey_list().prefetch_related("rounds")
    return render(request, "pulse_surveys/manage.html", {"surveys": surveys, "open_rounds": open_rounds})


@page_for(is_hr)
def survey_create(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Survey “%(title)s” created.") % {"title": survey.title})
            return redirect("pulse_surveys:manage")
    return render(request, "pulse_surveys/survey_form.html", {"form": form})


@page_for(is_hr)
def round_schedule(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pulse_round = services.round_create(survey=survey, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        except Conflict as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Round %(number)s scheduled.") % {"number": pulse_round.number})
            return redirect("pulse_surveys:manage")
    return render(request, "pulse_surveys/round_form.html", {"form": form, "survey": survey})


@page_for(is_hr, methods=["GET"])
def round_detail(request, pk: int):
    """A round's participation per department (while open: counts only, never scores)."""
    pulse_round = get_object_or_404(Round.objects.select_related("survey"), pk=pk)
    return render(
        request,
        "pulse_surveys/round_detail.html",
        {"round": pulse_round, "participation": selectors.round_participation(pulse_round)},
    )


@page_for(is_hr, methods=["POST"])
def round_close(request, pk: int):
    pulse_round = get_object_or_404(Round, pk=pk)
    try:
        services.round_close(pulse_round=pulse_round, actor=request.user)
    except Conflict as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The round is closed; its results are being prepared."))
    return redirect("pulse_surveys:round_detail", pk=pk)


# --- Results, heatmap, trend ------------------------------------------------------------------


def _visible_closed_rounds(user):
    return (
        selectors.round_list(viewer=user)
        .filter(status=RoundStatus.CLOSED, results_ready=True)
        .order_by("-closed_at", "-id")
    )


def _chosen_round(request):
    rounds = list(_visible_closed_rounds(request.user)[:60])
    wanted = request.GET.get("round", "")
    chosen = next((r for r in rounds if str(r.pk) == wanted), rounds[0] if rounds else None)
    if wanted and (chosen is None or str(chosen.pk) != wanted):
        raise Http404
    return rounds, chosen


def _chosen_department(request) -> Department | None:
    user, wanted = request.user, request.GET.get("department", "")
    if not wanted:
        return user.department if is_manager(user) else None
    if not wanted.isdigit():
        raise Http404
    if is_manager(user) and int(wanted) not in managed_department_ids(user):
        raise Http404
    return get_object_or_404(Department, pk=int(wanted))


def _up(user, result) -> int | None:
    """The parent department's id, where the viewer may read it (a manager only their subtree)."""
    parent = result.parent_department_id if result is not None else None
    if parent is None or (is_manager(user) and parent not in managed_department_ids(user)):
        return None
    return parent


@page_for(selectors.can_see_results, methods=["GET"])
@heavy_reads()
def results(request):
    rounds, chosen = _chosen_round(request)
    department = _chosen_department(request)
    result, breakdown, comments, comment_summary = (None, [], None, None)
    if chosen is not None:
        result, breakdown = selectors.round_result(pulse_round=chosen, department=department)
    comparison = None
    if result is not None:
        comments = selectors.result_comment_pages(result).get_page(request.GET.get("comments_page"))
        comparison = selectors.result_comparison(result)
    driver_impact = None
    if result is not None:
        driver_impact = impact.impact_view(
            pulse_round=chosen, department_id=department.pk if department else None, breakdown=breakdown
        )
        comment_summary = selectors.result_comment_summary(result)
    return render(
        request,
        "pulse_surveys/results.html",
        {
            "rounds": rounds,
            "round": chosen,
            "department": department,
            "up": _up(request.user, result),
            "result": result,
            "breakdown": breakdown,
            "breakdown_note": next((child.protection_note for child in breakdown if child.protected), ""),
            "comments": comments,
            "comparison": comparison,
            "impact": driver_impact,
            "can_plan": is_hr(request.user) or is_manager(request.user),
            "comment_summary": comment_summary,
        },
    )


@page_for(selectors.can_see_results, methods=["GET"])
@heavy_reads()
def results_pdf(request):
    """The results page's group as PDF: the same round, group and guard as the page."""
    _rounds, chosen = _chosen_round(request)
    department = _chosen_department(request)
    result, breakdown = (
        (None, []) if chosen is None else selectors.round_result(pulse_round=chosen, department=department)
    )
    if result is None:
        raise Http404
    content = pdf.results_pdf(pulse_round=chosen, department=department, result=result, breakdown=breakdown)
    response = HttpResponse(content, content_type="application/pdf")
    group = department.code if department is not None else "all"
    response["Content-Disposition"] = f'inline; filename="pulse-results-{chosen.pk}-{group}.pdf"'
    return response


def _heat(score: float | None) -> str:
    band = heat_band(score, SCORE_HEAT_BANDS)
    return "" if band is None else f"heat-{band}"


# The full heatmap shows a department's subtree (at first the whole tree) down to as many levels
# as fit in this many rows, and each row opens its department's own (a thousand departments
# made the page 3 MB); the CSV export of the dashboard's heatmap holds every department.
HEATMAP_ROWS = 300


@page_for(selectors.can_see_all_results, methods=["GET"])
@heavy_reads()
def heatmap(request):
    rounds, chosen = _chosen_round(request)
    drivers = list(selectors.driver_list())
    department = _chosen_department(request)
    rows, in_view, levels, scoped = [], 0, None, False
    if chosen is not None:
        paths = selectors.round_result_paths(chosen)
        shown, levels = selectors.departments_that_fit(paths, HEATMAP_ROWS)
        # a tree too large for one page: the chosen department's subtree
        scoped = levels is not None and department is not None
        if scoped:
            shown, levels = selectors.departments_that_fit(paths, HEATMAP_ROWS, under=department.path)
        under = department.path if scoped else ""
        in_view = sum(1 for _department, path in paths if path.startswith(under))
        everything = levels is None and not scoped
        for result in selectors.round_results_all(chosen, departments=None if everything else shown):
            scores = {item.driver_id: item.score for item in result.driver_scores.all()}
            margins = {item.driver_id: item.margin for item in result.driver_scores.all()}
            rows.append(
                {
                    "result": result,
                    "depth": result.department.depth if result.department_id else 0,
                    "overall_class": _heat(result.score),
                    "cells": [
                        {
                            "score": scores.get(driver.pk),
                            "margin": margins.get(driver.pk),
                            "class": _heat(scores.get(driver.pk)),
                        }
                        for driver in drivers
                    ],
                }
            )
    trend = selectors.result_trend(survey=chosen.survey, department=department) if chosen else []
    agreement = None
    if chosen is not None:
        shown = [row["result"] for row in rows if not row["result"].is_total]
        agreement = impact.impact_view(pulse_round=chosen, department_id=None, breakdown=shown)
    return render(
        request,
        "pulse_surveys/heatmap.html",
        {
            "rounds": rounds,
            "round": chosen,
            "drivers": drivers,
            "rows": rows,
            "department": department,
            "levels": levels,
            "scoped": scoped,
            "departments_shown": sum(1 for row in rows if row["result"].department_id),
            "departments_total": in_view,
            "trend": trend,
            "trend_points": _trend_points(trend),
            "trend_line": " ".join(f"{point['x']},{point['y']}" for point in _trend_points(trend)),
            "trend_width": max(len(trend), 1) * 40,
            "impact": agreement,
        },
    )


def _trend_points(trend) -> list[dict]:
    """Chart coordinates on a 0–100 scale drawn 5 units inside a 110-high box, 40 units apart;
    suppressed rounds have no score and are left out of the line."""
    return [
        {"x": index * 40 + 20, "y": round(105 - result.score, 1), "score": result.score, "result": result}
        for index, result in enumerate(trend)
        if result.score is not None
    ]
