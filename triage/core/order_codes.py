"""Which draft orders are an HSG: the reviewed list of order codes (rules/hsg-order-codes.toml).

Recognising an order is data, like the rule set: a clinic reads, reviews and
replaces the file (HSG_ORDER_CODES_FILE), and a bad file stops start-up with
a message naming the file, the entry and the problem. Only `system` and
`code` decide; a display text or free-text order name never does, since the
same words are typed for many different orders.
"""

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from triage.core.datafile import DataFileError, Strict, Text, load

#: A code system is named by an absolute URI (FHIR Coding.system).
SystemUri = Annotated[str, StringConstraints(pattern=r"^(https?://[^\s|]+|urn:[a-z0-9][^\s|]*)$")]
Code = Annotated[str, StringConstraints(pattern=r"^\S+$", max_length=64)]


class OrderCodesError(DataFileError):
    """The order codes file cannot be used; the message names the file, the entry and the problem."""


class OrderCodesInfo(Strict):
    name: Text
    version: Text


class OrderCode(Strict):
    system: SystemUri
    code: Code
    display: Text
    #: Where the code was confirmed: a reviewer must be able to check it.
    source: Text


class OrderCodes(Strict):
    order_codes: OrderCodesInfo
    codes: list[OrderCode] = Field(min_length=1)
    #: sha256 of the file's bytes, set by the loader, for the review record.
    content_hash: str = ""

    @model_validator(mode="after")
    def _unique(self) -> "OrderCodes":
        seen: set[tuple[str, str]] = set()
        for entry in self.codes:
            key = (entry.system, entry.code)
            if key in seen:
                raise ValueError(f"{entry.system}|{entry.code} is listed more than once")
            seen.add(key)
        return self

    @property
    def version(self) -> str:
        return self.order_codes.version

    @functools.cached_property
    def pairs(self) -> frozenset[tuple[str, str]]:
        # Made once, not per coding looked up.
        return frozenset((entry.system, entry.code) for entry in self.codes)

    def is_hsg(self, resource: object) -> bool:
        """A ServiceRequest whose `code.coding` holds one of the listed codes."""
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "ServiceRequest":
            return False
        code = resource.get("code")
        codings = code.get("coding") if isinstance(code, Mapping) else None
        if not isinstance(codings, list):
            return False
        pairs = self.pairs
        # Only strings are looked up: a list is unhashable (the hook request's model refuses one
        # first; this check keeps the core safe on its own).
        return any(
            isinstance(coding, Mapping) and isinstance(coding.get("system"), str) and isinstance(coding.get("code"), str)
            and (coding["system"], coding["code"]) in pairs
            for coding in codings
        )

    def hsg_order_in(self, draft_orders: object, selections: Iterable[str] | None = None) -> bool:
        """Whether the `draftOrders` Bundle holds an HSG order (among `selections`, when given).

        order-select names the orders just selected as "ResourceType/id"; the
        card concerns those, not the other drafts already on the order form.
        The selections are read into a set once: built per HSG-coded entry, 600
        orders and 26,600 selections took 650 ms (issue 26).
        """
        selected = None if selections is None else set(selections)
        for entry in _entries(draft_orders):
            resource = entry.get("resource")
            if not self.is_hsg(resource):
                continue
            if selected is None or not _reference(entry, resource).isdisjoint(selected):
                return True
        return False


def _entries(bundle: object) -> list[Mapping[str, Any]]:
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        return []
    entries = bundle.get("entry")
    return [entry for entry in entries if isinstance(entry, Mapping)] if isinstance(entries, list) else []


def _reference(entry: Mapping[str, Any], resource: Mapping[str, Any]) -> set[str]:
    """The ways a selection may name this entry: `ServiceRequest/id`, or the entry's fullUrl."""
    names = set()
    if isinstance(resource.get("id"), str):
        names.add(f"ServiceRequest/{resource['id']}")
    if isinstance(entry.get("fullUrl"), str):
        names.add(entry["fullUrl"])
    return names


def bundled_order_codes_file() -> Path:
    from triage.core.resources import resource_dir

    return resource_dir("rules") / "hsg-order-codes.toml"


def load_order_codes(path: Path | str | None = None) -> OrderCodes:
    path = Path(path) if path is not None else bundled_order_codes_file()
    return load(OrderCodes, path, "order codes", OrderCodesError, hashed=True)
