"""What a refused write means: a unique value taken by a request that got there first."""

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.views.generic.edit import BaseCreateView

#: SQLSTATE for a unique-constraint violation (PostgreSQL's ``unique_violation``).
UNIQUE_VIOLATION = "23505"


def is_unique_violation(error: BaseException) -> bool:
    """True when ``error`` is the database refusing a duplicate under a unique constraint or index.

    Code that checks uniqueness first (a form, a serializer) still meets this when two requests pass the
    check at the same moment: the database decides, and the loser should be told, not shown a 500.
    """
    if not isinstance(error, IntegrityError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate is not None:  # PostgreSQL (psycopg)
        return sqlstate == UNIQUE_VIOLATION
    return "UNIQUE constraint failed" in str(error)  # SQLite


class UniqueViolationFormMixin:
    """For a form view (``FormView``, ``CreateView``, ``UpdateView``): a unique value taken by another
    request between the form's check and the save shows the form again with an error, not a 500.

    Two tabs sending the same new name both pass the form's uniqueness check; the database refuses the
    second. The view's ``post`` runs in a savepoint, so the request's transaction (``ATOMIC_REQUESTS``)
    stays usable to show the form again. The form is checked once more first: its own uniqueness check now
    sees the other request's row and says so in its own words; otherwise ``unique_violation_message`` is
    shown, on ``unique_violation_field`` when it is set.
    """

    unique_violation_message = "This has just been taken by someone else: change it and send the form again."
    unique_violation_field: str | None = None

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            with transaction.atomic():
                return super().post(request, *args, **kwargs)  # type: ignore[misc]
        except IntegrityError as error:
            if not is_unique_violation(error):
                raise
        if isinstance(self, BaseCreateView):
            self.object = None  # what the refused attempt created was rolled back with it
        form = self.get_form()  # type: ignore[attr-defined]
        if form.is_valid():
            form.add_error(self.unique_violation_field, self.unique_violation_message)
        return self.form_invalid(form)  # type: ignore[attr-defined]
