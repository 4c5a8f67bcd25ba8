"""The audit log is append-only in the database itself, not only in Python.

``AuditEvent.save``/``delete`` and its queryset refuse changes, but ``_base_manager.update()``, a plain
``QuerySet(AuditEvent)``, ``bulk_create(update_conflicts=True)`` or raw SQL would go around them. These
triggers make the database refuse them too.

PostgreSQL refuses every UPDATE and DELETE of a row, with two exceptions:

- A DELETE of a row whose organisation the current transaction named in the transaction-local setting
  ``audit.deleting_organizations`` (a comma-separated list of ids). Only
  ``audit.services.release_log_for_deletion`` sets it (``set_config(..., is_local => true)``, i.e.
  ``SET LOCAL``), and only the organisation-delete service calls it, inside its transaction: the log
  goes with its organisation and with nothing else. The setting
  dies with the transaction, so it cannot leak into later work on a pooled connection. (Django deletes
  the child rows before the organisation row, so "the parent is already gone" cannot be the test.)
- An UPDATE that only clears ``actor_id``: deleting a user account sets it to NULL (``on_delete=SET_NULL``);
  ``actor_label`` keeps who acted.

TRUNCATE (table owner only; the test runner's flush) is not a row change and is not refused.

SQLite refuses the same UPDATEs with triggers. It has no transaction-local settings, so a DELETE
trigger could not tell an organisation's deletion from any other: there, deletes stay refused by the
Python rule (``AuditEvent.delete`` and its queryset) only.
"""

from django.db import migrations

POSTGRESQL = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.organization_id::text = ANY (
            string_to_array(current_setting('audit.deleting_organizations', true), ',')
        ) THEN
            RETURN OLD;
        END IF;
    ELSIF NEW.actor_id IS NULL AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Audit events are append-only: % of audit_auditevent refused.', TG_OP;
END;
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""
SQLITE = [
    """
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OF
        id, organization_id, actor_label, action, summary, ip_address, request_id, created_at
    ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'Audit events are append-only: UPDATE of audit_auditevent refused.'); END
    """,
    """
    CREATE TRIGGER audit_event_actor_only_cleared BEFORE UPDATE OF actor_id ON audit_auditevent
    WHEN NEW.actor_id IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'Audit events are append-only: UPDATE of audit_auditevent refused.'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_append_only",
    "DROP TRIGGER IF EXISTS audit_event_actor_only_cleared",
]


class RunSQLOn(migrations.RunSQL):
    """``RunSQL`` on one database vendor only (the triggers are written per vendor)."""

    def __init__(self, vendor: str, *args, **kwargs) -> None:
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        RunSQLOn("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
        RunSQLOn("sqlite", SQLITE, SQLITE_REVERSE),
    ]
