"""Keep Django's admin flags in step with the site-admin role.

The site-admin role is the one way to make someone an administrator, so the Django admin (which looks at
``is_staff``/``is_superuser``) follows the role rows instead of a second, drifting set of flags.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.core.models import RoleAssignment


@receiver(post_save, sender=RoleAssignment)
def _grant_admin_flags(sender, instance: RoleAssignment, created: bool, **kwargs) -> None:
    roles.forget(instance.user)
    if instance.role == Role.SITE_ADMIN and not (instance.user.is_staff and instance.user.is_superuser):
        instance.user.is_staff = instance.user.is_superuser = True
        instance.user.save(update_fields=["is_staff", "is_superuser"])


@receiver(post_delete, sender=RoleAssignment)
def _revoke_admin_flags(sender, instance: RoleAssignment, **kwargs) -> None:
    roles.forget(instance.user)
    if instance.role == Role.SITE_ADMIN and not instance.user.roles.filter(role=Role.SITE_ADMIN).exists():
        instance.user.is_staff = instance.user.is_superuser = False
        instance.user.save(update_fields=["is_staff", "is_superuser"])
