"""The public functions as callers meet them: arguments, exceptions, caching, threads."""

from __future__ import annotations

import pickle
import random
import re
import threading
from typing import TypeVar

import pytest

import oss_process
from oss_process._accel.cache import CACHE
from oss_process.ast import Action, Directive, Parameter, Stage
from oss_process.tables import BUILTIN
from tests.helpers import b64

GOOD = f"audio/convert,f_aac,ab_96000|sys/saveas,o_{b64('out.aac')}"
SAVE = f"|sys/saveas,o_{b64('out.aac')}"
INVALID = "audio/convert,f_wav" + SAVE
BROKEN = "audio/convert,f_aac, ab_96000"


def test_lint_returns_a_new_list_each_time() -> None:
    first = oss_process.lint(INVALID)
    first.clear()
    assert [d.code for d in oss_process.lint(INVALID)] == ["E207"]


def test_canonicalize_raises_the_right_error() -> None:
    with pytest.raises(oss_process.ParseError) as parse_error:
        oss_process.canonicalize(BROKEN)
    with pytest.raises(oss_process.InvalidDirectiveError) as invalid:
        oss_process.canonicalize(INVALID)
    assert isinstance(parse_error.value, oss_process.DirectiveError)
    assert isinstance(invalid.value, ValueError)
    assert [d.code for d in invalid.value.diagnostics] == ["E207"]
    assert invalid.value.text == INVALID


def test_error_text_renders_every_diagnostic() -> None:
    with pytest.raises(oss_process.InvalidDirectiveError) as raised:
        oss_process.canonicalize("audio/convert,f_wav,aq_5,ab_1000,abopt_1" + SAVE)
    text = str(raised.value)
    assert text.splitlines()[0] == "E207: f: 'wav' is not one of mp3, aac, flac, oga, ac3, opus, amr"
    assert "error[E203]: aq and ab are mutually exclusive" in text
    assert text.count("^") >= 2


def test_errors_list_errors_before_warnings() -> None:
    text = "audio/convert,f_mp3,aq_5,ab_1000" + SAVE
    with pytest.raises(oss_process.InvalidDirectiveError) as raised:
        oss_process.canonicalize(text)
    assert [d.code for d in raised.value.diagnostics] == ["E203", "W211", "W211"]


def test_errors_pickle() -> None:
    with pytest.raises(oss_process.DirectiveError) as raised:
        oss_process.canonicalize(INVALID)
    restored = pickle.loads(pickle.dumps(raised.value))
    assert type(restored) is oss_process.InvalidDirectiveError
    assert restored.diagnostics == raised.value.diagnostics
    assert str(restored) == str(raised.value)


@pytest.mark.parametrize("text", [None, b"audio/convert,f_aac", 42, ["audio/convert"]])
def test_a_directive_is_a_str(text: object) -> None:
    for function in (oss_process.lint, oss_process.canonicalize, oss_process.parse):
        with pytest.raises(oss_process.ArgumentError, match="a directive is a str") as raised:
            function(text)  # type: ignore[arg-type]
        assert isinstance(raised.value, TypeError)


@pytest.mark.parametrize(
    "kwargs",
    [{"sample_rate": 0}, {"channels": -1}, {"bitrate": 1.5}, {"sample_rate": True}, {"channels": "2"}],
)
def test_source_audio_is_checked(kwargs: dict[str, object]) -> None:
    with pytest.raises(oss_process.ArgumentError, match="SourceAudio"):
        oss_process.SourceAudio(**kwargs)  # type: ignore[arg-type]


def test_source_must_be_a_source_audio() -> None:
    with pytest.raises(oss_process.ArgumentError, match="source must be a Source"):
        oss_process.lint(GOOD, source={"sample_rate": 44100})  # type: ignore[arg-type]


def test_the_cache_answers_the_same() -> None:
    CACHE.clear()
    first = oss_process.canonicalize(GOOD)
    assert oss_process.canonicalize(GOOD) is first
    assert len(CACHE.verdicts) == 1
    assert CACHE.verdicts.limit == oss_process.CACHE_SIZE


