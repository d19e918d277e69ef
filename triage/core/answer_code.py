"""Answer codes: the six answers as a short code a patient can read aloud or write down (issue 27).

A patient answers at home, gets a code such as "101-V2A", and a GP types it
into the clinician form later. The code holds the six answers and the rule
set's major version and nothing else, so nothing is stored on any server and
the code identifies no one.

Layout, one base-32 character each (Crockford's alphabet, so that no two
characters look or sound alike):

    [version] [answers x4] [check]

- version: the rule set's MAJOR version, 1 to 31. It has a place of its own
  so that a code from another version is recognised as such even when that
  version asks different questions.
- answers: the six answers as one mixed-radix number (2,700 combinations).
  Four characters (about a million numbers) rather than the three that 2,700
  needs, so that a later rule set with more questions keeps the same length,
  and so that most corrupted codes read as no answer set at all.
- check: chosen so that the weighted sum of all six characters in GF(32) is
  zero (see `_checksum`). That catches every single mistyped character and
  every swap of two characters, adjacent or not, with no symbol beyond the 32
  (Crockford's own check symbols * ~ $ = U are hard to read aloud).
"""

import math
from collections.abc import Mapping

from triage.core.answers import ALLOWED, FIELDS, Answers
from triage.core.translation import N_

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "COMBINATIONS",
    "MAX_MAJOR",
    "MIN_MAJOR",
    "AnswerCodeError",
    "decode",
    "encode",
    "encode_valid",
    "format_code",
]

#: Crockford's base-32 digits: I, L, O and U are left out (I, L and O look like 1 and 0).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BASE = len(ALPHABET)

#: The major versions a code can hold: one character, with 0 left unused so that
#: a code never starts with a version that no rule set has had.
MIN_MAJOR = 1
MAX_MAJOR = BASE - 1

VERSION_LENGTH = 1
ANSWERS_LENGTH = 4
CHECK_LENGTH = 1
CODE_LENGTH = VERSION_LENGTH + ANSWERS_LENGTH + CHECK_LENGTH

#: How many answer sets this rule set has (5 * 4 * 5 * 3 * 3 * 3 = 2,700).
COMBINATIONS = math.prod(len(values) for values in ALLOWED.values())
if COMBINATIONS > BASE**ANSWERS_LENGTH:
    raise RuntimeError(f"{COMBINATIONS:,} answer sets do not fit in {ANSWERS_LENGTH} characters of a code")


def _symbol_values() -> dict[str, int]:
    """What a person may type for each symbol: either case, and the letters that look
    like digits read as those digits, as Crockford's decoding does."""
    values: dict[str, int] = {}
    for value, symbol in enumerate(ALPHABET):
        values[symbol] = values[symbol.lower()] = value
    for look_alike, digit in {"O": "0", "I": "1", "L": "1"}.items():
        values[look_alike] = values[look_alike.lower()] = ALPHABET.index(digit)
    return values


_SYMBOL_VALUES = _symbol_values()

#: Skipped when reading a code, with any white space: the hyphen, and the dashes a word
#: processor or a PDF puts in its place when a code is copied from a letter.
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")

#: x^5 + x^2 + 1, a primitive polynomial: GF(32) arithmetic reduces by it, and
#: x (the number 2) then has order 31, so its powers x^0..x^30 are all different.
_FIELD_POLYNOMIAL = 0b100101


class AnswerCodeError(ValueError):
    """A code that cannot be read, with the problem named plainly for the person who typed it.

    `problem` is one of "character", "length", "check", "version", "unknown".
    `template` and `params` let the web layer show the message in the page's
    language (`gettext(template) % params`); `str(error)` is the English.
    """

    def __init__(self, problem: str, template: str, *, found_major: int | None = None, **params: object):
        self.problem = problem
        self.template = template
        self.params = params
        #: The version a "version" code is from, to say which tool version reads it.
        self.found_major = found_major
        super().__init__(template % params)


def encode(answers: Mapping[str, str], major: int) -> str:
    """The canonical code for one answer set: upper case, no hyphens (see `format_code` for reading)."""
    _require_major(major)
    # The Answers model rejects a missing, unknown or invalid answer as the rest of the app does.
    return encode_valid(Answers.model_validate(dict(answers)).__dict__, major)


def encode_valid(values: Mapping[str, str], major: int) -> str:
    """`encode` for answers already validated (the engine's): no second validation on every request."""
    number = 0
    for field in FIELDS:
        choices = ALLOWED[field]
        number = number * len(choices) + choices.index(values[field])
    symbols = _digits(major, VERSION_LENGTH) + _digits(number, ANSWERS_LENGTH)
    symbols.append(_check_symbol(symbols))
    return "".join(ALPHABET[value] for value in symbols)


