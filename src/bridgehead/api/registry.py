"""Registry endpoints. Writes go through the same forms and services as the pages, so an API client gets
exactly the validation and permission checks a person gets; a refusal answers ``{"code", "detail",
"field"}`` through the API's one ``Refused`` handler."""

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from bridgehead.api.errors import raise_for_form
from bridgehead.api.schemas import In, Page
from bridgehead.core.http import require
from bridgehead.registry import memberships, services
from bridgehead.registry.enums import OrganisationKind, Stage
from bridgehead.registry.forms import OrganisationForm, PersonForm
from bridgehead.registry.models import Cluster, Membership, MembershipStatus, Organisation, Person, Sector
from bridgehead.registry.views import filtered_organisations

router = Router(tags=["registry"])


class SectorOut(Schema):
    code: str
    name_ko: str
    name_en: str


class ClusterFactOut(Schema):
    metric_ko: str
    metric_en: str
    value: float
    unit: str
    year: int
    source_name: str
    source_url: str
    is_synthetic: bool


class ClusterOut(Schema):
    slug: str
    name_ko: str
    name_en: str
    country: str
    city_ko: str
    city_en: str
    time_zone: str


class ClusterDetailOut(ClusterOut):
    facts: list[ClusterFactOut]


class OrganisationOut(Schema):
    slug: str
    name_ko: str
    name_en: str
    kind: str
    cluster: str | None = Field(None, alias="cluster.slug")
    country: str
    city: str
    sectors: list[str]
    stage: str
    website: str
    description_ko: str
    description_en: str
    markets_sought: list[str]
    markets_offered: list[str]
    is_synthetic: bool

    @staticmethod
    def resolve_sectors(obj: Organisation) -> list[str]:
        return [s.code for s in obj.sectors.all()]


class OrganisationIn(In):
    name_ko: str = Field("", max_length=200)
    name_en: str = Field("", max_length=200)
    kind: OrganisationKind
    cluster: str | None = Field(None, max_length=50, description="cluster slug")
    country: str = Field(..., min_length=2, max_length=2)
    city: str = Field("", max_length=100)
    sectors: list[str] = Field(default_factory=list, description="sector codes")
    stage: Stage | None = None
    website: str = Field("", max_length=200)
    description_ko: str = Field("", max_length=10000)
    description_en: str = Field("", max_length=10000)
    markets_sought: list[str] = Field(default_factory=list)
    markets_offered: list[str] = Field(default_factory=list)


class OrganisationPatch(In):
    name_ko: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    kind: OrganisationKind | None = None
    cluster: str | None = Field(None, max_length=50)
    country: str | None = Field(None, min_length=2, max_length=2)
    city: str | None = Field(None, max_length=100)
    sectors: list[str] | None = None
    stage: Stage | None = None
    website: str | None = Field(None, max_length=200)
    description_ko: str | None = Field(None, max_length=10000)
    description_en: str | None = Field(None, max_length=10000)
    markets_sought: list[str] | None = None
    markets_offered: list[str] | None = None


class PersonOut(Schema):
    id: int
    name_ko: str
    name_en: str
    title_ko: str
    title_en: str
    organisation: str | None = Field(None, alias="organisation.slug")
    time_zone: str
    email: str | None = None


class PersonIn(In):
    name_ko: str = Field("", max_length=150)
    name_en: str = Field("", max_length=150)
    organisation: str | None = Field(None, max_length=120, description="organisation slug")
    title_ko: str = Field("", max_length=150)
    title_en: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    time_zone: str = Field("Asia/Seoul", max_length=64)
    bio_ko: str = Field("", max_length=10000)
    bio_en: str = Field("", max_length=10000)
    current_password: str = Field(
        "", max_length=128, description="your current password, needed to change your own e-mail address"
    )


class DirectoryFilter(In):
    q: str | None = Field(None, max_length=200)
    cluster: str | None = None
    sector: str | None = None
    kind: str | None = None
    stage: str | None = None


def _organisation_form_data(payload: dict, instance: Organisation | None) -> dict:
    """Translate API references (slugs, codes) into what the form expects (primary keys)."""
    data = {}
    if instance is not None:
        data = {
            f: getattr(instance, f)
            for f in (
                "name_ko",
                "name_en",
                "kind",
                "country",
                "city",
                "stage",
                "website",
                "description_ko",
                "description_en",
            )
        }
        data["cluster"] = instance.cluster_id
        data["sectors"] = list(instance.sectors.values_list("pk", flat=True))
        data["markets_sought"] = ", ".join(instance.markets_sought)
        data["markets_offered"] = ", ".join(instance.markets_offered)
    for key, value in payload.items():
        if key == "cluster":
            data["cluster"] = Cluster.objects.filter(slug=value).values_list("pk", flat=True).first() or (value and -1)
        elif key == "sectors":
            codes = value or []  # null, like [], clears the list (the schema allows null)
            known = dict(Sector.objects.filter(code__in=codes).values_list("code", "pk"))
            data["sectors"] = [known.get(code, -1) for code in codes]
        elif key in ("markets_sought", "markets_offered"):
            data[key] = ", ".join(value or [])
        elif key == "stage":
            data[key] = value or ""
        else:
            data[key] = value
    return data


@router.get("/sectors", response=list[SectorOut])
@paginate(Page)
def list_sectors(request):
    return Sector.objects.order_by("code")


