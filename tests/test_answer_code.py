"""Answer codes: exhaustive where the space is small (2,700 answer sets, 32 symbols, 6 places)."""

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.core.answer_code import (
    ALPHABET,
    CODE_LENGTH,
    COMBINATIONS,
    MAX_MAJOR,
    AnswerCodeError,
    _checksum,
    _digits,
    decode,
    encode,
    format_code,
)
from triage.core.answers import ALLOWED, FIELDS


MAJOR = 1

ALL_ANSWER_SETS = [dict(zip(FIELDS, values)) for values in itertools.product(*ALLOWED.values())]
ALL_CODES = [encode(answers, MAJOR) for answers in ALL_ANSWER_SETS]


def answers(**overrides: str) -> dict[str, str]:
    """One answer set: the first value of every question, with some changed."""
    chosen = {field: values[0] for field, values in ALLOWED.items()}
    chosen.update(overrides)
    return chosen


def problem_of(text: str, expected_major: int = MAJOR) -> str | None:
    """The problem decode finds, or None when the text decodes to answers.

    A plain try/except rather than pytest.raises: the exhaustive tests call
    it half a million times.
    """
    try:
        decode(text, expected_major=expected_major)
    except AnswerCodeError as error:
        return error.problem
    return None


def error_of(text: str, expected_major: int = MAJOR) -> AnswerCodeError:
    with pytest.raises(AnswerCodeError) as caught:
        decode(text, expected_major=expected_major)
    return caught.value


def with_valid_check(version: int, answer_number: int) -> str:
    """A code whose check is right whatever it holds, to reach the checks that come after it."""
    symbols = _digits(version, 1) + _digits(answer_number, 4)
    symbols.append(_checksum(symbols + [0]))
    return "".join(ALPHABET[value] for value in symbols)


# --- The format ---------------------------------------------------------------

def test_the_alphabet_is_crockfords():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert set(ALPHABET) == set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") - set("ILOU")


def test_a_code_has_six_characters_from_the_alphabet():
    assert CODE_LENGTH == 6
    assert COMBINATIONS == 2_700
    for code in ALL_CODES:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set(ALPHABET)


# --- Round trip -----------------------------------------------------------------

def test_every_answer_set_round_trips_to_a_code_of_its_own():
    assert len(ALL_ANSWER_SETS) == COMBINATIONS
    assert len(set(ALL_CODES)) == COMBINATIONS
    for answer_set, code in zip(ALL_ANSWER_SETS, ALL_CODES):
        decoded = decode(code, expected_major=MAJOR)
        assert decoded == answer_set
        assert list(decoded) == list(FIELDS)


def test_every_major_version_round_trips():
    for major in range(1, MAX_MAJOR + 1):
        code = encode(answers(pelvic_pain="unsure"), major)
        assert decode(code, expected_major=major) == answers(pelvic_pain="unsure")


def test_the_first_character_is_the_major_version():
    # Read aloud, "1..." says the version before anything else.
    assert all(code[0] == "1" for code in ALL_CODES)
    assert encode(answers(), 10)[0] == "A"


# --- Every single mistake is caught ---------------------------------------------

def test_every_single_substitution_in_every_code_is_rejected_by_the_check():
    # 2,700 codes x 6 places x 31 other symbols: every one is a typing mistake the
    # check must catch before the code is read as anything else.
    missed = []
    for code in ALL_CODES:
        for place, original in enumerate(code):
            for symbol in ALPHABET:
                if symbol == original:
                    continue
                mistyped = code[:place] + symbol + code[place + 1:]
                if problem_of(mistyped) != "check":
                    missed.append(mistyped)
    assert missed == []


