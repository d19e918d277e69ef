"""One way to read every data file: TOML, validated by a strict pydantic model,
and a message that names the file, the entry and the problem when it cannot be used.

The rule set, clinical context, review record, order codes and questions all
load through `load`. A reviewer who mistypes a key reads, for example,
"rules.toml: indication 'chronic_pelvic_pain': colour: unknown key".
"""

import hashlib
import tomllib
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

#: Non-empty text, surrounding white space dropped.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: Wording a person reads: translated per language (core/translation.py), like `Text` otherwise.
Prose = Annotated[Text, "translated"]
#: Evidence quoted or cited from a named source (a verbatim quote, a section heading, a
#: guideline's name): the data and the API keep it as published; pages show a translation beside it.
Evidence = Annotated[Text, "cited"]
#: An id: lower case, digits and underscores, starting with a letter.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]

#: Lists of tables whose entries an error names, with the singular word for one entry.
ENTRY_WORDS = {"indications": "indication", "escalations": "escalation", "topics": "topic", "reviews": "review",
               "codes": "code", "questions": "question"}


class DataFileError(ValueError):
    """A data file cannot be used; the message names the file, the entry and the problem."""


class Strict(BaseModel):
    """No unknown keys, no coercion (`"1"` is not a number), immutable once loaded."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Model = TypeVar("Model", bound=BaseModel)


def load(model: type[Model], path: Path, what: str, error: type[DataFileError] = DataFileError,
         *, hashed: bool = False) -> Model:
    """The file validated as `model`. `what` names the file in messages ("rule set");
    `hashed` adds the SHA-256 of its exact bytes as `content_hash`, which names exactly what was loaded."""
    try:
        raw = path.read_bytes()
    except OSError as problem:
        raise error(f"{path}: cannot read the {what} file ({problem.strerror or problem})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise error(f"{path}: the {what} file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{path}: not valid TOML: {problem}") from None
    if hashed:
        if "content_hash" in data:
            raise error(f"{path}: `content_hash` is computed by the loader and must not be written in the file")
        data = {**data, "content_hash": hashlib.sha256(raw).hexdigest()}
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        raise error(describe(path, what, data, problem)) from None


def describe(path: Path, what: str, data: dict, error: ValidationError) -> str:
    """Every problem, each with the entry it is in (by id where it has one) and the key at fault."""
    problems = []
    for detail in error.errors():
        location = list(detail["loc"])
        where = what
        if location and location[0] in ENTRY_WORDS and len(location) > 1 and isinstance(location[1], int):
            where = _entry(location[0], location[1], data)
            location = location[2:]
        key = ".".join(str(part) for part in location)
        message = {"missing": "missing (required)", "extra_forbidden": "unknown key"}.get(
            detail["type"], detail["msg"].removeprefix("Value error, ")
        )
        problems.append(f"{where}: {key + ': ' if key else ''}{message}")
    return f"{path}: " + "; ".join(problems)


def _entry(table: str, index: int, data: dict) -> str:
    entries = data.get(table) or []
    entry = entries[index] if index < len(entries) and isinstance(entries[index], dict) else {}
    word = ENTRY_WORDS[table]
    if "code" in entry:  # a coded entry is named by system|code, as FHIR writes it
        return f"{word} #{index + 1} ({entry.get('system')}|{entry['code']})"
    name = entry.get("id") or entry.get("field")
    return f"{word} {name!r}" if isinstance(name, str) else f"{word} #{index + 1}"
