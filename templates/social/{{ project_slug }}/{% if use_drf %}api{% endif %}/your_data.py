"""The "Your data" API: one's exports (ask for one, follow it, download its archive once through the signed
``download_url``) and one's account deletion (schedule it with the password, see it, cancel it). The same
services as the pages (``exports.services``, ``profiles.deletion``), so the same rules."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..core import archives
from ..core.api.schema import ErrorSerializer
from ..exports import services as exports
from ..exports.models import Export
from ..profiles import deletion
from ..profiles.forms import DeleteAccountForm
from ..profiles.models import Profile


class ExportSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(
        help_text="Queued, Being built, Ready, Failed, Downloaded or Expired."
    )
    download_url = serializers.SerializerMethodField(
        help_text="While the state is Ready: the archive's single-use link (GET it, same credentials)."
    )

    class Meta:
        model = Export
        fields = [
            "id",
            "state",
            "created_at",
            "finished_at",
            "expires_at",
            "downloaded_at",
            "size",
            "error",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": archives.STATES})
    def get_state(self, export: Export) -> str:
        return export.state(timezone.now())

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_download_url(self, export: Export) -> str | None:
        if not export.downloadable(timezone.now()):
            return None
        path = reverse("api:export-download", kwargs={"token": exports.download_token(export)})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


REFUSED = OpenApiResponse(
    ErrorSerializer, description="Another export is being built, or one was asked for less than a minute ago."
)
GONE = OpenApiResponse(
    ErrorSerializer, description="The link was used already (each export downloads once), or it has expired."
)


class ExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The requester's data exports, newest first. Creating one queues it (state Queued); it is built in
    the background, then ``download_url`` downloads its ZIP archive once, until ``expires_at``."""

    queryset = Export.objects.none()  # for the schema only; requests use get_queryset()
    serializer_class = ExportSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return Export.objects.filter(user=self.request.user).select_related("user")

    @extend_schema(request=None, responses={201: ExportSerializer, 409: REFUSED})
    def create(self, request: Request, *args, **kwargs) -> Response:
        try:
            export = exports.request_export(request.user)
        except exports.ExportRefused as refused:
            return Response({"detail": refused.message}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(export).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("token", str, OpenApiParameter.PATH, description="From download_url.")],
        responses={(200, "application/zip"): OpenApiTypes.BINARY, 410: GONE},
    )
    @action(detail=False, methods=["get"], url_path=r"download/(?P<token>[^/]+)", url_name="download")
    def download(self, request: Request, token: str):
        """The export's ZIP archive, once. A used or expired link is 410 with the reason; a tampered one,
        or someone else's, 404."""
        export = exports.export_for_token(token, request.user)
        try:
            archive = exports.claim_download(export)
        except exports.DownloadRefused as refused:
            return Response({"detail": refused.reason}, status=status.HTTP_410_GONE)
        return archives.zip_response(archive)


class AccountDeletionSerializer(serializers.Serializer):
    scheduled = serializers.BooleanField(read_only=True, help_text="Whether the account is to be deleted.")
    deletion_due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When it is deleted for good (unless cancelled before)."
    )
    grace_days = serializers.IntegerField(read_only=True, help_text="SOCIAL_DELETION_GRACE_DAYS.")


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, max_length=4096, help_text="The account's password, again."
    )


class AccountDeletionView(APIView):
    """The requester's account deletion: GET where it stands; POST (with the password) schedules it after
    the grace period, hiding the account from everybody else at once; DELETE cancels it."""

    permission_classes = [IsAuthenticated]
    serializer_class = AccountDeletionSerializer

    def _state(self, request: Request, code: int = status.HTTP_200_OK) -> Response:
        due = Profile.objects.filter(user=request.user).values_list("deletion_due_at", flat=True).first()
        data = {
            "scheduled": due is not None,
            "deletion_due_at": due,
            "grace_days": settings.SOCIAL_DELETION_GRACE_DAYS,
        }
        return Response(AccountDeletionSerializer(data).data, status=code)

    @extend_schema(responses={200: AccountDeletionSerializer})
    def get(self, request: Request) -> Response:
        return self._state(request)

    @extend_schema(request=PasswordSerializer, responses={200: AccountDeletionSerializer})
    def post(self, request: Request) -> Response:
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = DeleteAccountForm({"password": serializer.validated_data["password"]}, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError({"password": form.errors["password"]})
        deletion.schedule(request.user)
        return self._state(request)

    @extend_schema(request=None, responses={200: AccountDeletionSerializer})
    def delete(self, request: Request) -> Response:
        deletion.cancel(request.user)
        return self._state(request)
