"""Keep Django's admin flags in step with the site-admin role.

The site-admin role is the one way to make someone an administrator, so the Django admin (which looks at
``is_staff``/``is_superuser``) follows the role rows instead of a second, drifting set of flags: after
every save or delete of a role row the flags are recomputed from the rows (an edited row that stops being
site-admin, or moves to another user, demotes at once). ``createsuperuser`` grants the role row itself.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from bridgehead.core import roles
from bridgehead.core.enums import Role
from bridgehead.core.models import ApiToken, RoleAssignment, User


def sync_admin_flags(user_id: int) -> None:
    """Set ``is_staff``/``is_superuser`` from the user's current role rows: true exactly when a site-admin
    row exists. Run after every change to a role row, for the row's old and new user alike."""
    is_admin = RoleAssignment.objects.filter(user_id=user_id, role=Role.SITE_ADMIN).exists()
    User.objects.filter(pk=user_id).exclude(is_staff=is_admin, is_superuser=is_admin).update(
        is_staff=is_admin, is_superuser=is_admin
    )


@receiver(pre_save, sender=RoleAssignment)
def _remember_previous_user(sender, instance: RoleAssignment, **kwargs) -> None:
    instance._previous_user_id = (
        RoleAssignment.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=RoleAssignment)
def _sync_after_save(sender, instance: RoleAssignment, **kwargs) -> None:
    for user_id in {instance.user_id, getattr(instance, "_previous_user_id", None)} - {None}:
        sync_admin_flags(user_id)
    roles.forget(instance.user)
    _refresh_flags(instance.user)


@receiver(post_delete, sender=RoleAssignment)
def _sync_after_delete(sender, instance: RoleAssignment, **kwargs) -> None:
    sync_admin_flags(instance.user_id)
    roles.forget(instance.user)
    _refresh_flags(instance.user)


def _refresh_flags(user) -> None:
    """Keep an in-memory user object (the one a caller holds) in step with the row just updated."""
    flags = User.objects.filter(pk=user.pk).values("is_staff", "is_superuser").first()
    if flags:
        user.is_staff, user.is_superuser = flags["is_staff"], flags["is_superuser"]


@receiver(post_save, sender=User)
def _superuser_holds_the_role(sender, instance: User, created: bool, **kwargs) -> None:
    """A superuser made outside the role pages (``createsuperuser``) gets the site-admin row, so the flags
    it was created with survive the next role change instead of silently disappearing."""
    if created and instance.is_superuser:
        RoleAssignment.objects.get_or_create(user=instance, role=Role.SITE_ADMIN)


@receiver(pre_save, sender=User)
def _revoke_tokens_when_the_password_changes(sender, instance: User, **kwargs) -> None:
    """A password change or reset revokes every API token: whoever knew the old password may have made one."""
    update_fields = kwargs.get("update_fields")
    if not instance.pk or (update_fields is not None and "password" not in update_fields):
        return  # e.g. every log-in saves last_login alone: no query for that
    previous = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if previous is not None and previous != instance.password:
        ApiToken.objects.revoke_all(instance)
