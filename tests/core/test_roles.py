"""Roles are scoped rows; a mis-scoped role is refused and a role is held once per scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bridgehead.core import roles
from bridgehead.core.models import RoleAssignment
from tests.factories import AgreementFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_program_manager_needs_a_program():
    with pytest.raises(ValidationError) as error:
        RoleAssignment(user=UserFactory(), role="program_manager").full_clean()
    assert error.value.message_dict["program"] == ["This role needs a program."]


def test_observer_cannot_be_scoped_to_a_program():
    assignment = RoleAssignment(
        user=UserFactory(), role="observer", agreement=AgreementFactory(), program=ProgramFactory()
    )
    with pytest.raises(ValidationError) as error:
        assignment.full_clean()
    assert error.value.message_dict["program"] == ["This role cannot be scoped to a program."]


def test_same_role_in_same_scope_is_stored_once():
    user, program = UserFactory(), ProgramFactory()
    RoleAssignment.objects.create(user=user, role="reviewer", program=program)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="reviewer", program=program)
    RoleAssignment.objects.create(user=user, role="site_admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="site_admin")


def test_several_roles_in_several_programs():
    user, first, second = UserFactory(), ProgramFactory(), ProgramFactory()
    RoleAssignment.objects.create(user=user, role="reviewer", program=first)
    RoleAssignment.objects.create(user=user, role="mentor", program=second)
    assert roles.program_ids(user) == {first.pk, second.pk}
    assert roles.program_ids(user, "mentor") == {second.pk}
    assert not roles.is_site_admin(user)


def test_site_admin_role_drives_the_django_admin_flags():
    user = UserFactory()
    assignment = RoleAssignment.objects.create(user=user, role="site_admin")
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)
    assignment.delete()
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)
