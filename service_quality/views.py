"""Service-quality pages: a card per unit, a unit's trends, the list of scores, and imports
(upload → preview → confirm). HR and leadership read; HR imports."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.charts import coordinate
from core.errors import Conflict
from core.formatting import number
from core.periods import Period
from core.web import page_for
from employees.permissions import is_hr, is_leadership, is_manager, managed_department_ids
from service_quality import selectors, services
from service_quality.api import MAX_IMPORT_BYTES
from service_quality.dimensions import dimension_label
from service_quality.ikm import IKM_GRADE_BANDS
from service_quality.importing import COLUMNS
from service_quality.models import ImportKind, ImportStatus, ScoreImport, Source

SCORES_PER_PAGE = 50
IMPORTS_PER_PAGE = 25


def _period_or_none(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return Period.parse(text).first_day
    except ValidationError:
        return None


# --- Overview and a unit's trends.


@require_safe
@page_for(is_hr, is_leadership)
def overview(request):
    periods = selectors.ikm_periods()
    chosen = _period_or_none(request.GET.get("period"))
    cards = selectors.ikm_overview(period=chosen)
    return render(
        request,
        "service_quality/overview.html",
        {
            "cards": cards,
            "periods": [str(Period.of(period)) for period in periods],
            "chosen": str(Period.of(chosen)) if chosen else "",
        },
    )


# The trend chart: IKM 25–100 drawn in a viewBox; coordinates are computed here so that the
# template only places them (no inline styles under the Content-Security-Policy).
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 600, 220, 32
CHART_LOW, CHART_HIGH = Decimal(25), Decimal(100)


def _y(value: Decimal) -> str:
    share = (value - CHART_LOW) / (CHART_HIGH - CHART_LOW)
    return coordinate(CHART_HEIGHT - CHART_PAD - float(share) * (CHART_HEIGHT - 2 * CHART_PAD))


def trend_chart(results: list) -> dict | None:
    """Points, labels and the grade-band lines of a unit's IKM over time."""
    if not results:
        return None
    step = (CHART_WIDTH - 2 * CHART_PAD) / max(len(results) - 1, 1)
    points = [
        {
            "x": coordinate(CHART_PAD + index * step),
            "y": _y(result.ikm),
            "ikm": result.ikm,
            "period": str(Period.of(result.period)),
            "grade": result.grade,
        }
        for index, result in enumerate(results)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
        "polyline": " ".join(f"{point['x']},{point['y']}" for point in points),
        "points": points,
        "bands": [
            {"y": _y(bound), "label": number(bound, 2), "letter": grade.letter} for bound, grade in IKM_GRADE_BANDS
        ],
        "label_y": CHART_HEIGHT - 8,
        "label_every": max(1, len(points) // 6),
    }


@require_safe
@page_for(is_hr, is_leadership)
def unit_detail(request, pk: int):
    unit = get_object_or_404(selectors.service_units(), pk=pk)
    results = selectors.ikm_trend(department=unit)
    return render(
        request,
        "service_quality/unit.html",
        {
            "unit": unit,
            "results": list(reversed(results)),
            "latest": results[-1] if results else None,
            "chart": trend_chart(results),
            "servqual": list(reversed(selectors.servqual_results(department=unit))),
            "others": selectors.other_scores(department=unit),
            # HR, and the unit's manager, get "plan an action" beside its weakest elements
            "can_plan": is_hr(request.user)
            or (is_manager(request.user) and unit.pk in managed_department_ids(request.user)),
        },
    )


# --- The list of scores.


class ScoreFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=selectors.service_units(), required=False, label=gettext_lazy("Service unit")
    )
    source = forms.ChoiceField(choices=[("", "—"), *Source.choices], required=False, label=gettext_lazy("Source"))
    dimension = forms.CharField(required=False, max_length=64, label=gettext_lazy("Dimension"))
    period_from = forms.CharField(required=False, label=gettext_lazy("From (YYYY-MM)"))
    period_to = forms.CharField(required=False, label=gettext_lazy("To (YYYY-MM)"))

    def _clean_period(self, name: str) -> dt.date | None:
        text = self.cleaned_data.get(name)
        if not text:
            return None
        return Period.parse(text).first_day

    def clean_period_from(self):
        return self._clean_period("period_from")

    def clean_period_to(self):
        return self._clean_period("period_to")


@require_safe
@page_for(is_hr, is_leadership)
def score_list(request):
    form = ScoreFilterForm(request.GET or None)
    scores = selectors.external_score_list()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["department"]:
            scores = scores.filter(department=data["department"])
        if data["source"]:
            scores = scores.filter(source=data["source"])
        if data["dimension"]:
            scores = scores.filter(dimension=data["dimension"].strip().lower())
        if data["period_from"]:
            scores = scores.filter(period__gte=data["period_from"])
        if data["period_to"]:
            scores = scores.filter(period__lte=data["period_to"])
    page = Paginator(scores, SCORES_PER_PAGE).get_page(request.GET.get("page"))
    for score in page:
        score.label = dimension_label(score.source, score.dimension)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "service_quality/scores.html", {"form": form, "page": page, "query": query.urlencode()})


# --- Imports.


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, label=gettext_lazy("What the file holds"))
    file = forms.FileField(label=gettext_lazy("File (CSV UTF-8 or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
        return upload


@page_for(is_hr)
def import_list(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            score_import = services.score_import_upload(
                kind=form.cleaned_data["kind"], file_name=upload.name, content=upload.read(), actor=request.user
            )
        except Conflict as conflict:
            form.add_error("file", str(conflict.message))
        else:
            return redirect("service_quality:import_detail", pk=score_import.pk)
    page = Paginator(selectors.score_import_list(), IMPORTS_PER_PAGE).get_page(request.GET.get("page"))
    formats = [(ImportKind(kind).label, ",".join(columns)) for kind, columns in COLUMNS.items()]
    return render(request, "service_quality/imports.html", {"form": form, "page": page, "formats": formats})


@require_safe
@page_for(is_hr)
def import_detail(request, pk: int):
    score_import = get_object_or_404(selectors.score_import_list(), pk=pk)
    return render(
        request,
        "service_quality/import_detail.html",
        {
            "import": score_import,
            "progress": selectors.score_import_progress(score_import),
            "awaiting": score_import.status == ImportStatus.UPLOADED,
            "in_progress": score_import.status in (ImportStatus.PENDING, ImportStatus.RUNNING),
            "expected_columns": COLUMNS[score_import.kind],
        },
    )


@page_for(is_hr, methods=["POST"])
def import_confirm(request, pk: int):
    score_import = get_object_or_404(ScoreImport.objects.defer("content"), pk=pk)
    try:
        result = services.score_import_confirm(score_import=score_import, actor=request.user)
    except Conflict as conflict:
        messages.error(request, str(conflict.message))
        return redirect("service_quality:import_detail", pk=pk)
    if result.status == ImportStatus.SUCCEEDED:
        messages.success(request, _("%(n)d rows imported.") % {"n": result.rows_imported})
    elif result.status == ImportStatus.FAILED:
        messages.error(request, _("The file has problems; nothing was imported."))
    else:
        messages.info(request, _("The import runs in the background; this page shows how far it is."))
    return redirect("service_quality:import_detail", pk=pk)
