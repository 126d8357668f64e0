"""Administration: imports and scores are read here; they change through imports and the API,
so that every change is checked and audited."""

from django.contrib import admin

from service_quality.models import ExternalMetric, ExternalScore, InternalScore, ScoreImport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ScoresAdmin(ReadOnlyAdmin):
    """Scores listed with their import's name, not its file: the file would be read, and sorted,
    once for every score it brought."""

    list_select_related = ["department", "source_import"]

    def get_queryset(self, request):
        heavy = ["content", "errors", "replaced", "preview"]
        return super().get_queryset(request).defer(*(f"source_import__{field}" for field in heavy))


@admin.register(ScoreImport)
class ScoreImportAdmin(ReadOnlyAdmin):
    list_display = ["id", "file_name", "kind", "status", "rows_imported", "rows_total", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "content_hash"]
    exclude = ["content"]


@admin.register(ExternalScore)
class ExternalScoreAdmin(ScoresAdmin):
    list_display = ["department", "period", "source", "dimension", "value", "respondents", "derived", "source_import"]
    list_filter = ["source", "derived", "department"]
    search_fields = ["department__code", "dimension"]


@admin.register(InternalScore)
class InternalScoreAdmin(ScoresAdmin):
    list_display = ["department", "period", "value", "respondents", "source_import"]


@admin.register(ExternalMetric)
class ExternalMetricAdmin(admin.ModelAdmin):
    """A measure's direction is said with its first score; here an administrator corrects it."""

    list_display = ["source", "dimension", "direction", "updated_at"]
    list_filter = ["source", "direction"]
    readonly_fields = ["source", "dimension", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
