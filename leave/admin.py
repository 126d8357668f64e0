"""Leave in the admin: policies, types and holidays editable; balances, the ledger and requests
read-only (they change only through the services, which lock and audit)."""

from django.contrib import admin

from leave.models import (
    EmployeeLeavePolicy,
    Holiday,
    LeaveBalance,
    LeaveLedgerEntry,
    LeavePolicy,
    LeaveRequest,
    LeaveType,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LeaveTypeInline(admin.TabularInline):
    model = LeaveType
    extra = 0
    fields = ["code", "name", "tracks_balance", "annual_days", "day_unit", "requires_hr_approval", "is_active"]


@admin.register(LeavePolicy)
class LeavePolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "regime", "work_week", "collective_leave_reduces_annual", "is_default"]
    inlines = [LeaveTypeInline]


@admin.register(LeaveType)
class LeaveTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "policy", "tracks_balance", "annual_days", "day_unit", "is_active"]
    list_filter = ["policy", "tracks_balance", "is_active"]


@admin.register(EmployeeLeavePolicy)
class EmployeeLeavePolicyAdmin(admin.ModelAdmin):
    list_display = ["employee", "policy"]
    autocomplete_fields = ["employee"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_collective_leave", "is_day_off", "source"]
    list_filter = ["is_collective_leave", "is_day_off", "source"]
    date_hierarchy = "date"


@admin.register(LeaveBalance)
class LeaveBalanceAdmin(ReadOnlyAdmin):
    list_display = ["employee", "leave_type", "year", "entitled", "used", "pending"]
    list_filter = ["year", "leave_type"]
    search_fields = ["employee__username", "employee__first_name", "employee__last_name"]


@admin.register(LeaveLedgerEntry)
class LeaveLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "balance", "kind", "days", "note", "created_by"]
    list_filter = ["kind"]
    search_fields = ["balance__employee__username", "note"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    list_display = ["employee", "leave_type", "start_date", "end_date", "working_days", "status", "stage"]
    list_filter = ["status", "stage", "leave_type"]
    search_fields = ["employee__username", "employee__first_name", "employee__last_name"]
    date_hierarchy = "start_date"
