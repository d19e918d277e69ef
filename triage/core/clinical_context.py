"""Clinical context: sourced statements shown beside the rule set, never part of it.

The statements live in rules/clinical-context.toml. Each names its sources;
the loader refuses a statement without one, or one naming a source that the
file does not define. Nothing here is read by the engine: the context can
change what a page says around an outcome, never the outcome.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from triage.core.answers import Audience
from triage.core.datafile import DataFileError, Id, Prose, Strict, Text, load
from triage.core.ruleset import Condition, Outcome


class ContextError(DataFileError):
    """A governance file cannot be used; the message names the file and the problem."""


class NamedSource(Strict):
    name: Prose


class Statement(Strict):
    #: Unique in its topic: a translation names the statement by topic and statement id.
    id: Id
    text: Prose
    sources: list[Id] = Field(min_length=1)
    #: Indication ids that make the statement relevant; empty: any.
    relevant_to: list[Id] = []
    #: Answer blocks (the rule set's clause syntax) that make it relevant; empty: any.
    when: list[Condition] = []

    def relevant(self, matched: frozenset[str], answers: Mapping[str, str]) -> bool:
        return (not self.relevant_to or not matched.isdisjoint(self.relevant_to)) and (
            not self.when or any(all(answers[f] in allowed for f, allowed in clause.items()) for clause in self.when)
        )


class Topic(Strict):
    id: Id
    audience: Audience
    title: Prose
    #: The outcomes the topic is for (for example only where an HSG is in play); empty: all.
    outcomes: list[Outcome] = []
    #: Where a result page shows it: `notes` beside the reasons (clinicians: the
    #: guideline context), `checklist` (clinicians: before referring), and the
    #: checks `before_test` and the safety net `after_test` an HSG.
    section: Literal["notes", "checklist", "before_test", "after_test"] = "notes"
    #: Shown folded on a result page (a Details the reader opens; open when printed), so that a phone's
    #: page stays short: for the parts read on demand, never for warnings a reader must see.
    folded: bool = False
    statements: list[Statement] = Field(min_length=1)

    def for_outcome(self, outcome: str) -> bool:
        return not self.outcomes or outcome in self.outcomes


class ContextInfo(Strict):
    name: Text
    version: Text


@dataclass(frozen=True, eq=False)
class Shown:
    """A topic as a page shows it: its title and the statements with their source names. Made once
    per context, topic and statement set (`ClinicalContext._shown`), so compared by identity."""

    id: str
    title: str
    section: str
    statements: tuple[tuple[str, tuple[str, ...]], ...]
    folded: bool = False


class ClinicalContext(Strict):
    context: ContextInfo
    sources: dict[Id, NamedSource] = Field(min_length=1)
    topics: list[Topic] = Field(min_length=1)
    #: sha256 of the file's bytes, set by the loader, for the review record.
    content_hash: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> "ClinicalContext":
        ids = [topic.id for topic in self.topics]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate topic id in: {', '.join(ids)}")
        for topic in self.topics:
            statement_ids = [statement.id for statement in topic.statements]
            if len(statement_ids) != len(set(statement_ids)):
                raise ValueError(f"topic {topic.id!r}: duplicate statement id in: {', '.join(statement_ids)}")
        used = set()
        for topic in self.topics:
            for number, statement in enumerate(topic.statements, 1):
                unknown = [s for s in statement.sources if s not in self.sources]
                if unknown:
                    raise ValueError(f"topic {topic.id!r}, statement {number}: unknown source {', '.join(map(repr, unknown))}")
                used.update(statement.sources)
        unused = sorted(set(self.sources) - used)
        if unused:
            raise ValueError(f"sources never cited: {', '.join(unused)}")
        return self

    @property
    def version(self) -> str:
        return self.context.version

    def source_names(self, statement: Statement) -> tuple[str, ...]:
        return tuple(self.sources[source].name for source in statement.sources)

    def safety_lists(self) -> dict[str, tuple[tuple[Statement, ...], tuple[Statement, ...]]]:
        """Per audience, the statements before an HSG and after it: the API's `safety` (core/engine.py),
        given wherever the rule set puts an HSG in play."""
        return {audience: tuple(tuple(statement for topic in self.topics
                                      if topic.audience == audience and topic.section == section
                                      for statement in topic.statements)
                                for section in ("before_test", "after_test"))
                for audience in ("patient", "clinician")}

    def topics_for(self, audience: Audience) -> list[Shown]:
        """Everything for one audience, as /rules shows it."""
        return [self._shown(topic, topic.statements) for topic in self.topics if topic.audience == audience]

    def for_result(self, audience: Audience, outcome: str, matched: Iterable[str],
                   answers: Mapping[str, str]) -> tuple[list[Shown], list[Shown]]:
        """(relevant, other): the statements for this result (its outcome, the matched
        indication ids and the answers), and the rest. Patients are shown only the first."""
        matched = frozenset(matched)
        relevant, other = [], []
        for topic in self.topics:
            if topic.audience != audience:
                continue
            fits = topic.for_outcome(outcome)
            near, far = [], []
            for statement in topic.statements:
                (near if fits and statement.relevant(matched, answers) else far).append(statement)
            if near:
                relevant.append(self._shown(topic, near))
            if far:
                other.append(self._shown(topic, far))
        return relevant, other

    def _shown(self, topic: Topic, statements: list[Statement]) -> Shown:
        # Made once per context (a translated copy has its own sources and topics), topic, and which
        # of its statements apply; never per answers. The context and topic are kept with the entry,
        # so no id in a key is reused while it is there.
        key = (id(self), id(topic), *[id(s) for s in statements])
        made = _SHOWN.get(key)
        if made is None:
            made = _SHOWN[key] = (self, topic, Shown(
                topic.id, topic.title, topic.section, tuple((s.text, self.source_names(s)) for s in statements),
                topic.folded))
        return made[2]


#: Topics as shown (`ClinicalContext._shown`), for every context loaded in this process: bounded by
#: the files' topics and statement sets.
_SHOWN: dict[tuple[int, ...], tuple["ClinicalContext", Topic, Shown]] = {}


def bundled_context_file() -> Path:
    from triage.core.resources import resource_dir

    return resource_dir("rules") / "clinical-context.toml"


def load_clinical_context(path: Path | str | None = None) -> ClinicalContext:
    path = Path(path) if path is not None else bundled_context_file()
    return load(ClinicalContext, path, "clinical context", ContextError, hashed=True)
