from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, DetailView, ListView, UpdateView

from ..core import in_place
from ..core.integrity import UniqueViolationFormMixin
from ..organizations.exceptions import ActionRefused
from ..organizations.mixins import OrganizationPermissionMixin, require
from ..organizations.permissions import Action
from . import services
from .forms import ProjectForm, TaskForm
from .models import Project, Task


class ProjectListView(OrganizationPermissionMixin, ListView):
    permission = Action.VIEW_PROJECTS
    context_object_name = "projects"
    paginate_by = 20

    def get_queryset(self):
        # Counted per project shown (a subquery each, served by the (project, done) index): a GROUP BY over
        # the join would count the tasks of every project of the organisation before taking a page of 20.
        return Project.objects.annotate(
            task_count=_tasks_per_project(), open_count=_tasks_per_project(done=False)
        ).order_by("name")


def _tasks_per_project(**filters: object) -> Coalesce:
    """How many of the outer project's tasks match ``filters`` (0 when none do).

    Unscoped: the outer query is the organisation's projects, and a task lives in its project's
    organisation (``Task.save``). The scoped manager's organisation condition would lead SQLite to its
    index, every task of the organisation for each project, instead of the (project, done) one."""
    tasks = Task.unscoped.filter(project=OuterRef("pk"), **filters).order_by().values("project")
    return Coalesce(Subquery(tasks.annotate(count=Count("pk")).values("count")), 0)


class ProjectDetailView(OrganizationPermissionMixin, DetailView):
    permission = Action.VIEW_PROJECTS
    context_object_name = "project"

    def get_queryset(self):
        return Project.objects.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tasks=self.object.tasks.select_related("assignee"),
            task_form=TaskForm(organization=self.request.organization),
            **kwargs,
        )


class ProjectCreateView(UniqueViolationFormMixin, OrganizationPermissionMixin, CreateView):
    permission = Action.EDIT_PROJECTS
    form_class = ProjectForm
    template_name = "projects/project_form.html"
    unique_violation_field = "name"

    def form_valid(self, form: ProjectForm) -> HttpResponse:
        try:
            project = services.create_project(
                organization=self.request.organization,
                created_by=self.request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(self.request, f"Project “{project.name}” created.")
        return redirect(project.get_absolute_url())


class ProjectUpdateView(UniqueViolationFormMixin, OrganizationPermissionMixin, UpdateView):
    permission = Action.EDIT_PROJECTS
    form_class = ProjectForm
    template_name = "projects/project_form.html"
    unique_violation_field = "name"

    def get_queryset(self):
        return Project.objects.all()


class ProjectDeleteView(OrganizationPermissionMixin, DeleteView):
    permission = Action.DELETE_PROJECTS
    template_name = "projects/project_confirm_delete.html"

    def get_queryset(self):
        return Project.objects.all()

    def get_success_url(self) -> str:
        messages.success(self.request, f"Project “{self.object.name}” deleted.")
        return reverse("projects:list", kwargs={"org_slug": self.request.organization.slug})


@require_POST
def task_create(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    require(request, Action.EDIT_PROJECTS)
    project = get_object_or_404(Project.objects.all(), pk=pk)
    form = TaskForm(request.POST, organization=request.organization)
    if form.is_valid():
        task = form.save(commit=False)
        task.project = project
        task.save()
        messages.success(request, f"Task “{task.title}” added.")
    else:
        errors = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items())
        messages.error(request, f"The task was not added. {errors}")
    return redirect(project.get_absolute_url())


class TaskUpdateView(OrganizationPermissionMixin, UpdateView):
    permission = Action.EDIT_PROJECTS
    form_class = TaskForm
    template_name = "projects/task_form.html"

    def get_queryset(self):
        return Task.objects.select_related("project")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.organization}

    def get_success_url(self) -> str:
        return self.object.project.get_absolute_url()


@require_POST
def task_toggle(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    require(request, Action.EDIT_PROJECTS)
    task = get_object_or_404(Task.objects.select_related("project", "assignee"), pk=pk)
    task.done = not task.done
    task.save(update_fields=["done", "organization"])
    return in_place.answer(
        request,
        "projects/partials/task.html",
        {"task": task},
        redirect_to=task.project.get_absolute_url(),
        message=f"Task “{task.title}” {'done' if task.done else 'reopened'}.",
    )


@require_POST
def task_delete(request: HttpRequest, org_slug: str, pk: int) -> HttpResponse:
    require(request, Action.EDIT_PROJECTS)
    task = get_object_or_404(Task.objects.select_related("project"), pk=pk)
    task.delete()
    messages.success(request, f"Task “{task.title}” deleted.")
    return redirect(task.project.get_absolute_url())