def test_every_swap_of_two_neighbours_in_every_code_is_rejected_by_the_check():
    missed = []
    swaps = 0
    for code in ALL_CODES:
        for place in range(CODE_LENGTH - 1):
            if code[place] == code[place + 1]:
                continue  # the same text: nothing to catch
            swapped = code[:place] + code[place + 1] + code[place] + code[place + 2:]
            swaps += 1
            if problem_of(swapped) != "check":
                missed.append(swapped)
    assert swaps > 10_000
    assert missed == []


def test_every_swap_of_any_two_characters_in_every_code_is_rejected_by_the_check():
    # Beyond what was asked: every place has a different weight, so a swap
    # across a character ("1A2" -> "2A1") is caught too.
    missed = []
    for code in ALL_CODES:
        for first, second in itertools.combinations(range(CODE_LENGTH), 2):
            if code[first] == code[second]:
                continue
            chars = list(code)
            chars[first], chars[second] = chars[second], chars[first]
            swapped = "".join(chars)
            if problem_of(swapped) != "check":
                missed.append(swapped)
    assert missed == []


def test_the_check_catches_these_mistakes_in_any_code_of_any_version():
    # The same property proved for all codes at once, not just this version's.
    # The checksum is linear over GF(32) (XOR of weighted symbols), so a mistake
    # changes it by the checksum of the difference alone, whatever the code:
    # - a substitution a -> b at one place: the difference is a XOR b there;
    # - a swap of a and b at two places: the difference is a XOR b at both.
    # A mistake goes unnoticed exactly when that difference's checksum is zero.
    for difference in range(1, 32):
        for place in range(CODE_LENGTH):
            single = [0] * CODE_LENGTH
            single[place] = difference
            assert _checksum(single) != 0, (place, difference)
        for first, second in itertools.combinations(range(CODE_LENGTH), 2):
            pair = [0] * CODE_LENGTH
            pair[first] = pair[second] = difference
            assert _checksum(pair) != 0, (first, second, difference)


# --- What a person may type --------------------------------------------------------

def test_case_does_not_matter():
    for answer_set, code in zip(ALL_ANSWER_SETS, ALL_CODES):
        assert decode(code.lower(), expected_major=MAJOR) == answer_set


def test_hyphens_and_spaces_are_ignored():
    code = ALL_CODES[1234]
    expected = ALL_ANSWER_SETS[1234]
    for typed in [format_code(code), f" {code[:2]} {code[2:4]} {code[4:]} ", "-".join(code),
                  f"{code[:3]}\u2013{code[3:]}", f"{code}\n", f"{code[:3]}\u00a0{code[3:]}"]:
        assert decode(typed, expected_major=MAJOR) == expected, typed


@pytest.mark.parametrize("digit, look_alikes", [("0", "Oo"), ("1", "IiLl")])
def test_letters_that_look_like_digits_read_as_those_digits(digit, look_alikes):
    # Every version-1 code has a "1" (the version) and a "0" (the answers' first place).
    for answer_set, code in zip(ALL_ANSWER_SETS[::97], ALL_CODES[::97]):
        assert digit in code
        for letter in look_alikes:
            assert decode(code.replace(digit, letter), expected_major=MAJOR) == answer_set


def test_format_code_gives_two_groups_that_read_back():
    for code in ALL_CODES:
        grouped = format_code(code)
        assert re.fullmatch(r"[0-9A-Z]{3}-[0-9A-Z]{3}", grouped)
        assert grouped.replace("-", "") == code
        assert format_code(grouped) == grouped
        assert format_code(grouped.lower()) == grouped


def test_format_code_refuses_what_is_not_a_code():
    with pytest.raises(AnswerCodeError):
        format_code("10C")
    with pytest.raises(AnswerCodeError):
        format_code("10C!7K")


# --- Each problem named plainly ---------------------------------------------------

@pytest.mark.parametrize("typed, message", [
    ("10C7K", "The code has 5 characters; it should have 6."),
    ("10C-7KQ9", "The code has 7 characters; it should have 6."),
    ("1", "The code has 1 character; it should have 6."),
    ("", "The code is empty; it should have 6 characters."),
    (" - ", "The code is empty; it should have 6 characters."),
])
def test_wrong_length(typed, message):
    error = error_of(typed)
    assert error.problem == "length"
    assert str(error) == message
    assert error.found_major is None


