"""Agreement endpoints: readable by those who may see the agreement (others get 404), written by site admins
through ``agreements.services`` (a refusal answers ``{"code", "detail", "field"}``)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bridgehead.agreements import services
from bridgehead.agreements.forms import AgreementForm
from bridgehead.agreements.models import Agreement, Commitment
from bridgehead.agreements.rules import visible_agreements
from bridgehead.api.errors import raise_for_form
from bridgehead.api.schemas import In, Page
from bridgehead.core.http import require

router = Router(tags=["agreements"])


class SignatoryOut(Schema):
    organisation: str = Field(..., alias="organisation.slug")
    organisation_name_ko: str = Field(..., alias="organisation.name_ko")
    organisation_name_en: str = Field(..., alias="organisation.name_en")
    signed_by_ko: str
    signed_by_en: str


class CommitmentOut(Schema):
    id: int
    text_ko: str
    text_en: str
    sectors: list[str]

    @staticmethod
    def resolve_sectors(obj: Commitment) -> list[str]:
        return [s.code for s in obj.sectors.all()]


class AgreementOut(Schema):
    slug: str
    title_ko: str
    title_en: str
    signed_at: datetime
    time_zone: str
    place_ko: str
    place_en: str
    summary_ko: str
    summary_en: str
    source_url: str
    is_synthetic: bool


class AgreementDetailOut(AgreementOut):
    signatories: list[SignatoryOut]
    commitments: list[CommitmentOut]

    @staticmethod
    def resolve_signatories(obj: Agreement):
        return obj.signatories.select_related("organisation")

    @staticmethod
    def resolve_commitments(obj: Agreement):
        return obj.commitments.prefetch_related("sectors")


class AgreementIn(In):
    slug: str = Field(..., max_length=120, pattern=r"^[-a-z0-9_]+$")
    title_ko: str = Field("", max_length=300)
    title_en: str = Field("", max_length=300)
    signed_at: datetime
    time_zone: str = Field(..., max_length=64)
    place_ko: str = Field("", max_length=200)
    place_en: str = Field("", max_length=200)
    summary_ko: str = Field("", max_length=10000)
    summary_en: str = Field("", max_length=10000)
    signatories: list[str] = Field(default_factory=list, description="organisation slugs")


class AgreementPatch(In):
    title_ko: str | None = Field(None, max_length=300)
    title_en: str | None = Field(None, max_length=300)
    signed_at: datetime | None = None
    time_zone: str | None = Field(None, max_length=64)
    place_ko: str | None = Field(None, max_length=200)
    place_en: str | None = Field(None, max_length=200)
    summary_ko: str | None = Field(None, max_length=10000)
    summary_en: str | None = Field(None, max_length=10000)


@router.get("", response=list[AgreementOut])
@paginate(Page)
def list_agreements(request):
    return visible_agreements(request.user, Agreement.objects.order_by("-signed_at", "pk"))


@router.get("/{slug}", response=AgreementDetailOut)
def get_agreement(request, slug: str):
    agreement = get_object_or_404(Agreement, slug=slug)
    require(request.user, "agreements.view_agreement", agreement, hide=True)
    return agreement


@router.post("", response={201: AgreementDetailOut})
def create_agreement(request, payload: AgreementIn):
    require(request.user, "agreements.add_agreement")  # before the form: its 422 would hide the refusal
    form = AgreementForm(data=payload.dict())
    raise_for_form(form)
    agreement = services.create_agreement(form=form, by=request.user)
    agreement.refresh_from_db()  # read back from the database: times leave the API in UTC
    return Status(201, agreement)


@router.patch("/{slug}", response=AgreementDetailOut)
def update_agreement(request, slug: str, payload: AgreementPatch):
    agreement = get_object_or_404(Agreement, slug=slug)
    require(request.user, "agreements.view_agreement", agreement, hide=True)
    current = {f: getattr(agreement, f) for f in AgreementForm.Meta.fields}
    current["signatories"] = list(agreement.signatories.values_list("organisation__slug", flat=True))
    form = AgreementForm(data={**current, **payload.dict(exclude_unset=True)}, instance=agreement)
    raise_for_form(form)
    agreement = services.update_agreement(form=form, by=request.user)
    agreement.refresh_from_db()
    return agreement
