"""The reviewed data files in other languages: gettext catalogues keyed by where a sentence lives.

The rule set, the clinical context and the questions are written in English,
in TOML. Their wording fields are typed `Prose` (translated) or `Evidence`
(quoted or cited from a named source: kept as published in the data and the
API, shown translated beside it on pages). This module walks a loaded file's
model and names each such field by its place, with ids instead of positions:

    indications.infertility.patient.title
    topics.after_the_test.statements.seek_help.text
    questions.months_trying.options.under_6.patient

That place is the gettext message context, the English sentence the message
id. So a translation is one `.po` file per language and data file
(`translations/es/LC_MESSAGES/rules.po`), a translator's everyday format, and
a sentence whose English changes is simply untranslated until its translation
is renewed: a page can never show the translation of an older English text.

`hsg-triage translations refresh` writes the templates (`translations/*.pot`)
and compiles the catalogues; tests check that both are up to date, and that
every language translates every message. Nothing here knows Flask.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, Union, get_args, get_origin
import types

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations
from pydantic import BaseModel

from triage.core.resources import resource_dir

#: The contract's languages, English first (shared/PRODUCT.md).
Language = Literal["en", "es", "pl", "cy", "ar"]
LANGUAGES: tuple[str, ...] = Language.__args__
SOURCE_LANGUAGE = "en"
#: Each language named in itself, for the language switch.
ENDONYMS = {"en": "English", "es": "Español", "pl": "Polski", "cy": "Cymraeg", "ar": "العربية"}
#: Languages written right to left.
RIGHT_TO_LEFT = frozenset({"ar"})

#: The data files a translation covers: gettext domain -> what it holds.
DOMAINS = {"rules": "the rule set (rules/hsg-indications.toml)",
           "context": "the clinical context (rules/clinical-context.toml)",
           "questions": "the questions (triage/core/questions.toml)"}
#: Every catalogue of a language, by the review record's subject for it (rules/signoff.toml): a language
#: counts as reviewed only when all four are approved at their exact content, since a question's or a
#: heading's wording can mislead as much as a rule's.
REVIEWED = {"rules": "rule_set", "context": "clinical_context", "questions": "questions", "messages": "interface"}


def english_versions(rules_version: str, context_version: str) -> dict[str, str]:
    """The English version each catalogue translates: the questions and the interface ship with the rule set,
    so their translations are recorded against its version."""
    return {"rules": rules_version, "context": context_version, "questions": rules_version, "messages": rules_version}

def N_(message: str) -> str:
    """Marks a message for the interface catalogue (pybabel extracts `N_`); translated where it is shown."""
    return message


Kind = Literal["translated", "cited"]
Place = tuple[str, ...]


def catalogue_dir() -> Path:
    return resource_dir("translations")


def po_file(language: str, domain: str) -> Path:
    return catalogue_dir() / language / "LC_MESSAGES" / f"{domain}.po"


# ---------------------------------------------------------------------------
# The walk: every wording field of a loaded file, by place.

def _kind(annotation, metadata: tuple = ()) -> Kind | None:
    if get_origin(annotation) is Annotated:
        annotation, *more = get_args(annotation)
        metadata = (*more, *metadata)
    return next((mark for mark in ("translated", "cited") if mark in metadata), None)


def _inner(annotation, position: int):
    """The annotation of a list's, tuple's or dict's items."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    args = get_args(annotation)
    return args[position] if len(args) > position else None


def _key(item, index: int) -> str:
    for name in ("id", "field", "value"):
        if isinstance(getattr(item, name, None), str):
            return getattr(item, name)
    return str(index)


Visit = Callable[[Place, str, Kind], str]


def _walk(value, annotation, metadata: tuple, place: Place, visit: Visit):
    """`value` with each wording string replaced by `visit(place, english, kind)`; unchanged parts are shared."""
    kind = _kind(annotation, metadata)
    if kind and isinstance(value, str):
        return visit(place, value, kind)
    if isinstance(value, BaseModel):
        updates = {}
        for name, info in type(value).model_fields.items():
            old = getattr(value, name)
            new = _walk(old, info.annotation, tuple(info.metadata), (*place, name), visit)
            if new is not old:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, (list, tuple)):
        inner = _inner(annotation, 0)
        new = [_walk(item, inner, (), (*place, _key(item, index)), visit) for index, item in enumerate(value)]
        return value if all(a is b for a, b in zip(new, value)) else type(value)(new)
    if isinstance(value, dict):
        inner = _inner(annotation, 1)
        new = {key: _walk(item, inner, (), (*place, str(key)), visit) for key, item in value.items()}
        return value if all(new[key] is value[key] for key in value) else new
    return value


@dataclass(frozen=True)
class Entry:
    """One sentence of a data file: its place (the message context), the English, and its kind."""

    context: str
    english: str
    kind: Kind


def entries(model: BaseModel) -> list[Entry]:
    found: list[Entry] = []

    def record(place: Place, english: str, kind: Kind) -> str:
        found.append(Entry(".".join(place), english, kind))
        return english

    _walk(model, type(model), (), (), record)
    return found


# ---------------------------------------------------------------------------
# Catalogues per language.

