"""The HTML side of the to-do API: a landing page, the signed-in user's API token and their task list.

A task's checkbox is an in-place control (``core/in_place.py``): htmx swaps the task's row, a plain form
post redirects back to the list with a message.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from ..core import in_place
from ..core.page_cache import anonymous_page_cache, signed_in_page_cache
from .forms import TaskForm
from .models import TASK_LISTS, Task

#: Tasks per page of "My tasks".
TASKS_PER_PAGE = 20


@anonymous_page_cache()  # the same page for every visitor who is not signed in (core/page_cache.py)
def home(request: HttpRequest) -> HttpResponse:
    """Explains the API, links the docs and, for a signed-in user, shows their token and task counts."""
    context = {
        "api_root": request.build_absolute_uri("/api/v1/"),
        "login_url": resolve_url(settings.LOGIN_URL),
    }
    if request.user.is_authenticated:
        tasks = Task.objects.for_user(request.user)
        context.update(
            token=Token.objects.filter(user=request.user).first(),
            open_count=tasks.open().count(),
            overdue_count=tasks.overdue().count(),
        )
    return render(request, "tasks/home.html", context)


@login_required
@require_POST
def rotate_token(request: HttpRequest) -> HttpResponse:
    """Create the user's API token, or replace it (the old key stops working at once)."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=request.user).delete()[0] > 0
        Token.objects.create(user=request.user)
    if replaced:
        messages.success(request, "Your API token was replaced; the old one no longer works.")
    else:
        messages.success(request, "Your API token was created.")
    return redirect("tasks:home")


@login_required
@require_http_methods(["GET", "POST"])
@signed_in_page_cache(TASK_LISTS, scope=lambda request: timezone.localdate())
def task_list(request: HttpRequest) -> HttpResponse:
    """The user's own tasks, open ones first, with a form to add one.

    A page (GET) is kept per session and day ("Overdue" changes with the day) until a task, list or label
    changes (``core/page_cache.py``, renewed by ``signals.py``)."""
    if request.method == "POST":
        form = TaskForm(request.POST, owner=request.user)
        if form.is_valid():
            task = form.save()
            messages.success(request, f"Added “{task.title}”.")
            return redirect("tasks:list")
    else:
        form = TaskForm(owner=request.user)
    tasks = Task.objects.for_user(request.user).with_related()
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "tasks": page.object_list, "page_number": page.number}
    return render(request, "tasks/task_list.html", context)


@login_required
@require_POST
def set_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the user's tasks done (``done=true``) or open again (``done=false``).

    The form says which state it wants rather than "toggle", so a repeated post changes nothing more."""
    task = get_object_or_404(Task.objects.for_user(request.user).with_related(), pk=pk)
    if request.POST.get("done") == "true":
        task.mark_done()
        message = f"“{task.title}” is done."
    else:
        task.reopen()
        message = f"“{task.title}” is open again."
    # The list page the form was on, so that a plain post comes back to it.
    page = request.POST.get("page", "")
    page_number = int(page) if page.isdigit() and len(page) < 10 else 1
    query = f"?page={page_number}" if page_number > 1 else ""
    return in_place.answer(
        request,
        "tasks/partials/task_row.html",
        {"task": task, "page_number": page_number},
        redirect_to=f"{reverse('tasks:list')}{query}#task-{task.pk}",
        message=message,
    )