@router.get("/clusters", response=list[ClusterOut])
@paginate(Page)
def list_clusters(request):
    return Cluster.objects.order_by("name_en", "pk")


@router.get("/clusters/{slug}", response=ClusterDetailOut)
def get_cluster(request, slug: str):
    return get_object_or_404(Cluster.objects.prefetch_related("facts"), slug=slug)


@router.get("/organisations", response=list[OrganisationOut])
@paginate(Page)
def list_organisations(request, filters: Query[DirectoryFilter]):
    require(request.user, "registry.view_directory")
    _form, queryset = filtered_organisations({k: v for k, v in filters.dict().items() if v})
    return queryset


@router.get("/organisations/{slug}", response=OrganisationOut)
def get_organisation(request, slug: str):
    return get_object_or_404(Organisation.objects.select_related("cluster").prefetch_related("sectors"), slug=slug)


@router.post("/organisations", response={201: OrganisationOut})
def create_organisation(request, payload: OrganisationIn):
    require(request.user, "registry.add_organisation")  # before the form: its 422 would hide the refusal
    form = OrganisationForm(data=_organisation_form_data(payload.dict(), None))
    raise_for_form(form)
    return Status(201, services.save_organisation(form=form, by=request.user))


@router.patch("/organisations/{slug}", response=OrganisationOut)
def update_organisation(request, slug: str, payload: OrganisationPatch):
    organisation = get_object_or_404(Organisation, slug=slug)
    form = OrganisationForm(
        data=_organisation_form_data(payload.dict(exclude_unset=True), organisation), instance=organisation
    )
    raise_for_form(form)
    return services.save_organisation(form=form, by=request.user)


def _person_out(request, person: Person) -> dict:
    data = PersonOut.from_orm(person).dict()
    data["email"] = person.email if request.user.has_perm("registry.view_person_contact", person) else None
    return data


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request, person_id: int):
    person = get_object_or_404(Person.objects.select_related("organisation"), pk=person_id)
    return _person_out(request, person)


def _person_form_data(payload: dict, instance: Person | None) -> dict:
    data = {}
    if instance is not None:
        data = {
            f: getattr(instance, f)
            for f in ("name_ko", "name_en", "title_ko", "title_en", "email", "time_zone", "bio_ko", "bio_en")
        }
        data["organisation"] = instance.organisation_id
    for key, value in payload.items():
        if key == "organisation":
            data[key] = Organisation.objects.filter(slug=value).values_list("pk", flat=True).first() or (value and -1)
        else:
            data[key] = value
    return data


@router.post("/people", response={201: PersonOut})
def create_person(request, payload: PersonIn):
    require(request.user, "registry.add_person")  # before the form: its 422 would hide the refusal
    form = PersonForm(data=_person_form_data(payload.dict(), None))
    raise_for_form(form)
    return Status(201, _person_out(request, services.save_person(form=form, by=request.user)))


@router.patch("/people/{person_id}", response=PersonOut)
def update_person(request, person_id: int, payload: PersonIn):
    person = get_object_or_404(Person, pk=person_id)
    form = PersonForm(data=_person_form_data(payload.dict(exclude_unset=True), person), instance=person)
    raise_for_form(form)
    return _person_out(request, services.save_person(form=form, by=request.user))


class MembershipOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    person_name: str
    organisation: str = Field(..., alias="organisation.slug")
    status: str
    is_admin: bool
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    ended_at: dt.datetime | None

    @staticmethod
    def resolve_person_name(obj: Membership) -> str:
        return obj.person.name


@router.get("/organisations/{slug}/memberships", response=list[MembershipOut])
@paginate(Page)
def list_memberships(request, slug: str):
    """Current members for everyone signed in; requests, invitations and history too for those who decide
    (the organisation's admin members, site admins, managers of a program it takes part in)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    rows = Membership.objects.filter(organisation=organisation).select_related("person", "organisation")
    if not request.user.has_perm("registry.manage_members", organisation):
        rows = rows.filter(status=MembershipStatus.ACTIVE)
    return rows.order_by("-requested_at", "-pk")


@router.post("/organisations/{slug}/memberships", response={201: MembershipOut})
def request_membership(request, slug: str):
    """Ask to join the organisation (as the signed-in person); its admins decide."""
    organisation = get_object_or_404(Organisation, slug=slug)
    return Status(201, memberships.request_membership(organisation=organisation, by=request.user))


MEMBERSHIP_ACTIONS = {
    "approve": memberships.approve_membership,
    "decline": memberships.decline_membership,
    "end": memberships.end_membership,
}


@router.post("/memberships/{membership_id}/{action}", response=MembershipOut)
def decide_membership(request, membership_id: int, action: str):
    """Approve (or accept an invitation), decline, or end a membership. Hidden (404) from anyone who is
    neither its person nor on its organisation's side; who may do what is the service's rule."""
    membership = get_object_or_404(Membership.objects.select_related("person", "organisation"), pk=membership_id)
    own = membership.person.user_id == request.user.pk
    if action not in MEMBERSHIP_ACTIONS or not (
        own or request.user.has_perm("registry.manage_members", membership.organisation)
    ):
        raise Http404
    return MEMBERSHIP_ACTIONS[action](membership=membership, by=request.user)
