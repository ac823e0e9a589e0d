"""Site-wide permission predicates (object rules live in each app's ``rules.py``)."""

import rules

from bridgehead.core import roles


@rules.predicate
def is_site_admin(user) -> bool:
    return roles.is_site_admin(user)


@rules.predicate
def is_staff_like(user) -> bool:
    return roles.is_staff_like(user)


rules.add_perm("core.view_audit_log", is_site_admin)
rules.add_perm("core.manage_users", is_site_admin)


@rules.predicate
def is_the_subject(user, subject) -> bool:
    """The person whose data it is (a ``core.privacy.Subject`` with their login)."""
    subject_user = getattr(subject, "user", None)
    return subject_user is not None and getattr(user, "pk", None) == subject_user.pk


rules.add_perm("core.export_person_data", is_site_admin | is_the_subject)
rules.add_perm("core.erase_person", is_site_admin)
