from django.contrib import admin

from correlation.models import CorrelationReport


@admin.register(CorrelationReport)
class CorrelationReportAdmin(admin.ModelAdmin):
    """Reports are read here; they are requested from the reports page or the API."""

    list_display = ["id", "created_at", "period_from", "period_to", "granularity", "external_source", "status"]
    list_filter = ["status", "granularity", "is_standard"]
    exclude = ["series"]
    readonly_fields = [field.name for field in CorrelationReport._meta.fields if field.name != "series"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
