"""Roles are scoped rows; a mis-scoped role is refused and a role is held once per scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
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


def test_demoting_a_site_admin_by_changing_the_role_row_removes_admin_access(client):
    # Finding 13.3: the flags were set when a row was saved and cleared only when it was deleted, so editing
    # the row site_admin → observer left is_staff/is_superuser true and /admin/ open.
    user = UserFactory()
    assignment = RoleAssignment.objects.create(user=user, role="site_admin")
    assignment.role, assignment.agreement = "observer", AgreementFactory()
    assignment.save()
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)
    client.force_login(user)
    assert client.get("/admin/").status_code == 302  # to the admin log-in: no longer staff


def test_moving_a_site_admin_row_to_another_user_demotes_the_first():
    first, second = UserFactory(), UserFactory()
    assignment = RoleAssignment.objects.create(user=first, role="site_admin")
    assignment.user = second
    assignment.save()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_staff, first.is_superuser) == (False, False)
    assert (second.is_staff, second.is_superuser) == (True, True)


def test_flags_set_by_hand_do_not_survive_a_role_change():
    user = UserFactory()
    type(user).objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)  # no role row behind them
    RoleAssignment.objects.create(user=user, role="reviewer", program=ProgramFactory())
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)  # the role rows are the one source


def test_createsuperuser_grants_the_site_admin_role_so_access_lasts():

    call_command("createsuperuser", interactive=False, username="root", email="root@example.org", verbosity=0)
    user = type(UserFactory()).objects.get(username="root")
    assert roles.is_site_admin(user)
    RoleAssignment.objects.create(user=user, role="reviewer", program=ProgramFactory())
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)
