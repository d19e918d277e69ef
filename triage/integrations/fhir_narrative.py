"""FHIR narrative: the human-readable summary every served resource carries (R4 `Resource.text`, dom-6).

A viewer that knows nothing of a resource type shows its narrative, so each
says in a sentence or two what the resource is, built from the resource's own
wording (nothing here is new prose). Status `generated`: it is made from the
structured content and says nothing that is not there.
"""

from collections.abc import Sequence
from html import escape

XHTML = "http://www.w3.org/1999/xhtml"


def narrative(heading: str, *paragraphs: str, listed: Sequence[str] = ()) -> dict:
    """`heading` in bold, then each paragraph, then `listed` as a bulleted list; every text escaped."""
    parts = [f"<p><b>{escape(heading)}</b></p>", *(f"<p>{escape(p)}</p>" for p in paragraphs if p)]
    if listed:
        parts.append("<ul>" + "".join(f"<li>{escape(entry)}</li>" for entry in listed) + "</ul>")
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{"".join(parts)}</div>'}
