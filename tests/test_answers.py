"""The answer-part format: parsing, rendering and transplanting are exact."""

import pytest

from kafka_katas.kata.answers import AnswerFormatError, parse, transplant

KATA = '''"""doc"""


def key_for(event):
    """Key."""
    # >>> ANSWER: key_for
    todo("return the key")
    # <<< ANSWER: key_for


def config():
    # >>> ANSWER: config
    todo("return the config")
    # <<< ANSWER: config


def test_x():
    assert key_for({}) == b"k"
'''


def test_a_file_splits_into_fixed_text_and_named_answer_parts():
    text = parse(KATA)
    assert list(text.answers) == ["key_for", "config"]
    assert text.answers["key_for"] == '    todo("return the key")\n'
    assert text.parts[1].begin_line == 12
    assert text.render() == KATA


def test_transplant_replaces_only_the_named_bodies():
    result = transplant(KATA, {"key_for": "    return b'k'\n"})
    assert "return b'k'" in result
    assert 'todo("return the config")' in result
    assert parse(result).fixed == parse(KATA).fixed


def test_text_outside_answers_is_compared_exactly():
    edited = KATA.replace('assert key_for({}) == b"k"', "assert True")
    assert parse(edited).fixed != parse(KATA).fixed
    assert parse(edited).answers == parse(KATA).answers


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (KATA.replace("    # <<< ANSWER: key_for\n", ""), "starts inside answer 'key_for'"),
        (KATA.replace("# <<< ANSWER: config", "# <<< ANSWER: other"), "no matching"),
        (KATA.replace("ANSWER: config", "ANSWER: key_for"), "appears twice"),
        (KATA.replace("    # <<< ANSWER: config\n", ""), "never closed"),
    ],
)
def test_broken_markers_are_reported_with_their_line(broken, message):
    with pytest.raises(AnswerFormatError, match=message):
        parse(broken, "kata.py")