@cache
def catalogue(language: str, domain: str) -> NullTranslations:
    """The compiled catalogue of one data file in one language (English: none, the data is English)."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(catalogue_dir()), [language], domain)


def translated(model: BaseModel, language: str, domain: str, *, cited: bool = False):
    """A copy of `model` in `language` wherever the catalogue has the sentence.

    `Evidence` stays as published unless `cited`: the data and the API keep
    quotes and names as their sources wrote them; pages show them translated.
    """
    if language == SOURCE_LANGUAGE:
        return model
    found = catalogue(language, domain)

    def translate(place: Place, english: str, kind: Kind) -> str:
        return found.upgettext(".".join(place), english) if cited or kind == "translated" else english

    return _walk(model, type(model), (), (), translate)


def translation_hash(language: str, domain: str) -> str:
    """SHA-256 of the `.po` file's exact bytes: what a translation review signs ("" if there is none)."""
    try:
        return hashlib.sha256(po_file(language, domain).read_bytes()).hexdigest()
    except OSError:
        return ""


# ---------------------------------------------------------------------------
# The templates a translator starts from.

_NOTES = {
    "patient": "For patients: plain words, reading grade 8 or lower; short sentences.",
    "clinician": "For clinicians: precise clinical terms.",
}
_CITED = "Cited from a named source: translate for display; keep titles quoted, numbers, codes, years."


def template(domain: str, model: BaseModel) -> Catalog:
    pot = Catalog(project="HSG indication helper", fuzzy=False)
    # A context topic is for one audience; its statements' places do not say which.
    topic_audience = {f"topics.{topic.id}": topic.audience for topic in getattr(model, "topics", ())}
    for entry in entries(model):
        parts = entry.context.split(".")
        registers = {*parts, topic_audience.get(".".join(parts[:2]))}
        if entry.kind == "cited" or parts[0] == "sources":
            notes = [_CITED]
        else:
            notes = [note for register, note in _NOTES.items() if register in registers]
        pot.add(entry.english, context=entry.context, auto_comments=[f"{DOMAINS[domain]}: {entry.context}", *notes])
    return pot


def bundled_models() -> dict[str, BaseModel]:
    from triage.core.clinical_context import load_clinical_context
    from triage.core.questions import QUESTIONS_FILE, QuestionsFile
    from triage.core.datafile import load
    from triage.core.ruleset import load_rule_set

    return {"rules": load_rule_set(), "context": load_clinical_context(),
            "questions": load(QuestionsFile, QUESTIONS_FILE, "questions")}


def write_templates(directory: Path | None = None) -> list[Path]:
    directory = directory or catalogue_dir()
    written = []
    for domain, model in bundled_models().items():
        path = directory / f"{domain}.pot"
        with path.open("wb") as out:
            write_po(out, template(domain, model), omit_header=True, sort_output=False, width=100)
        written.append(path)
    return written


def compile_catalogues() -> list[Path]:
    """Every language's `.po` files compiled to the `.mo` files gettext reads (a test checks they match)."""
    written = []
    for po in sorted(catalogue_dir().glob("*/LC_MESSAGES/*.po")):
        language = po.parent.parent.name
        with po.open("rb") as source:
            catalog = read_po(source, locale=language, domain=po.stem)
        with po.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        written.append(po.with_suffix(".mo"))
    return written


# ---------------------------------------------------------------------------
# The review pack: what a translator and a clinician read to sign a language off.

_PACK_PARTS = {
    "rules": "Rule set: indications, escalations, outcomes, next steps (clinical wording, signed off by hash)",
    "context": "Clinical context: guideline statements and safety prompts (clinical wording, signed off by hash)",
    "questions": "The questions and their answers",
    "messages": "The interface: headings, labels, buttons, errors, integration wording",
}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "**(missing)**"


def review_pack(language: str, english_versions: dict[str, str]) -> str:
    """A side-by-side table of every English string and its translation, with its place and register,
    headed by the content hashes a reviewer signs (Markdown, generated; docs/translation-review/)."""
    lines = [f"# Review pack: {ENDONYMS[language]} (`{language}`)", "",
             "Generated by `hsg-triage translations review-pack` from the catalogues; do not edit by hand.",
             "Read every row: the translation must say what the English says, no more and no less, in the",
             "register named (patients: plain words; clinicians: precise terms). Quotes and guideline names",
             "are translated for display only: the English original is kept beside them on the pages.", "",
             "To sign off, add a record to `rules/signoff.toml` for each reviewed file, naming its hash below,",
             "with `language`, your `qualification` (`medical_translator` or `clinician`) and `decision`.", "",
             "| file | what | translates English version | sha256 |", "|---|---|---|---|"]
    for domain, subject in REVIEWED.items():
        lines.append(f"| `translations/{language}/LC_MESSAGES/{domain}.po` | {subject} | "
                     f"{english_versions[domain]} | `{translation_hash(language, domain)}` |")
    for domain, title in _PACK_PARTS.items():
        with po_file(language, domain).open("rb") as source:
            catalog = read_po(source, locale=language, domain=domain)
        lines += ["", f"## {title}", "", f"`translations/{language}/LC_MESSAGES/{domain}.po`", "",
                  "| place | English | translation | for |", "|---|---|---|---|"]
        for message in catalog:
            if not message.id:
                continue
            english = message.id if isinstance(message.id, str) else " / ".join(message.id)
            translation = message.string if isinstance(message.string, str) else " / ".join(
                f"[{n}] {form}" for n, form in enumerate(message.string))
            # The templates' notes on register and citation; the place is in the first column already.
            notes = [note for note in message.auto_comments if note.startswith(("For ", "Cited", "TRANSLATORS"))]
            lines.append(f"| `{message.context or ''}` | {_cell(english)} | {_cell(translation)} | "
                         f"{_cell(' '.join(notes)) if notes else ''} |")
    return "\n".join(lines) + "\n"
