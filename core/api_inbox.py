"""What waits for the signed-in person, for a mobile app: the same items as the inbox page."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import extensions


class InboxItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    count = serializers.IntegerField()


class InboxView(APIView):
    """`[{kind, title, url, count}]`: one entry per kind of thing that waits, none for a kind
    with nothing waiting; `url` is the page where it is done."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InboxItemSerializer(many=True))
    def get(self, request):
        items = extensions.inbox_items(request.user)
        return Response(InboxItemSerializer(items, many=True).data)
