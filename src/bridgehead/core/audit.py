"""Audit trail: every create/update/delete of a domain object is recorded by django-auditlog.

Models are registered here, in one place, so adding a domain model without auditing it shows up in review
(and ``tests/core/test_audit.py`` checks that every model of our apps is registered).
"""

from __future__ import annotations

from django.apps import apps

AUDITED_APPS = ("core", "registry", "agreements", "programs", "partnering", "outcomes", "conversations")
NOT_AUDITED = {
    # Tokens and import batches hold secrets or whole uploaded files: their lifecycle is audited via
    # their owners and the objects an import creates, not by copying secrets into the log.
    ("core", "apitoken"): "secret hash",
    ("registry", "importbatch"): "raw upload",
    # A notice repeats what an audited change already says; logging it would copy personal text twice.
    ("core", "notification"): "derived from audited changes",
    # Machine state rewritten every few seconds by each background worker, not a change anyone made.
    ("core", "workerheartbeat"): "worker liveness",
    # A reader's place in a thread, rewritten on every look at it (and every few seconds while it is open).
    ("conversations", "readstate"): "reading bookkeeping",
}
#: Secrets never reach the audit log: a password hash, a calendar feed's token (whoever holds it reads the
#: person's meetings). ``last_login`` changes on every log-in and says nothing anyone decided.
SECRET_FIELDS = {("core", "user"): ["password"], ("partnering", "participant"): ["calendar_token"]}
#: Private words stay out of the log: a message's text (and a report's reason) belongs to the conversation, and
#: an erasure that anonymises them must not find a copy in the audit trail. Who wrote, hid or reported what,
#: and when, is still recorded.
PRIVATE_TEXT_FIELDS = {("conversations", "message"): ["body"], ("conversations", "report"): ["reason"]}
EXCLUDED_FIELDS = {
    **SECRET_FIELDS,
    **PRIVATE_TEXT_FIELDS,
    ("core", "user"): [*SECRET_FIELDS[("core", "user")], "last_login"],
}


def scrub_secret_fields(log_entry_model, content_type_model, secret_fields: dict[tuple[str, str], list[str]]) -> int:
    """Remove ``secret_fields`` from audit entries already written (entries older than their exclusion).

    Takes the models as arguments so a data migration can pass its historical ones. Returns how many entries
    changed.
    """
    changed = 0
    for (app_label, model_name), names in secret_fields.items():
        content_type = content_type_model.objects.filter(app_label=app_label, model=model_name).first()
        if content_type is None:
            continue
        for entry in log_entry_model.objects.filter(content_type=content_type).iterator():
            updates = {}
            for column in ("changes", "serialized_data"):
                value = getattr(entry, column)
                if isinstance(value, dict) and any(name in value for name in names):
                    updates[column] = {k: v for k, v in value.items() if k not in names}
                if isinstance(value, dict) and isinstance(value.get("fields"), dict):  # serialized_data's shape
                    fields = value["fields"]
                    if any(name in fields for name in names):
                        updates[column] = {**value, "fields": {k: v for k, v in fields.items() if k not in names}}
            if entry.changes_text and any(name in entry.changes_text for name in names):
                updates["changes_text"] = ""
            if updates:
                log_entry_model.objects.filter(pk=entry.pk).update(**updates)
                changed += 1
    return changed


def register_models() -> None:
    from auditlog.registry import auditlog  # auditlog's registry reads models: only once apps are ready

    for model in apps.get_models():
        key = (model._meta.app_label, model._meta.model_name)
        if model._meta.app_label not in AUDITED_APPS or key in NOT_AUDITED or auditlog.contains(model):
            continue
        auditlog.register(model, exclude_fields=EXCLUDED_FIELDS.get(key, []))
