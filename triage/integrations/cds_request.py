"""A CDS Hooks 2.0 hook request, typed as the specification types it, so a wrong type is a 400.

Before, `context` was an open dict and the order-code check met whatever a
client sent: a `code` given as a list made a 500 (issue 26). Now every field
the specification types, and every part of the draft orders the service reads
(a ServiceRequest's codings and how a selection names it), is checked here
first; a wrong type is a problem document naming the field. What the service
does not read (`fhirServer`, `fhirAuthorization`, identifiers in `context`)
is type-checked and dropped, never stored or logged.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Tag


class _Strict(BaseModel):
    # Strict: a number is not a string, a string is not a list. Extra fields
    # are dropped unread (FHIR resources and CDS clients add many).
    model_config = ConfigDict(extra="ignore", strict=True)


class Coding(_Strict):
    system: str | None = None
    code: str | None = None


class CodeableConcept(_Strict):
    coding: list[Coding] | None = None


class ServiceRequest(_Strict):
    resourceType: Literal["ServiceRequest"]
    id: str | None = None
    code: CodeableConcept | None = None


class OtherResource(_Strict):
    """Any other resource in the draft orders: never read beyond its type."""

    resourceType: str


def _resource_kind(value: Any) -> str:
    resource_type = value.get("resourceType") if isinstance(value, dict) else getattr(value, "resourceType", None)
    return "service_request" if resource_type == "ServiceRequest" else "other"


#: The tags of the kinds of resource in the draft orders (they appear in a validation error's location).
RESOURCE_TAGS = ("service_request", "other")

Resource = Annotated[
    Annotated[ServiceRequest, Tag("service_request")] | Annotated[OtherResource, Tag("other")],
    Discriminator(_resource_kind),
]


class BundleEntry(_Strict):
    fullUrl: str | None = None
    resource: Resource | None = None


class Bundle(_Strict):
    resourceType: Literal["Bundle"]
    entry: list[BundleEntry] | None = None


class OrderContext(_Strict):
    """order-select and order-sign: the identifiers are typed and dropped; the draft orders are read."""

    userId: str | None = None
    patientId: str | None = None
    encounterId: str | None = None
    selections: list[str] | None = None
    draftOrders: Bundle | None = None


class FhirAuthorization(_Strict):
    # Typed as the specification types it, then dropped: the service holds no token.
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None


class HookRequest(_Strict):
    hook: Literal["order-select", "order-sign"]
    hookInstance: str
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: OrderContext
    # Each prefetch value is a FHIR resource or null; read (and checked) by fhir_questionnaire.
    prefetch: dict[str, Any] | None = None

    def draft_orders(self) -> dict[str, Any] | None:
        """The draft orders as the order-code check reads them: only the checked fields."""
        orders = self.context.draftOrders
        return None if orders is None else orders.model_dump(exclude_none=True)

    def selections(self) -> list[str] | None:
        return self.context.selections

