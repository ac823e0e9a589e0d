"""Who may see an agreement: site admins, its observers, people with a role in one of its programs and
members of its signatory organisations. Everyone else gets a 404, so the existence of another
agreement's data is not revealed."""

import rules
from django.db.models import Q, QuerySet

from bridgehead.core import roles


def visible_agreements(user, queryset: QuerySet) -> QuerySet:
    """The agreements ``user`` may read, as a filter usable by pages and the API alike."""
    if roles.is_site_admin(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(
        Q(pk__in=roles.agreement_ids(user))
        | Q(programs__pk__in=roles.program_ids(user))
        | Q(signatories__organisation__pk__in=roles.organisation_ids(user))
    ).distinct()


@rules.predicate
def can_see_agreement(user, agreement) -> bool:
    if agreement is None:
        return False
    if roles.is_site_admin(user):
        return True
    return visible_agreements(user, type(agreement).objects.filter(pk=agreement.pk)).exists()


is_site_admin = rules.predicate(roles.is_site_admin, name="is_site_admin")

rules.add_perm("agreements.view_agreement", can_see_agreement)
rules.add_perm("agreements.add_agreement", is_site_admin)
rules.add_perm("agreements.change_agreement", is_site_admin)
