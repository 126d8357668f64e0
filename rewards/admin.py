"""Rewards and bonuses in the admin: read-mostly. Money and workflow change only through the
services (the API and pages), so that budgets, separation of duties and the audit hold."""

from django.contrib import admin

from rewards.models import Bonus, BonusBudget, BonusTransition, PointsEntry, Recognition, Redemption, Reward


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BonusTransitionInline(admin.TabularInline):
    model = BonusTransition
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bonus)
class BonusAdmin(ReadOnlyAdmin):
    list_display = ["employee", "department", "kind", "amount", "period", "status", "created_by", "decided_by"]
    list_filter = ["status", "kind", "department"]
    search_fields = ["employee__username", "employee__first_name", "employee__last_name", "reason"]
    list_select_related = ["employee", "department", "created_by", "decided_by"]
    date_hierarchy = "period"
    inlines = [BonusTransitionInline]


@admin.register(BonusBudget)
class BonusBudgetAdmin(ReadOnlyAdmin):
    list_display = ["department", "year", "amount"]
    list_filter = ["year"]
    list_select_related = ["department"]


@admin.register(Recognition)
class RecognitionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "giver", "recipient", "department", "dimension", "points"]
    list_filter = ["dimension", "department"]
    list_select_related = ["giver", "recipient", "department"]
    search_fields = ["giver__username", "recipient__username", "message"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "employee", "kind", "points", "note"]
    list_filter = ["kind"]
    list_select_related = ["employee"]


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "points_cost", "leave_days", "is_active"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "employee", "reward", "points", "fulfilled_at"]
    list_select_related = ["employee", "reward"]
