"""Template context every page needs: the viewer's zone and what the navigation may show."""

from __future__ import annotations

from django.http import HttpRequest

from bridgehead.core import notifications, roles


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "viewer_time_zone": getattr(request, "viewer_time_zone", None),
        "nav_is_site_admin": bool(user and roles.is_site_admin(user)),
        "nav_is_staff_like": bool(user and roles.is_staff_like(user)),
        "nav_unread": notifications.unread_count(user) if user is not None and user.is_authenticated else 0,
    }
