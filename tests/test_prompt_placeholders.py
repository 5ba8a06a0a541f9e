"""`without_placeholders`: exactly which added ``@N`` words a faithful prompt may carry."""

from __future__ import annotations

import pytest

from vidukit.canonical import same_prompt
from vidukit.placeholders import subject_ids, without_placeholders

IDS = frozenset({"1", "2"})


@pytest.mark.parametrize(("sent", "read"), [
    ("@1 @2 a cat", "a cat"),
    ("@1, @2: a cat", "a cat"),
    ("@1; a cat", "a cat"),
    ("a @1 cat", "a cat"),
    ("a cat @1", "a cat"),
    ("a cat @1 @2", "a cat"),
    ("a\n@1\tcat", "a\ncat"),       # the whitespace character after it goes with it
    ("a @1  cat", "a  cat"),         # one character only: the rest was the prompt's
    ("a cat (@1)", "a cat (@1)"),   # not a word of its own
    ("cat@1", "cat@1"),
    ("@3 a cat", "@3 a cat"),       # names no subject the body carries
    ("@1x a cat", "@1x a cat"),
    ("", ""),
    ("@1", ""),
])
def test_only_whole_placeholder_words_naming_a_subject_are_removed(sent: str, read: str) -> None:
    assert without_placeholders(sent, IDS) == read


def test_subject_ids_are_the_ids_of_the_subjects_sent() -> None:
    body = {"subjects": [{"id": "1", "images": []}, {"id": "hero", "images": []}, {"x": 1}]}
    assert subject_ids(body) == {"1", "hero"}
    assert subject_ids({"images": ["a"]}) == frozenset()
    assert subject_ids(["not", "a", "body"]) == frozenset()


def test_same_prompt_reads_placeholders_only_where_the_provider_has_subjects() -> None:
    body = {"subjects": [{"id": "1", "images": ["https://img.example/a.png"]}]}
    assert same_prompt("novita", body, "@1 a cat", "a cat")
    assert not same_prompt("novita", body, "@2 a cat", "a cat")
    assert not same_prompt("novita", {"subjects": []}, "@1 a cat", "a cat")
    assert not same_prompt("wavespeed", body, "@1 a cat", "a cat")
    assert same_prompt("wavespeed", body, "a cat", "a cat")


@pytest.mark.parametrize("prompt", [" a cat", "a cat ", "  a  cat\n", "", "a\tcat"])
def test_placeholders_added_around_any_prompt_leave_it_as_it_was(prompt: str) -> None:
    for added in (f"@1 @2 {prompt}", f"@1, @2: {prompt}", f"{prompt} @1 @2", f"{prompt} @2"):
        assert without_placeholders(added, IDS) == prompt, repr(added)
