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
