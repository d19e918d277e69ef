"""The drawing of where the dye goes: our own static file, accessible, small,
self-contained, and shown to patients with the result."""

import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
from conftest import EXAMPLES

from triage.core.engine import HSG_IN_PLAY

SVG = Path(__file__).resolve().parent.parent / "static" / "hsg-diagram.svg"
NS = {"svg": "http://www.w3.org/2000/svg"}


def test_the_drawing_names_and_describes_itself():
    root = ET.parse(SVG).getroot()
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for words in ("womb", "cervix", "tubes", "ovaries", "open", "spills out", "blocked", "stops"):
        assert words in desc.text
    labels = {" ".join(t.text.split()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Womb (uterus)", "Cervix", "Fallopian tube", "Ovary", "Open tube:", "dye spills out",
            "Blocked tube:", "dye stops"} <= labels


def test_the_drawing_is_small_and_self_contained():
    text = SVG.read_text(encoding="utf-8")
    assert len(text.encode()) < 4_000
    assert "<script" not in text and "href" not in text and "url(" not in text and "@import" not in text
    assert "prefers-color-scheme:dark" in text.replace(" ", ""), "it has colours for the dark scheme"


@pytest.mark.parametrize("outcome", EXAMPLES)
def test_patient_results_with_an_hsg_in_play_show_the_drawing_with_a_text_alternative(client, outcome):
    html = unescape(client.post("/result", data=EXAMPLES[outcome]).get_data(as_text=True))
    if outcome not in HSG_IN_PLAY:
        assert "hsg-diagram" not in html, "what happens during an HSG is for results where one is in play"
        return
    details = html[html.index("<summary>What happens during an HSG</summary>"):]
    figure = re.search(r'<figure class="diagram-figure">(.*?)</figure>', details[:details.index("</details>")], re.S).group(1)
    assert "two things the test can find in the tubes" in figure
    assert re.search(r'<img class="diagram" src="/static/hsg-diagram[.\w]*\.svg" width="400" height="300" alt="[^"]{40,}">', figure)
    assert "dye spills out" not in figure  # the caption says it in sentences, not labels
    assert "the tube is open" in figure and "the tube is blocked" in figure


def test_the_form_does_not_load_the_drawing(client):
    """The form page stays under its weight budget; the drawing is for results."""
    assert "hsg-diagram" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("language", ["es", "pl", "cy", "ar"])
def test_each_language_has_the_drawing_in_its_own_words(client, language):
    html = client.post(f"/result?lang={language}", data=EXAMPLES["commonly_recommended"]).get_data(as_text=True)
    src = re.search(r'<img class="diagram" src="([^"]+)"', html).group(1)
    assert re.fullmatch(rf"/static/hsg-diagram\.{language}\.[0-9a-f]{{12}}\.svg", src)
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    english = ET.parse(SVG).getroot()
    words = [" ".join(e.text.split()) for e in root.iter() if e.tag.split("}")[1] in ("title", "desc", "text")]
    originals = [" ".join(e.text.split()) for e in english.iter() if e.tag.split("}")[1] in ("title", "desc", "text")]
    assert len(words) == len(originals) == 11
    assert not set(words) & set(originals), "every word of the drawing is translated"
    assert len(response.data) < 6_000
    assert b"<script" not in response.data and b"href" not in response.data
