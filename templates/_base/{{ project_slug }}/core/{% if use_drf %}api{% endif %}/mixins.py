"""Viewset behaviour shared by the API's resources."""

from typing import Any

from django.db.models import Model
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response


class FreshWriteResponseMixin:
    """Create and update answer with the object exactly as a GET shows it.

    Counts and other values that ``get_queryset()`` annotates (``open_tasks``, ``num_comments``…) exist
    only on rows read through it, so a freshly saved instance lacks them and the response would break the
    published schema. After saving, the object is read again through ``get_queryset()``.
    Put it before ``viewsets.ModelViewSet`` (or the create/update mixins) in the bases.
    """

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self.get_serializer(self._read_again(serializer.instance)).data
        return Response(data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(data))

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.get_serializer(self._read_again(serializer.instance)).data)

    def _read_again(self, instance: Model) -> Model:
        # Unfiltered by the query string: a change may take the object out of ?done=false, say.
        return self.get_queryset().filter(pk=instance.pk).first() or instance
