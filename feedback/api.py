"""`/api/v1/feedback/themes/`: the comment themes; HR writes, HR and leadership read."""

from rest_framework import mixins, serializers, viewsets

from employees.models import Role
from employees.permissions import allow
from feedback import selectors, services
from feedback.models import Theme


class ThemeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Theme
        fields = [
            "id",
            "key",
            "name",
            "name_en",
            "name_id",
            "driver",
            "skm_element",
            "keywords_id",
            "keywords_en",
            "position",
            "is_active",
        ]


class ThemeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = "[0-9]+"
    serializer_class = ThemeSerializer
    permission_classes = [allow(read={Role.HR, Role.LEADERSHIP}, write={Role.HR})]

    def get_queryset(self):
        return selectors.theme_list()

    def perform_create(self, serializer):
        serializer.instance = services.theme_save(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.theme_save(
            theme=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