@pytest.mark.parametrize("typed, message", [
    ("10C!7K", "'!' is not a character codes use."),
    ("10CU7K", "'U' is not a character codes use."),
    ("10C.7K", "'.' is not a character codes use."),
    ("10Cé7K", "'é' is not a character codes use."),
    ("10C\x007K", "The character U+0000 is not a character codes use."),
    ("!", "'!' is not a character codes use."),
])
def test_a_character_codes_do_not_use(typed, message):
    error = error_of(typed)
    assert error.problem == "character"
    assert str(error) == message


def test_a_mistyped_code_names_the_check():
    code = ALL_CODES[0]
    mistyped = code[:-1] + ("0" if code[-1] != "0" else "1")
    error = error_of(mistyped)
    assert error.problem == "check"
    assert str(error) == "The last character does not match: a character is mistyped or two are swapped."


def test_a_code_from_another_version_says_which():
    code = encode(answers(age_bracket="40_or_over"), 2)
    error = error_of(code, expected_major=1)
    assert error.problem == "version"
    assert error.found_major == 2
    assert str(error) == ("This code is from version 2 of the rules; this tool uses version 1: "
                          "answer the questions again.")


def test_a_code_from_another_version_is_recognised_whatever_its_answers():
    # A later rule set may ask more questions: its version is still read.
    error = error_of(with_valid_check(3, 999_999), expected_major=1)
    assert (error.problem, error.found_major) == ("version", 3)


@pytest.mark.parametrize("version, answer_number", [
    (1, COMBINATIONS),
    (1, 32**4 - 1),
    (0, 0),  # no rule set has version 0
])
def test_a_code_that_stands_for_no_answer_set(version, answer_number):
    error = error_of(with_valid_check(version, answer_number))
    assert error.problem == "unknown"
    assert str(error) == "This code does not stand for any set of answers: check it, or answer the questions again."


def test_the_message_template_is_there_to_translate():
    error = error_of("10C7K")
    assert error.template == "The code has %(count)d characters; it should have %(expected)d."
    assert error.params == {"count": 5, "expected": 6}
    assert error.template % error.params == str(error)


# --- Mistakes in the calling code are not the patient's --------------------------

@pytest.mark.parametrize("major", [0, 32, -1, True, 1.0, "1"])
def test_a_major_version_a_code_cannot_hold_is_refused(major):
    with pytest.raises(ValueError) as caught:
        encode(answers(), major)
    assert not isinstance(caught.value, AnswerCodeError)
    with pytest.raises(ValueError) as caught:
        decode(ALL_CODES[0], expected_major=major)
    assert not isinstance(caught.value, AnswerCodeError)


@pytest.mark.parametrize("bad", [
    {"months_trying": "forever"},
    {"extra_question": "yes"},
])
def test_invalid_answers_are_refused(bad):
    with pytest.raises(ValueError):
        encode(answers(**bad), MAJOR)
    incomplete = answers()
    del incomplete["pelvic_pain"]
    with pytest.raises(ValueError):
        encode(incomplete, MAJOR)


# --- Anything typed -------------------------------------------------------------

CODE_LIKE = st.text(alphabet=ALPHABET + ALPHABET.lower() + "OoIiLlUu -!\u2013", max_size=10)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), CODE_LIKE))
def test_decode_raises_nothing_but_answer_code_error(typed):
    try:
        decoded = decode(typed, expected_major=MAJOR)
    except AnswerCodeError as error:
        assert error.problem in {"length", "character", "check", "version", "unknown"}
        assert str(error)
    else:
        # Whatever is accepted is one of the codes, typed differently.
        assert encode(decoded, MAJOR) == format_code(typed).replace("-", "")
