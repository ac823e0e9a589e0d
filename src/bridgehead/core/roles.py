"""Role look-ups shared by every app's rules and querysets.

Permission checks run many times per page (a list checks each row), so a user's role rows are read once
per user object and cached on it. Everything here answers "which scopes does this user hold this role in".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from bridgehead.core.enums import Role
from bridgehead.core.models import RoleAssignment, User

_CACHE_ATTR = "_bridgehead_roles"


@dataclass(frozen=True)
class Grant:
    role: str
    program_id: int | None
    agreement_id: int | None
    organisation_id: int | None


def grants(user: User | AnonymousUser) -> tuple[Grant, ...]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = tuple(
            Grant(*row)
            for row in RoleAssignment.objects.filter(user=user).values_list(
                "role", "program_id", "agreement_id", "organisation_id"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: User) -> None:
    """Drop the cached roles after they change (tests and role-editing services call this)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_site_admin(user: User | AnonymousUser) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or any(g.role == Role.SITE_ADMIN for g in grants(user)))


def program_ids(user: User | AnonymousUser, *roles: str) -> set[int]:
    """Programs in which the user holds any of ``roles`` (all program-scoped roles when none given)."""
    return {g.program_id for g in grants(user) if g.program_id and (not roles or g.role in roles)}


def agreement_ids(user: User | AnonymousUser, *roles: str) -> set[int]:
    return {g.agreement_id for g in grants(user) if g.agreement_id and (not roles or g.role in roles)}


def organisation_ids(user: User | AnonymousUser) -> set[int]:
    """Organisations the user acts for as a startup or partner member."""
    return {
        g.organisation_id
        for g in grants(user)
        if g.organisation_id and g.role in (Role.STARTUP_MEMBER, Role.PARTNER_MEMBER)
    }


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    return any(g.role in roles for g in grants(user))


def is_program_manager(user: User | AnonymousUser) -> bool:
    return has_role(user, Role.PROGRAM_MANAGER)


def is_staff_like(user: User | AnonymousUser) -> bool:
    """Site admins and program managers: the people who curate the registry."""
    return is_site_admin(user) or is_program_manager(user)