def test_every_region_of_the_cache_is_bounded() -> None:
    CACHE.clear()
    for i in range(oss_process.CACHE_SIZE + 100):
        oss_process.lint(f"audio/convert,f_aac,ab_{1000 + i}|sys/saveas,o_{b64(f'o{i}.aac')}")
        oss_process.lint(f"audio/convert,f_aac,{'ss_1,' * (i % 40)}ab_{i}", mode="async")
        oss_process.lint(f"audio/convert,f_aac, ab_{i}{'/x' * (i % 30)}")
    sizes = CACHE.sizes()
    assert sizes["verdicts"] == oss_process.CACHE_SIZE
    for name in CACHE.__slots__:
        region = getattr(CACHE, name)
        assert len(region) <= region.limit, name
    assert sizes["plans"] > 30, sizes
    assert sizes["values"] > 1000, sizes
    # The oldest entries went first: the newest are still there.
    assert (
        f"audio/convert,f_aac, ab_{oss_process.CACHE_SIZE + 99}{'/x' * ((oss_process.CACHE_SIZE + 99) % 30)}",
        None,
        None,
        BUILTIN,
    ) in CACHE.verdicts


def test_mode_and_source_are_part_of_the_cache_key() -> None:
    assert [d.code for d in oss_process.lint("audio/convert,f_aac", mode="async")] == ["W111"]
    assert [d.code for d in oss_process.lint("audio/convert,f_aac", mode="sync")] == ["E103"]
    opus = "audio/convert,f_opus|sys/saveas,o_YQ"
    assert [d.code for d in oss_process.lint(opus)] == ["W211"]
    assert [d.code for d in oss_process.lint(opus, source=oss_process.SourceAudio(sample_rate=44100))] == ["E212"]
    assert oss_process.lint(opus, source=oss_process.SourceAudio(sample_rate=48000)) == []


def test_threads_get_the_answers_one_thread_gets() -> None:
    rng = random.Random(5)
    texts = [
        f"audio/convert,f_{rng.choice(['aac', 'mp3', 'wav'])},ab_{rng.randint(500, 20000)}|sys/saveas,o_{b64(f'o{i}.aac')}"
        + rng.choice(["", "/notify,topic_dGVzdA", " ", "|image/resize,w_1"])
        for i in range(400)
    ]
    expected = {text: [d.code for d in oss_process.lint(text)] for text in texts}
    CACHE.clear()
    failures: list[str] = []

    def work(seed: int) -> None:
        order = texts[:]
        random.Random(seed).shuffle(order)
        for text in order:
            if [d.code for d in oss_process.lint(text)] != expected[text]:
                failures.append(text)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_import_loads_nothing_until_first_use() -> None:
    import subprocess
    import sys

    code = "import sys, oss_process; print(sorted(m for m in sys.modules if m.startswith(('oss_process.', 'lark'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
    code = "import sys, oss_process; oss_process.lint('audio/convert,f_aac'); print('lark' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_public_names() -> None:
    assert set(oss_process.__all__) == {"__version__", *oss_process._DEFINED_IN}
    for name in oss_process.__all__:
        assert getattr(oss_process, name) is not None
    with pytest.raises(AttributeError):
        oss_process.no_such_name  # noqa: B018


N = TypeVar("N")


def forged(node: N, **fields: object) -> N:
    """``node`` with fields set past its constructor's checks, as object.__setattr__ or a
    crafted pickle can set them."""
    for name, value in fields.items():
        object.__setattr__(node, name, value)
    return node


def convert(parameter: Parameter) -> Directive:
    return Directive((Stage("audio", (Action("convert", (parameter,)),)),))


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ("audio/convert,f_aac", "validate takes a Directive, not str"),
        (forged(Directive(()), stages=[]), "directive.stages must be a tuple of Stage, not list"),
        (convert(forged(Parameter("f", "aac"), key=1)), "directive.stages[0].actions[0].parameters[0].key must be a str or None, not int"),
        (convert(forged(Parameter("f", "aac"), text=5)), "directive.stages[0].actions[0].parameters[0].text must be a str, not int"),
        (Directive((forged(Stage("audio", ()), category=7),)), "directive.stages[0].category must be a str or None, not int"),
        (Directive((forged(Stage("audio", ()), actions=("convert",)),)), "directive.stages[0].actions[0] must be Action, not str"),
    ],
)
def test_validate_refuses_what_is_not_a_tree_with_argument_error(tree: object, message: str) -> None:
    with pytest.raises(oss_process.ArgumentError, match=re.escape(message)):
        oss_process.validate(tree)  # type: ignore[arg-type]
