"""Patient wording at Flesch-Kincaid grade 8 or lower (PRODUCT.md, quality bars).

Measured offline with textstat 0.7.8 (see ../shared/TOOLING.md) on every
patient-facing text block: the rule set's and the questions' patient wording,
straight from the data files, and every block of text on every page the
patient register renders — so wording added to any template later is checked
too. Clinician wording is exempt, and so are verbatim quotations of the
source (evidence, which must not be reworded) and code.
"""

import re
from html.parser import HTMLParser

import pytest
import textstat
from conftest import EXAMPLES

from triage.core.questions import load_questions
from triage.core.ruleset import load_rule_set

MAX_GRADE = 8
#: Flesch-Kincaid is a formula for passages: on a heading or a button of a
#: word or two it measures one word's syllables ("Privacy" scores 20). Blocks
#: shorter than this are measured together, per page, as one block of short
#: sentences, so their vocabulary is still held to the same grade.
SHORT = 5

#: Elements whose text is one block to a reader.
BLOCKS = {"title", "h1", "h2", "h3", "h4", "p", "li", "dt", "dd", "legend", "label", "button", "figcaption",
          "summary", "th", "td", "caption", "a"}
BLOCK_CLASSES = {"badge"}
#: Inside these, the words are not ours to simplify: the source's own words
#: (quotations, titles of works), citations and code.
EXEMPT = {"blockquote", "cite", "code", "pre", "script", "style"}
#: Citations of named sources (see templates/_context.html).
EXEMPT_CLASSES = {"source-note"}
VOID = {"meta", "link", "input", "img", "br", "hr", "source", "wbr"}


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


class TextBlocks(HTMLParser):
    """The text of each block, outside exempt elements; also image text alternatives.

    A block nested in another (a link in a paragraph, a list in a list item)
    is measured on its own and as part of its parent.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str] | None, bool]] = []
        self.exempt_depth: list[bool] = []
        self.blocks: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("alt"):
            self.blocks.append(attrs["alt"])
        if tag in VOID:
            return
        classes = set((attrs.get("class") or "").split())
        separate = bool(BLOCK_CLASSES & classes)
        if tag in BLOCKS or separate:
            self.handle_data(" ")  # a block starts a new word in its parent
        self.exempt_depth.append(tag in EXEMPT or bool(EXEMPT_CLASSES & classes))
        self.stack.append((tag, [] if tag in BLOCKS or separate else None, separate))

    def handle_endtag(self, tag):
        if not any(open_tag == tag for open_tag, _, _ in self.stack):
            return
        while self.stack:
            open_tag, text, _ = self.stack.pop()
            self.exempt_depth.pop()
            if text is not None:
                parts = " ".join("".join(text).split()).split(" – ") if open_tag == "title" else ["".join(text)]
                # Collapse white space, and the space an exempt word left before a full stop.
                self.blocks.extend(re.sub(r" ([.,:;?!])", r"\1", " ".join(part.split())) for part in parts if part.strip())
                self.handle_data(" ")  # a block ends a word in its parent
            if open_tag == tag:
                break

    def handle_data(self, data):
        if any(self.exempt_depth):
            return
        for _, text, separate in reversed(self.stack):
            if text is not None:
                text.append(data)
                if separate:  # a badge is read apart from its heading
                    break


def page_blocks(html: str) -> list[str]:
    """Blocks to measure: each block of SHORT words or more, and all shorter ones together."""
    parser = TextBlocks()
    parser.feed(html)
    long = [text for text in parser.blocks if textstat.lexicon_count(text) >= SHORT]
    short = [text.rstrip(".:?!") for text in parser.blocks if textstat.lexicon_count(text) < SHORT]
    return long + ([". ".join(dict.fromkeys(short)) + "."] if short else [])


def patient_pages(client):
    """Every page a patient can see: each GET page, each outcome, the error state, the error pages."""
    for path in ("/", "/rules", "/about", "/embed/", "/nope", "/?audience=doctor"):
        yield path, client.get(path)
    yield "GET /result", client.get("/result")
    yield "incomplete form", client.post("/result", data={})
    for outcome, answers in EXAMPLES.items():
        yield f"result {outcome}", client.post("/result", data=answers)
    everything_unsure = {q.field: q.options[-1].value for q in load_questions()}
    yield "result, every answer unsure", client.post("/result", data=everything_unsure)


def data_blocks():
    rules = load_rule_set()
    for indication in rules.indications:
        yield f"{indication.id}.patient.title", indication.patient.title
        yield f"{indication.id}.patient.explanation", indication.patient.explanation
    for outcome, wording in rules.outcomes.items():
        yield f"outcomes.{outcome}.patient", wording["patient"]
    for number, step in enumerate(rules.next_steps):
        yield f"next_steps.{number}.{step.timing}.patient", step["patient"]
    for indication in rules.indications:
        for number, qualification in enumerate(indication.qualifications):
            yield f"{indication.id}.qualifications.{number}.patient", qualification["patient"]
    # A list of short reasons, measured together (as the page shows them, one after another).
    yield "waiting.see_sooner_if", " ".join(rules.waiting.see_sooner_if["patient"])
    for escalation in rules.escalations:
        yield f"{escalation.id}.patient.title", escalation.patient.title
        yield f"{escalation.id}.patient.explanation", escalation.patient.explanation
    for field, notes in rules.open_questions.items():
        yield f"open_questions.{field}.patient", notes["patient"]
    yield "disclaimer.patient", rules.disclaimer["patient"]
    for question in load_questions():
        for part in ("label", "hint", "error"):
            yield f"questions.{question.field}.{part}", getattr(question.patient, part)
        for option in question.options:
            yield f"questions.{question.field}.{option.value}", option.patient
    # Short names of a word or two, measured together (see SHORT).
    yield "questions.*.term", ". ".join(question.patient.term for question in load_questions()) + "."


@pytest.mark.parametrize("name,text", list(data_blocks()))
def test_patient_wording_in_the_data_files(name, text):
    assert grade(text) <= MAX_GRADE, f"{name}: grade {grade(text)}: {text}"


def test_every_patient_page_text_block(client):
    too_hard = []
    seen = 0
    for name, response in patient_pages(client):
        for text in page_blocks(response.get_data(as_text=True)):
            seen += 1
            if grade(text) > MAX_GRADE:
                too_hard.append(f"{name}: grade {grade(text)}: {text}")
    assert seen > 200, "the page parser found too little text to be measuring the pages"
    assert not sorted(set(too_hard)), "\n".join(sorted(set(too_hard)))


def test_the_parser_skips_quotations_and_code_and_pools_short_blocks():
    blocks = page_blocks('<title>Page title here – Site</title><p>One <code>a_b</code> two <a href="#">three</a> four five.</p>'
                         '<blockquote><p>Quoted words are not ours.</p></blockquote><p>Read <cite>A Title</cite>.</p>'
                         '<ul><li>Outer one two three four<ul><li>Inner</li></ul></li></ul><img alt="A picture." src="x">'
                         '<h3>A heading of five words <span class="badge">Badge</span></h3>'
                         '<li>Tell them first. <span class="source-note">Source: Some Guideline.</span></li>')
    assert blocks == ["One two three four five.", "Outer one two three four Inner", "A heading of five words",
                      "Page title here. Site. three. Read. Inner. A picture. Badge. Tell them first."]
