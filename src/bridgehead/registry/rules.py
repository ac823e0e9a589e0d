"""Who may see and change registry records.

The directory (clusters, organisations, people's names and titles) is shared by everyone signed in — it
is how partners find each other. Contact details and edits are narrower: an organisation is edited by
site admins, program managers (who curate the registry for their programs) and its own members.
"""

import rules

from bridgehead.core import roles


@rules.predicate
def is_member_of_organisation(user, organisation) -> bool:
    return organisation is not None and organisation.pk in roles.organisation_ids(user)


@rules.predicate
def is_member_of_persons_organisation(user, person) -> bool:
    return person is not None and person.organisation_id in roles.organisation_ids(user)


@rules.predicate
def is_the_person(user, person) -> bool:
    return person is not None and person.user_id is not None and person.user_id == user.pk


is_staff_like = rules.predicate(roles.is_staff_like, name="is_staff_like")

rules.add_perm("registry.view_directory", rules.is_authenticated)
rules.add_perm("registry.add_organisation", is_staff_like)
rules.add_perm("registry.change_organisation", is_staff_like | is_member_of_organisation)
rules.add_perm("registry.import_organisations", is_staff_like)
rules.add_perm("registry.export_organisations", is_staff_like)
rules.add_perm("registry.add_person", is_staff_like)
rules.add_perm("registry.change_person", is_staff_like | is_the_person | is_member_of_persons_organisation)
rules.add_perm("registry.view_person_contact", is_staff_like | is_the_person | is_member_of_persons_organisation)
rules.add_perm("registry.change_cluster", rules.predicate(roles.is_site_admin, name="is_site_admin"))
