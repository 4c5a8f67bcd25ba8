"""Views that count how often they ran, for the middleware's tests."""

from django.contrib.auth import get_user_model, login
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from ...core import in_place
from ...users.backends import MODEL_BACKEND

calls: list[str] = []


def created(request):
    calls.append(request.POST.get("title", ""))
    return HttpResponseRedirect(f"/done/{len(calls)}/")


def invalid(request):
    calls.append("invalid")
    return HttpResponse("Please correct the errors below.", status=200)


def liked(request):
    """An in-place control: a fragment for htmx, a redirect for a plain form."""
    calls.append("liked")
    context = {"messages": [f"{len(calls)} like"]}  # the messages partial as a stand-in fragment
    return in_place.answer(request, "partials/messages.html", context, redirect_to="/done/", message="Liked.")


def signed_in(request):
    """A sign-in form: ``login()`` gives the browser a new session (its key is cycled)."""
    calls.append("signed in")
    user = get_user_model().objects.get(username=request.POST["title"])
    login(request, user, backend=MODEL_BACKEND)
    return HttpResponseRedirect("/done/")


def reads_user(get_response):
    """A middleware that looks at who is signed in before the view (django-hijack's and allauth's do): it
    loads the session, so Django learns when a request's session no longer exists."""

    def middleware(request):
        request.user.is_authenticated  # noqa: B018
        return get_response(request)

    return middleware


@csrf_exempt
def api_create(request):
    calls.append(request.body.decode())
    return JsonResponse({"id": len(calls)}, status=201)


@csrf_exempt
def api_refused(request):
    calls.append("refused")
    return JsonResponse({"detail": "No."}, status=400)


urlpatterns = [
    path("create/", created),
    path("invalid/", invalid),
    path("like/", liked),
    path("sign-in/", signed_in),
    path("api/create/", api_create),
    path("api/refused/", api_refused),
]
