"""Audit trail: every create/update/delete of a domain object is recorded by django-auditlog.

Models are registered here, in one place, so adding a domain model without auditing it shows up in review
(and ``tests/core/test_audit.py`` checks that every model of our apps is registered).
"""

from __future__ import annotations

from django.apps import apps

AUDITED_APPS = ("core", "registry", "agreements", "programs", "partnering", "outcomes")
NOT_AUDITED = {
    # Tokens and import batches hold secrets or whole uploaded files: their lifecycle is audited via
    # their owners and the objects an import creates, not by copying secrets into the log.
    ("core", "apitoken"): "secret hash",
    ("registry", "importbatch"): "raw upload",
    # A notice repeats what an audited change already says; logging it would copy personal text twice.
    ("core", "notification"): "derived from audited changes",
    # Machine state rewritten every few seconds by each background worker, not a change anyone made.
    ("core", "workerheartbeat"): "worker liveness",
}
EXCLUDED_FIELDS = {
    ("core", "user"): ["password", "last_login"],
    # The secret of a calendar-feed address: whoever reads the log could subscribe to someone's meetings.
    ("partnering", "participant"): ["calendar_token"],
}


def register_models() -> None:
    from auditlog.registry import auditlog  # auditlog's registry reads models: only once apps are ready

    for model in apps.get_models():
        key = (model._meta.app_label, model._meta.model_name)
        if model._meta.app_label not in AUDITED_APPS or key in NOT_AUDITED or auditlog.contains(model):
            continue
        auditlog.register(model, exclude_fields=EXCLUDED_FIELDS.get(key, []))
