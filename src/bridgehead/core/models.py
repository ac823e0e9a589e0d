"""Users, their roles and API tokens.

A person can hold several roles in several programs (DESIGN §1), so roles are rows, not flags on the user:
each :class:`RoleAssignment` names the role and its scope — a program, an agreement (observers) or an
organisation (startup and partner members). Site administrators have no scope.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bridgehead.core.enums import Language, Role


def validate_time_zone(value: str) -> None:
    """Accept only IANA zone names that this Python knows, so every stored zone can be activated."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class User(AbstractUser):
    """A login. Language and time zone drive how every page and e-mail is rendered for this person."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.EN)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul", validators=[validate_time_zone])
    # Set when the person's data was erased (core.privacy): the row stays so reviews, decisions and meetings
    # others rely on keep their author, shown as a former user.
    erased_at = models.DateTimeField(_("data erased"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        if self.erased_at is not None:
            return str(_("Former user"))
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_site_admin(self) -> bool:
        return self.is_superuser or self.roles.filter(role=Role.SITE_ADMIN).exists()


class RoleAssignment(models.Model):
    """One role held by one user, in one scope (or site-wide for site administrators)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("program"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("agreement"),
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        # One row per (user, role, scope). Partial constraints, because SQLite cannot treat NULLs as equal.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                name="unique_site_wide_role",
                condition=Q(program__isnull=True, agreement__isnull=True, organisation__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "program"],
                name="unique_program_role",
                condition=Q(program__isnull=False, organisation__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agreement"], name="unique_agreement_role", condition=Q(agreement__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                name="unique_organisation_role",
                condition=Q(organisation__isnull=False, program__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "program"],
                name="unique_organisation_program_role",
                condition=Q(organisation__isnull=False, program__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        scope = self.program or self.agreement or self.organisation
        return f"{self.user} · {self.get_role_display()}" + (f" · {scope}" if scope else "")

    def _scope_label(self, name: str) -> str:
        return str(self._meta.get_field(name).verbose_name)

    def clean(self) -> None:
        """Each role has exactly the scope it needs; a mis-scoped role would silently grant nothing."""
        needs = {
            Role.SITE_ADMIN: set(),
            Role.OBSERVER: {"agreement"},
            Role.PROGRAM_MANAGER: {"program"},
            Role.REVIEWER: {"program"},
            Role.MENTOR: {"program"},
            Role.STARTUP_MEMBER: {"organisation"},
            Role.PARTNER_MEMBER: {"organisation"},
        }[Role(self.role)]
        given = {name for name in ("program", "agreement", "organisation") if getattr(self, f"{name}_id")}
        missing = needs - given
        if missing:
            raise ValidationError(
                {name: _("This role needs a %(scope)s.") % {"scope": self._scope_label(name)} for name in missing}
            )
        extra = given - needs - ({"program"} if self.role in {Role.STARTUP_MEMBER, Role.PARTNER_MEMBER} else set())
        if extra:
            raise ValidationError(
                {
                    name: _("This role cannot be scoped to a %(scope)s.") % {"scope": self._scope_label(name)}
                    for name in extra
                }
            )


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str) -> ApiToken | None:
        """Find the live token for a raw key; only hashes are stored, so a leaked database leaks no keys."""
        token = self.select_related("user").filter(key_hash=_hash_token(raw), revoked_at__isnull=True).first()
        if token is None or not token.user.is_active or token.has_expired:
            return None
        return token

    def live(self) -> ApiTokenQuerySet:
        """Tokens that still authenticate: not revoked and not past their expiry."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )

    def revoke_all(self, user: User) -> int:
        """Revoke every live token of ``user`` (a password change or reset ends what the old password made)."""
        return self.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


class ApiToken(models.Model):
    """A bearer token for scripts using the REST API, acting with its user's permissions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    #: Lifetimes offered when a token is made; a token never lives longer than the longest.
    LIFETIME_DAYS = (30, 90, 365)
    DEFAULT_LIFETIME_DAYS = 90

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str, days: int = DEFAULT_LIFETIME_DAYS) -> tuple[ApiToken, str]:
        """Create a token and return it with the raw key, which is shown once and never stored."""
        if days not in cls.LIFETIME_DAYS:
            raise ValueError(f"A token lives {cls.LIFETIME_DAYS} days, not {days}.")
        raw = "bh_" + secrets.token_urlsafe(32)
        expires_at = timezone.now() + dt.timedelta(days=days)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:8], key_hash=_hash_token(raw), expires_at=expires_at
        )
        return token, raw

    @property
    def has_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    #: "Last used" is kept to this precision: a script calling the API many times a second would otherwise
    #: write (and lock) its token's row on every call, a write and a commit per read (bench/load).
    TOUCH_INTERVAL = dt.timedelta(seconds=60)

    def touch(self) -> None:
        """Record the use, unless one was recorded less than :attr:`TOUCH_INTERVAL` ago."""
        now = timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < self.TOUCH_INTERVAL:
            return
        self.last_used_at = now
        self.save(update_fields=["last_used_at"])


class Notification(models.Model):
    """One in-app notice for one user: a request received, a meeting moved, a decision sent.

    The text is rendered in the recipient's language when it is created (as e-mail is), so the inbox never
    needs to know which app raised it; ``kind`` is a stable code for filtering and tests.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


from bridgehead.core.workers import WorkerHeartbeat  # noqa: E402, F401 - the model lives beside its thread
