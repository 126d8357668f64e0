"""Staff pages of the SKM collected in Prima: the collections (HR; managers for their own
service units; leadership reads), a collection's live results and data quality, its poster,
visit-code sheet and SKM report, and turning a suggestion into an improvement action."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core.csv_files import csv_response
from core.errors import Conflict, ServiceError
from core.web import form_errors_from, page_for, refuse_unless
from employees.models import Department, Role, User
from employees.permissions import is_hr, is_leadership, is_manager, managed_department_ids
from feedback import selectors as feedback_selectors
from service_quality import collecting, collection_selectors, posters
from service_quality.dimensions import SKM_ELEMENT_KEYS, SKM_ELEMENT_LABELS
from service_quality.models import Channel, CollectedResponse, VisitCode
from service_quality.questionnaires import Questionnaire

# An action made from a suggestion is due a month from now, or when the collection ends if later.
ACTION_DUE_AFTER = dt.timedelta(days=30)


def _collection(request, pk: int, *, write: bool = False):
    queryset = (
        collection_selectors.collections_writable_by(request.user)
        if write
        else collection_selectors.collections_visible_to(request.user)
    )
    return get_object_or_404(queryset, pk=pk)


def _public_url(request, collection) -> str:
    return request.build_absolute_uri(reverse("skm-public-form", args=[collection.token]))


class CollectionForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=gettext_lazy("Service unit"))
    period_from = forms.DateField(label=gettext_lazy("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=gettext_lazy("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    expected_customers = forms.IntegerField(label=gettext_lazy("Customers expected in the period"), min_value=1)
    questionnaires = forms.MultipleChoiceField(
        label=gettext_lazy("Further questions after SKM's nine elements"),
        choices=Questionnaire.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(is_service_unit=True).order_by("name")
        if not is_hr(user):
            units = units.filter(pk__in=managed_department_ids(user))
        self.fields["department"].queryset = units


@require_http_methods(["GET", "POST"])
@page_for(is_hr, is_leadership, is_manager)
def collection_list(request):
    may_open = is_hr(request.user) or is_manager(request.user)
    form = CollectionForm(request.POST or None, user=request.user) if may_open else None
    if request.method == "POST":
        refuse_unless(form is not None)
        if form.is_valid():
            try:
                collection = collecting.collection_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("The collection is open."))
                return redirect("service_quality:collection", pk=collection.pk)
    collections = list(collection_selectors.collections_visible_to(request.user)[:100])
    return render(
        request,
        "service_quality/collections.html",
        {"collections": collections, "form": form, "section": "collections"},
    )


def _linked_actions(collection) -> list[dict]:
    from improvement.models import Action

    actions = Action.objects.filter(department=collection.department, dimension__in=SKM_ELEMENT_KEYS).order_by(
        "dimension", "-id"
    )
    return [
        {"element": action.dimension, "title": action.title, "status": action.get_status_display(), "id": action.pk}
        for action in actions
    ]


@require_safe
@page_for(is_hr, is_leadership, is_manager)
def collection_detail(request, pk: int):
    collection = _collection(request, pk)
    may_write = collection_selectors.collections_writable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "service_quality/collection.html",
        {
            "collection": collection,
            "results": collection_selectors.collection_results(collection),
            "by_profile": [
                (label, collection_selectors.results_by_profile(collection)[name])
                for name, label in collection_selectors.PROFILE_LABELS
            ],
            "by_expectation": collection_selectors.results_by_expectation(collection),
            "suggestions": collection_selectors.suggestions(collection),
            "suggestion_summary": collection_selectors.suggestion_summary(collection),
            "actions": _linked_actions(collection),
            "public_url": _public_url(request, collection),
            "kiosk_url": request.build_absolute_uri(reverse("skm-kiosk", args=[collection.token]))
            + f"#{collection.kiosk_key}",
            "results_url": reverse("skm-public-results", args=[collection.department_id]),
            "may_write": may_write,
            "may_publish": is_hr(request.user),
            "unused_codes": VisitCode.objects.filter(collection=collection, response__isnull=True).count(),
            "section": "collections",
        },
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_safe
@page_for(is_hr, is_leadership, is_manager)
def collection_poster(request, pk: int):
    collection = _collection(request, pk)
    return _pdf(posters.poster_pdf(collection, public_url=_public_url(request, collection)), f"skm-poster-{pk}.pdf")


@require_safe
@page_for(is_hr, is_leadership, is_manager)
def collection_codes(request, pk: int):
    collection = _collection(request, pk, write=True)
    codes = list(VisitCode.objects.filter(collection=collection, response__isnull=True).order_by("code"))
    content = posters.visit_codes_pdf(collection, codes, public_url=_public_url(request, collection))
    return _pdf(content, f"skm-visit-codes-{pk}.pdf")


@require_safe
@page_for(is_hr, is_leadership, is_manager)
def collection_report(request, pk: int):
    collection = _collection(request, pk)
    content = posters.skm_report_pdf(collection, actions=_linked_actions(collection))
    return _pdf(content, f"skm-report-{collection.department.code}-{collection.period_from:%Y%m}.pdf")


@require_safe
@page_for(is_hr, is_leadership, is_manager)
def collection_suggestions_csv(request, pk: int):
    """The collection's complaints and suggestions as CSV, every cell guarded against formulas."""
    collection = _collection(request, pk)
    header = [
        _("Number"),
        _("Submitted"),
        _("Service used"),
        _("Channel"),
        _("Verified"),
        _("Flagged"),
        _("Element rated lowest"),
        _("Complaint or suggestion"),
    ]
    channels = dict(Channel.choices)
    index = feedback_selectors.name_index()  # names are taken out once more, as on the page
    rows = (
        [
            row["pk"],
            timezone.localtime(row["submitted_at"]).strftime("%Y-%m-%d %H:%M"),
            row["service"],
            channels.get(row["channel"], row["channel"]),
            _("yes") if row["verified"] else _("no"),
            _("yes") if row["flagged"] else _("no"),
            f"{row['lowest'].upper()} {SKM_ELEMENT_LABELS[row['lowest']]}",
            feedback_selectors.shown([row["suggestion"]], index)[0],
        ]
        for row in collection_selectors.suggestion_rows(collection)
    )
    return csv_response(f"skm-suggestions-{collection.department.code}-{collection.period_from:%Y%m}.csv", header, rows)


