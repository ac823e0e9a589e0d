"""Program visibility: site admins, anyone holding a role in the program, observers of its agreement."""

import rules
from django.db.models import Q, QuerySet

from bridgehead.core import roles
from bridgehead.core.enums import Role


def visible_programs(user, queryset: QuerySet) -> QuerySet:
    if roles.is_site_admin(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(
        Q(pk__in=roles.program_ids(user)) | Q(agreement__pk__in=roles.agreement_ids(user, Role.OBSERVER))
    ).distinct()


@rules.predicate
def can_see_program(user, program) -> bool:
    if program is None:
        return False
    return roles.is_site_admin(user) or visible_programs(user, type(program).objects.filter(pk=program.pk)).exists()


@rules.predicate
def manages_program(user, program) -> bool:
    return program is not None and (
        roles.is_site_admin(user) or program.pk in roles.program_ids(user, Role.PROGRAM_MANAGER)
    )


rules.add_perm("programs.view_program", can_see_program)
rules.add_perm("programs.change_program", manages_program)
