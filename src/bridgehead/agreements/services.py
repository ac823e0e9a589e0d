"""Agreement domain logic: recording an agreement with its signatories, and correcting it.

Each change is a domain action (``core.actions.domain_action``): one transaction, the acting user ``by``
checked against ``agreements/rules.py`` and named in the audit log. The API and any later page call these.
"""

from __future__ import annotations

from bridgehead.agreements.models import Agreement, Signatory
from bridgehead.core.actions import domain_action
from bridgehead.core.models import User
from bridgehead.core.permissions import require


@domain_action
def create_agreement(*, form, by: User) -> Agreement:
    """Save a validated ``AgreementForm`` and its signatories in the order given."""
    require(by, "agreements.add_agreement")
    agreement = form.save()
    for order, organisation in enumerate(form.cleaned_data.get("signatory_organisations", [])):
        Signatory.objects.create(agreement=agreement, organisation=organisation, order=order)
    return agreement


@domain_action
def update_agreement(*, form, by: User) -> Agreement:
    """Save a validated ``AgreementForm`` for an existing agreement (its signatories stay as they are)."""
    require(by, "agreements.change_agreement", Agreement.objects.get(pk=form.instance.pk))
    return form.save()