@page_for(is_hr, is_leadership, is_manager, methods=["POST"])
def collection_action(request, pk: int):
    """The collection's buttons: issue visit codes, close it, show or hide suggestions."""
    collection = _collection(request, pk, write=True)
    what = request.POST.get("action")
    try:
        if what == "codes":
            try:
                count = int(request.POST.get("count", "0"))
            except ValueError:
                count = 0
            collecting.visit_codes_issue(collection=collection, count=count, actor=request.user)
            messages.success(request, _("%(n)d visit codes are ready to print.") % {"n": count})
        elif what == "close":
            collecting.collection_close(collection=collection, actor=request.user)
            messages.success(request, _("The collection is closed."))
        elif what in ("publish", "hide") and is_hr(request.user):
            collecting.collection_publish_suggestions(
                collection=collection, publish=what == "publish", actor=request.user
            )
            messages.success(request, _("Saved."))
        else:
            messages.error(request, _("Choose what to do."))
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    except Conflict as error:
        messages.error(request, str(error.message))
    return redirect("service_quality:collection", pk=collection.pk)


def _action_owner(department, actor):
    """The unit's manager owns an action made from its customers' suggestion (or its maker,
    when they work there themselves)."""
    if actor.department_id == department.pk:
        return actor
    manager = User.objects.filter(department=department, role=Role.MANAGER, is_active=True).order_by("pk").first()
    return manager or actor


@page_for(is_hr, is_leadership, is_manager, methods=["POST"])
def suggestion_to_action(request, pk: int, response_pk: int):
    """Opens the new improvement action's form for a suggestion, linked to its element."""
    collection = _collection(request, pk, write=True)
    response = CollectedResponse.objects.filter(collection=collection, pk=response_pk).first()
    if response is None:
        raise Http404
    element = request.POST.get("element")
    if element not in SKM_ELEMENT_KEYS:
        element = min(SKM_ELEMENT_KEYS, key=lambda key: getattr(response, key))
    from improvement import services as improvement_services

    title = (
        response.suggestion.strip().splitlines()[0][:120] if response.suggestion.strip() else _("Customer suggestion")
    )
    try:
        action = improvement_services.action_create(
            actor=request.user,
            department=collection.department,
            title=title,
            description=response.suggestion,
            owner=_action_owner(collection.department, request.user),
            due_date=max(collection.period_to, timezone.localdate() + ACTION_DUE_AFTER),
            dimension=element,
        )
    except (ValidationError, ServiceError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        return redirect("service_quality:collection", pk=collection.pk)
    messages.success(request, _("The improvement action was created."))
    return redirect("improvement:action_detail", pk=action.pk)
