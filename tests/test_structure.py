"""Stages and actions: categories, modes, where sys/saveas and notify may stand, pipes."""

from __future__ import annotations

import pytest

import oss_process
from tests.corpus import catalogue, untabled
from tests.helpers import codes, errors

CONVERT = "audio/convert,f_aac"
SAVE = "sys/saveas,o_b3V0LmFhYw"  # out.aac
NOTIFY = "notify,topic_dGVzdA"


def test_unknown_category_with_a_near_miss() -> None:
    (diagnostic,) = oss_process.lint("imgae/resize,w_1")
    assert (diagnostic.code, diagnostic.span, diagnostic.hint) == ("E100", (0, 5), "did you mean 'image'?")


def test_category_in_another_case() -> None:
    (diagnostic,) = oss_process.lint("Audio/convert,f_aac")
    assert diagnostic.code == "E100"
    assert diagnostic.hint == "did you mean 'audio'? names are case-sensitive"


def test_unknown_action_in_a_covered_category() -> None:
    (diagnostic,) = oss_process.lint("audio/convrt,f_aac")
    assert (diagnostic.code, diagnostic.span, diagnostic.hint) == ("E101", (6, 12), "did you mean 'convert'?")
    assert errors("sys/save,o_eA") == ["E101"]


def test_actions_without_tables_are_not_checked() -> None:
    # The actions come from the catalogue: tables keep being added. Chained and piped
    # processing is synchronous only, hence sync-only actions.
    sync = frozenset({"sync"})
    by_category: dict[str, list[str]] = {}
    for entry in untabled(modes=sync):
        by_category.setdefault(str(entry.category), []).append(entry.action)
    several = [category for category, actions in by_category.items() if len(actions) >= 2]
    if not several or len(by_category) < 2:
        pytest.skip("the catalogue no longer has two categories with sync-only actions without a table (two in one of them)")
    first = several[0]
    a1, a2 = by_category[first][:2]
    other = next(category for category in by_category if category != first)
    b1 = by_category[other][0]
    (diagnostic,) = oss_process.lint(f"{first}/{a1},x_1")
    assert (diagnostic.code, diagnostic.severity) == ("W102", "warning")
    text = f"{first}/{a1},x_1|{first}/{a2},x_1|{first}/{a1},x_1/{a2}|{other}/{b1},x_1"
    diagnostics = oss_process.lint(text)
    assert [(d.code, d.message) for d in diagnostics] == [
        ("W102", f"{first}/{a1}, {a2} not checked: no parameter table for them yet"),
        ("W102", f"{other}/{b1} not checked: no parameter table for it yet"),
    ]


def test_unlisted_action_in_a_category_without_tables() -> None:
    entries = catalogue()
    bare = sorted({str(e.category) for e in entries if e.category} - {str(e.category) for e in entries if e.table is not None})
    if not bare:
        pytest.skip("every category of the catalogue has a table: an unlisted action is an error everywhere (E101)")
    listed = {e.action for e in entries if e.category == bare[0]}
    unlisted = next(name for name in ("slim", "slimmer", "slimmest") if name not in listed)
    # An action the catalogue does not list, in a category without tables: still a warning.
    assert codes(f"{bare[0]}/{unlisted},1") == ["W102"]


@pytest.mark.parametrize(
    ("text", "mode", "expected"),
    [
        (CONVERT, "async", []),
        (CONVERT, None, []),
        (CONVERT, "sync", ["E103"]),
        ("image/resize,w_1", "async", ["E103"]),
        ("image/resize,w_1", "sync", []),
        (f"image/resize,w_1|{SAVE}", "sync", []),
        (f"{CONVERT}|{SAVE}/{NOTIFY}", "sync", ["E103", "E103"]),
        (f"{CONVERT}|{SAVE}/{NOTIFY}", "async", []),
        ("style/panda|" + SAVE, "sync", []),
        ("style/panda|" + SAVE, "async", []),
        ("image/deblindwatermark,x_1", "async", []),
    ],
)
def test_modes(text: str, mode: str | None, expected: list[str]) -> None:
    assert errors(text, mode=mode) == expected


def test_mode_message_names_the_parameter_to_use() -> None:
    (diagnostic,) = oss_process.lint(CONVERT, mode="sync")
    assert diagnostic.message == (
        "audio/convert runs only in asynchronous processing (x-oss-async-process), not in synchronous processing (x-oss-process)"
    )
    assert diagnostic.hint == "send it as x-oss-async-process"


def test_unknown_mode_mixing_async_only_and_sync_only_actions() -> None:
    text = f"{CONVERT}|image/resize,w_1"
    assert "E103" in errors(text)
    (mixing,) = [d for d in oss_process.lint(text) if d.code == "E103"]
    assert mixing.span == (text.index("resize"), len(text))