def decode(text: str, *, expected_major: int) -> dict[str, str]:
    """The answers a typed code holds, or AnswerCodeError naming what is wrong with it.

    Problems are looked for in the order a person can act on them: a character
    codes do not use, then the length, then the check (a typing mistake), and
    only then what the code says (another version, or no answer set at all),
    since a mistyped code says nothing reliable.
    """
    _require_major(expected_major)
    symbols = _symbols(text)
    if _checksum(symbols) != 0:
        raise AnswerCodeError(
            "check", N_("The last character does not match: a character is mistyped or two are swapped."))

    found_major = _number(symbols[:VERSION_LENGTH])
    if found_major < MIN_MAJOR:
        raise _unknown()
    if found_major != expected_major:
        raise AnswerCodeError(
            "version",
            N_("This code is from version %(found)d of the rules; this tool uses version %(expected)d: "
               "answer the questions again."),
            found_major=found_major, found=found_major, expected=expected_major)

    number = _number(symbols[VERSION_LENGTH:VERSION_LENGTH + ANSWERS_LENGTH])
    if number >= COMBINATIONS:
        raise _unknown()
    # Undo the mixed-radix number: the last field is the least significant digit.
    answers: dict[str, str] = {}
    for field in reversed(FIELDS):
        values = ALLOWED[field]
        number, index = divmod(number, len(values))
        answers[field] = values[index]
    return {field: answers[field] for field in FIELDS}


def format_code(code: str) -> str:
    """The code in two groups, e.g. "101-V2A": shorter groups are easier to read out and to copy."""
    canonical = "".join(ALPHABET[value] for value in _symbols(code))
    half = (len(canonical) + 1) // 2
    return f"{canonical[:half]}-{canonical[half:]}"


def _symbols(text: str) -> list[int]:
    """The symbol values of typed text, or the first reason it cannot be a code at all."""
    symbols: list[int] = []
    for character in text:
        if character in _DASHES or character.isspace():
            continue
        value = _SYMBOL_VALUES.get(character)
        if value is None:
            raise AnswerCodeError(
                "character", N_("%(character)s is not a character codes use."), character=_shown(character))
        symbols.append(value)
    if len(symbols) != CODE_LENGTH:
        raise _wrong_length(len(symbols))
    return symbols


def _checksum(symbols: list[int]) -> int:
    """The sum over GF(32) of each symbol times x^(its distance from the end); zero for a valid code.

    Why this catches the errors people make, for any code:
    - one symbol a changed to b changes the sum by w * (a + b), where w is
      that place's weight; in a field a product of two non-zero elements is
      never zero, and w is a power of x, so non-zero, and a + b (XOR) is
      non-zero because a != b;
    - a and b swapped at places with weights v and w change the sum by
      (v + w) * (a + b), non-zero because the weights x^0..x^5 all differ.
    Computed by Horner's rule: multiply what came before by x, add the symbol.
    """
    total = 0
    for value in symbols:
        total = _times_x(total) ^ value
    return total


def _check_symbol(symbols: list[int]) -> int:
    # The check's weight is x^0 = 1, so the symbol that brings the sum to zero
    # is the sum of the others (in GF(32) adding and subtracting are the same XOR).
    return _checksum(symbols + [0])


def _times_x(element: int) -> int:
    """Multiplication by x in GF(32): shift up, and reduce when the x^5 bit appears."""
    element <<= 1
    if element & BASE:
        element ^= _FIELD_POLYNOMIAL
    return element


def _digits(number: int, length: int) -> list[int]:
    """`number` in base 32, most significant digit first, padded to a fixed length."""
    digits = [0] * length
    for place in reversed(range(length)):
        number, digits[place] = divmod(number, BASE)
    return digits


def _number(digits: list[int]) -> int:
    number = 0
    for digit in digits:
        number = number * BASE + digit
    return number


def _require_major(major: int) -> None:
    # A programming or configuration mistake, not the patient's: plain ValueError.
    if isinstance(major, bool) or not isinstance(major, int) or not MIN_MAJOR <= major <= MAX_MAJOR:
        raise ValueError(f"a rule set major version in a code is {MIN_MAJOR} to {MAX_MAJOR}, not {major!r}")


def _shown(character: str) -> str:
    """A character as a person can see it in a message; an invisible one by its Unicode number."""
    if character.isprintable():
        return f"'{character}'"
    return f"The character U+{ord(character):04X}"


def _wrong_length(count: int) -> AnswerCodeError:
    if count == 0:
        return AnswerCodeError(
            "length", N_("The code is empty; it should have %(expected)d characters."), expected=CODE_LENGTH)
    if count == 1:
        return AnswerCodeError(
            "length", N_("The code has 1 character; it should have %(expected)d."), expected=CODE_LENGTH)
    return AnswerCodeError(
        "length", N_("The code has %(count)d characters; it should have %(expected)d."),
        count=count, expected=CODE_LENGTH)


def _unknown() -> AnswerCodeError:
    return AnswerCodeError(
        "unknown", N_("This code does not stand for any set of answers: check it, or answer the questions again."))
