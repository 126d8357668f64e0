"""The audit trail, read-only, for HR and administrators."""

import django_filters
from rest_framework import mixins, serializers, viewsets

from core.models import AuditEntry
from employees.models import Role
from employees.permissions import allow


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "actor_username", "action", "target_type", "target_id", "summary", "data"]


class AuditEntryFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith")
    after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "target_type", "target_id", "after", "before"]


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What HR and administrators did, newest first. Nobody can change or delete an entry."""

    serializer_class = AuditEntrySerializer
    permission_classes = [allow(read={Role.HR}, write=())]
    filterset_class = AuditEntryFilter
    queryset = AuditEntry.objects.order_by("-at", "-id")