def test_async_only_saveas_and_notify_follow_the_processing_action() -> None:
    text = f"{CONVERT}|image/format,png|{SAVE}"
    diagnostic = next(d for d in oss_process.lint(text, mode="async") if d.code == "E104")
    assert text[slice(*diagnostic.span)] == "image/format,png"
    # Decided by the async-only action even when the mode is unknown.
    assert "E104" in errors(text)
    # Synchronous image pipelines are fine.
    assert errors("image/resize,w_1|image/format,png|" + SAVE, mode="sync") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{CONVERT}|{SAVE}|{NOTIFY}", []),
        (f"{CONVERT}|{SAVE}/{NOTIFY}", []),
        (f"{CONVERT}|{NOTIFY}", []),
        (f"{CONVERT}|{NOTIFY}|{SAVE}", ["E108"]),
        (f"{CONVERT}|{SAVE}|{SAVE}", ["E108"]),
        (f"{CONVERT}|{SAVE}/{NOTIFY}/{NOTIFY}", ["E108"]),
        (f"{CONVERT}|{NOTIFY}|{SAVE}|{NOTIFY}", ["E108", "E108"]),
        (f"{CONVERT}|sys/notify,topic_dGVzdA", []),  # the notify stage, as a PHP sample writes it
        (f"{CONVERT}|sys/notify,topic_dGVzdA/saveas,o_eA", ["E108"]),
        (SAVE, ["E109"]),
        (NOTIFY, ["E109"]),
        (f"{SAVE}|{CONVERT}", ["E109", "E108", "E104"]),
    ],
)
def test_where_saveas_and_notify_stand(text: str, expected: list[str]) -> None:
    assert sorted(errors(text)) == sorted(expected)


def test_one_processing_action_in_async() -> None:
    text = f"{CONVERT}/convert,f_mp3|{SAVE}"
    (chained,) = [d for d in oss_process.lint(text) if d.is_error]
    assert chained.code == "E104"
    assert text[slice(*chained.span)] == "convert,f_mp3"
    # Sub-steps the catalogue does not list (concat's /pre and /sur) are not processing actions.
    assert errors("video/concat,f_mp4/pre,o_eA/sur,o_eA|" + SAVE) == []
    assert errors("image/resize,w_1/rotate,90|" + SAVE, mode="sync") == []


def test_a_repeat_is_reported_once() -> None:
    text = f"{CONVERT}|{SAVE}|{SAVE}"
    (repeat,) = oss_process.lint(text)
    assert repeat.message == "sys/saveas appears twice"
    assert repeat.span.start == text.rindex("saveas")


def test_sys_notify_opening_a_stage_is_the_notify_stage() -> None:
    # The official PHP-v2 deblindwatermark sample writes "...|sys/notify,topic_...".
    text = f"{CONVERT}|sys/notify,topic_dGVzdA"
    (unsaved,) = oss_process.lint(text)
    assert (unsaved.code, unsaved.message) == ("W111", "an x-oss-async-process job without sys/saveas: its output is stored nowhere")
    assert oss_process.canonicalize(text) == f"{CONVERT}|notify,topic_dGVzdA"
    assert oss_process.canonicalize(f"{CONVERT}|{SAVE}|sys/notify,topic_dGVzdA") == f"{CONVERT}|{SAVE}/notify,topic_dGVzdA"
    assert errors("image/deblindwatermark,s_low,t_text|sys/notify,topic_dGVzdA") == []
    assert "W111" not in codes("image/deblindwatermark,s_low,t_text|sys/notify,topic_dGVzdA")  # its result is the message


def test_pipe_limits() -> None:
    stage = "style/s"  # runs in both modes, nothing to check: only the pipes are reported
    assert codes("|".join([stage] * 5)) == []  # 4 pipes
    five = "|".join([stage] * 6)
    assert codes(five) == ["W106"]
    six = "|".join([stage] * 7)
    (limit,) = [d for d in oss_process.lint(six) if d.code == "E105"]
    pipes = [i for i, c in enumerate(six) if c == "|"]
    assert limit.span == (pipes[5], pipes[5] + 1)
    assert limit.message == "6 pipes: OSS allows at most 5"


def test_category_repeated_inside_a_stage() -> None:
    text = "image/auto-orient,1,image/resize,w_100"
    diagnostic = next(d for d in oss_process.lint(text) if d.is_error)
    assert diagnostic.code == "E107"
    assert text[slice(*diagnostic.span)] == "image"
    assert diagnostic.hint == "chain the next action with '/' alone, or start a new stage with '|image/'"
    # In a tabled action the repeated category is reported once, not also as a bare value.
    assert errors("audio/convert,f_aac,audio/convert,f_mp3") == ["E107"]


def test_style_names() -> None:
    assert codes("style/" + "a" * 63) == []
    (diagnostic,) = oss_process.lint("style/" + "a" * 64)
    assert (diagnostic.code, diagnostic.span) == ("E110", (6, 70))


@pytest.mark.parametrize("mode", ["ASYNC", "x-oss-process", 1])
def test_an_unknown_mode_is_the_callers_error(mode: object) -> None:
    with pytest.raises(oss_process.ArgumentError, match="mode must be"):
        oss_process.lint(CONVERT, mode=mode)  # type: ignore[arg-type]


def test_mode_enum_and_strings_agree() -> None:
    assert oss_process.lint(CONVERT, mode=oss_process.Mode.SYNC) == oss_process.lint(CONVERT, mode="sync")
    assert str(oss_process.Mode.ASYNC) == "async"
    assert oss_process.Mode("async") is oss_process.Mode.ASYNC
