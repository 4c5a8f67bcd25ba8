"""Requests that change state take effect once, however many identical copies arrive at the same moment.

Two kinds of repeat are recognised:

- **a form sent again from the same rendered page** (a double click, two tabs restored from one page, a
  browser retry): the same path, the same fields and the same CSRF token. Django masks that token afresh
  for every page it renders, so it names one rendering of one page;
- **an API call carrying an ``Idempotency-Key`` header** (as Stripe's and Mastodon's APIs take it),
  scoped to the credentials that sent it.

The first request claims the key by inserting a row, and the unique index decides among simultaneous
ones. Repeats wait for it to finish and get its answer again: a form its redirect (with a message) for
10 minutes, an API call its response, marked ``Idempotent-Replayed: true``, for 24 hours. A form sent by
htmx whose view answers with a fragment marked replayable (``core/in_place.py``) is kept like a redirect,
and a repeat gets the same fragment. A key reused
for a different API request is refused (422). A request that did not succeed (a form shown again with
its errors, any 4xx or 5xx) releases its key, so that it can be corrected and sent again.
"""

import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone

from ..core.request_body import refused_by_view
from .models import Submission

HEADER = "Idempotency-Key"
#: How long a recorded answer is replayed: an API client may retry a call for a day (as Stripe allows); a
#: form's repeats (a double click, a restored tab, a browser retry) come within minutes.
API_KEY_TTL = timedelta(hours=24)
FORM_KEY_TTL = timedelta(minutes=10)
#: A claim still running after this long belongs to a request that died (a killed worker): a repeat takes it.
ABANDONED_AFTER = timedelta(minutes=2)
#: How long a repeat waits for the first request's answer before it is told to try again later.
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05
#: API answers larger than this are not kept (the key is released instead).
MAX_REPLAYED_BODY = 256 * 1024
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class IdempotencyMiddleware:
    """Claims a repeatable request's key before its view runs; records or releases it afterwards.

    ``process_view`` runs after ``CsrfViewMiddleware`` has accepted the request, so a forged form never
    claims anything.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            response = self.get_response(request)
        except BaseException:
            _release(request)
            raise
        claim: _Claim | None = getattr(request, "_idempotency_claim", None)
        if claim is not None:
            claim.finish(response)
        return response

    def process_view(self, request: HttpRequest, view_func, args, kwargs) -> HttpResponseBase | None:
        if request.method not in UNSAFE_METHODS or refused_by_view(request, view_func):
            return None  # nothing to repeat, or a body the view answers 415 to without reading it
        try:
            claim = _Claim.for_request(request)
        except (MultiPartParserError, SuspiciousOperation, BadRequest, RawPostDataException):
            return None  # a body that cannot be read: nothing to claim, the view answers it (a 400)
        if isinstance(claim, HttpResponseBase):  # a malformed header
            return claim
        if claim is None:
            return None
        answer = claim.take()
        if answer is None:
            request._idempotency_claim = claim  # type: ignore[attr-defined]
        return answer


def _release(request: HttpRequest) -> None:
    claim: _Claim | None = getattr(request, "_idempotency_claim", None)
    if claim is not None:
        claim.release()


class _Claim:
    def __init__(self, request: HttpRequest, key: str, fingerprint: str, *, api: bool) -> None:
        self.request = request
        self.key = key
        self.fingerprint = fingerprint
        self.api = api

    @classmethod
    def for_request(cls, request: HttpRequest) -> "_Claim | HttpResponseBase | None":
        header = request.headers.get(HEADER)
        if header is not None:
            if not 1 <= len(header) <= 255:
                return JsonResponse({"detail": f"{HEADER} must be 1 to 255 characters long."}, status=400)
            scope = _digest(request.headers.get("Authorization", ""), request.session.session_key or "",
                            str(request.user.pk or ""))  # fmt: skip
            body = _body(request)
            if body is None:
                return None
            fingerprint = _digest(request.method or "", request.get_full_path(), body)
            return cls(request, _digest("api", scope, header), fingerprint, api=True)
        if not _is_form(request) or not request.POST.get("csrfmiddlewaretoken"):
            return None
        key = _digest("form", request.get_full_path(), _body(request) or "")
        return cls(request, key, key, api=False)

    def take(self) -> HttpResponseBase | None:
        """None: this request holds the key and runs. Otherwise the answer a repeat gets."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                with transaction.atomic():
                    Submission.objects.create(
                        key=self.key, fingerprint=self.fingerprint, expires=self._expiry()
                    )
                return None
            except IntegrityError:
                pass
            earlier = Submission.objects.filter(key=self.key).first()
            if earlier is None:  # released in the meantime: try to claim it again
                continue
            if earlier.status_code:
                stale = earlier.expires < timezone.now()
            else:
                stale = earlier.created < timezone.now() - ABANDONED_AFTER
            if stale:
                Submission.objects.filter(pk=earlier.pk, created=earlier.created).delete()
                continue
            if self.api and earlier.fingerprint != self.fingerprint:
                detail = f"This {HEADER} was already used for a different request."
                return JsonResponse({"detail": detail}, status=422)
            if earlier.status_code:
                return self._replay(earlier)
            if time.monotonic() > deadline:
                return self._busy()
            time.sleep(POLL_SECONDS)

    def finish(self, response: HttpResponseBase) -> None:
        if self.api:
            kept = (
                200 <= response.status_code < 300
                and not response.streaming
                and len(response.content) <= MAX_REPLAYED_BODY  # type: ignore[attr-defined]
            )
        elif _replayable(response):
            kept = len(response.content) <= MAX_REPLAYED_BODY  # type: ignore[attr-defined]
        else:
            kept = 300 <= response.status_code < 400 and response.has_header("Location")
        if not kept:
            self.release()
            return
        body_kept = self.api or _replayable(response)
        Submission.objects.filter(key=self.key).update(
            expires=self._expiry(),
            status_code=response.status_code,
            location=response.get("Location", "")[:2000],
            content_type=response.get("Content-Type", "")[:200] if body_kept else "",
            body=response.content if body_kept else b"",  # type: ignore[attr-defined]
        )

    def _expiry(self) -> datetime:
        return timezone.now() + (API_KEY_TTL if self.api else FORM_KEY_TTL)

    def release(self) -> None:
        Submission.objects.filter(key=self.key, status_code__isnull=True).delete()

    def _replay(self, earlier: Submission) -> HttpResponse:
        self._keep_the_first_session()
        if self.api:
            response = HttpResponse(bytes(earlier.body), status=earlier.status_code,
                                    content_type=earlier.content_type or None)  # fmt: skip
            if earlier.location:
                response["Location"] = earlier.location
            response["Idempotent-Replayed"] = "true"
            return response
        if not earlier.location:  # a fragment an in-place form was answered with: the same again
            response = HttpResponse(bytes(earlier.body), status=earlier.status_code,
                                    content_type=earlier.content_type or None)  # fmt: skip
            response["Idempotent-Replayed"] = "true"
            return response
        messages.info(self.request, "That form had already been sent: this is its result.")
        response = HttpResponse(status=earlier.status_code)
        response["Location"] = earlier.location
        return response

    def _keep_the_first_session(self) -> None:
        """A repeat of a form that signed someone in (or out, or impersonated) carries the session the first
        copy replaced (``login()`` cycles its key). Django would answer such a request by deleting the
        session cookie, and as the repeat is answered last, the browser would drop the first copy's new
        session: a double click on "Sign in" signing the person out again. The repeat leaves the cookie be.
        """
        cookie = self.request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        session = getattr(self.request, "session", None)
        if cookie and session is not None and not session.exists(cookie):
            del self.request.COOKIES[settings.SESSION_COOKIE_NAME]

    def _busy(self) -> HttpResponse:
        detail = "The same request is still being processed; try again in a moment."
        if self.api:
            return JsonResponse({"detail": detail}, status=409)
        return HttpResponse(detail, status=409, content_type="text/plain; charset=utf-8")


def _replayable(response: HttpResponseBase) -> bool:
    """A 2xx fragment an in-place form was answered with (``core.in_place.answer``)."""
    return (
        getattr(response, "replayable", False)
        and 200 <= response.status_code < 300
        and not response.streaming
    )


def _is_form(request: HttpRequest) -> bool:
    return request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}


def _body(request: HttpRequest) -> str | None:
    """What identifies the request's content; None when it cannot be read (the view will say why)."""
    if _is_form(request):
        fields = sorted((name, value) for name, values in request.POST.lists() for value in values)
        files = sorted((name, upload.name or "", str(upload.size)) for name, upload in request.FILES.items())
        return repr((fields, files))
    try:
        return hashlib.sha256(request.body).hexdigest()
    except (RequestDataTooBig, RawPostDataException):  # the view answers it; nothing to claim
        return None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
