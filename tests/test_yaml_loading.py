"""The fast YAML path gives exactly PyYAML's safe semantics; the strict path locates problems."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rome_export import fastyaml
from rome_export.sources import parse_yaml

TRICKY = [
    "a: yes\nb: no\nc: on\nd: ~\ne: null\nf: ''\n",
    "i: 0x1F\nj: 0o17\nk: 1_000\nl: -12\nm: +3\nn: 190:20:30\n",
    "f: 1.5\ng: .inf\nh: -.Inf\nk: .nan\nl: 1e3\n",
    "d: 2026-11-30\nt: 2026-11-30T10:00:00Z\ns: '2026-11-30'\n",
    "s: !!str 12\nl: !!int '7'\nb: !!bool 'true'\n",
    "list: [1, 'two', {three: 3}]\nnested: {a: {b: {c: [d]}}}\n",
    "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "? complex\n: value\n1: int key\n2026-01-01: date key\n",
]


def reference(text: str):
    return yaml.load(text, Loader=yaml.CSafeLoader)


def test_tricky_documents_load_as_pyyaml_loads_them():
    for text in TRICKY:
        data, issues = parse_yaml(text, "t.yaml")
        assert issues == [], text
        assert data == reference(text), text
        assert [type(v) for v in data.values()] == [type(v) for v in reference(text).values()]


def test_unusual_tags_go_to_the_strict_path():
    data, issues = parse_yaml("b: !!binary aGVsbG8=\n", "t.yaml")
    assert issues == [] and data == {"b": b"hello"}
    data, issues = parse_yaml("x: !custom 1\n", "t.yaml")
    assert data is None and [i.code for i in issues] == ["yaml-syntax"]


def test_duplicate_keys_are_located_even_when_nested():
    _, issues = parse_yaml("a:\n  b: 1\n  c: 2\n  b: 3\n", "t.yaml")
    assert [(i.code, i.line, i.column) for i in issues] == [("duplicate-key", 4, 3)]


def test_an_unhashable_key_is_an_issue_not_a_crash():
    _, issues = parse_yaml("? [a, b]\n: 1\n", "t.yaml")
    assert [i.code for i in issues] == ["yaml-syntax"]


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), st.dates(), st.floats(allow_nan=False)
)
documents = st.dictionaries(
    st.text(min_size=1),
    st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(min_size=1), inner, max_size=4)
        ),
        max_leaves=12,
    ),
    min_size=1,
    max_size=6,
)


@given(documents)
def test_any_dumped_document_loads_back_like_pyyaml(doc):
    text = yaml.dump(doc, Dumper=yaml.CSafeDumper, allow_unicode=True)
    data, issues = parse_yaml(text, "t.yaml")
    if "&" in text or "*" in text:  # the strict path refuses anchors and aliases
        return
    assert issues == []
    assert data == reference(text)


# ----------------------------------------------------------- yaml-rs under PyYAML's rules


def typed(value):  # type: ignore[no-untyped-def]
    """The value with the type of every scalar, so that 1 != True != 1.0 != "1"."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, float) and value != value:
        return (float, "nan")
    return (type(value), value)


def agrees_with_pyyaml(text: str) -> bool:
    """fastyaml is either unsure or gives exactly PyYAML's data (and PyYAML accepts it)."""
    data = fastyaml.load(text)
    if data is fastyaml.UNSURE:
        return True
    try:
        expected = reference(text)
    except yaml.YAMLError:
        return False  # fastyaml accepted a text PyYAML refuses
    return bool(typed(data) == typed(expected))


# Each is read differently by YAML 1.2 (yaml-rs) and PyYAML, or refused by PyYAML only.
DIVERGENT = [
    "a: yes\n", "a: On\n", "a: NO\n", "a: 017\n", "a: -017\n", "a: 0o17\n", "a: 1e3\n",
    "a: 1.5e3\n", "a: 12:30:00\n", "a: 190:20:30\n", "a: '2026-01-15'\n",
    'a: "2026-01-15"\n', "a: !foo x\n", "a: =\n", "a: x\x85y\n", "a: x\u2028y\n",
    "\ufeffa: b\n", "a: 1\n---\nb: 2\n", "a: 1\na: 2\n", "a: 2026-01-15T10:00:00Z\n",
    "yes: 1\n", "no: [1]\n", "a: [yes, 2]\n", "a: {b: off}\n", "? [a]\n: 1\n", "1: x\n",
    "a: 9999999999999999999999\n", "a: " + "[" * 300 + "]" * 300 + "\n", "",
]


def test_texts_yaml_1_2_reads_otherwise_are_left_to_libyaml():
    for text in DIVERGENT:
        assert fastyaml.load(text) is fastyaml.UNSURE, text
        assert agrees_with_pyyaml(text)
    for text in TRICKY:
        assert agrees_with_pyyaml(text), text


def test_a_panic_in_yaml_rs_leaves_the_text_to_libyaml(monkeypatch):  # type: ignore[no-untyped-def]
    class PanicException(BaseException):  # what PyO3 raises for a Rust panic
        pass

    def panic(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PanicException("thread panicked")

    monkeypatch.setattr(fastyaml.yaml_rs, "loads", panic)
    assert fastyaml.load("a: b\n") is fastyaml.UNSURE
    assert parse_yaml("a: b\n", "t.yaml") == ({"a": "b"}, [])


def test_without_yaml_rs_libyaml_reads_everything(monkeypatch):  # type: ignore[no-untyped-def]
    # yaml-rs is optional at run time (a platform without its wheel)
    monkeypatch.setattr(fastyaml, "yaml_rs", None)
    assert fastyaml.load("a: b\n") is fastyaml.UNSURE
    for text in TRICKY:
        data, issues = parse_yaml(text, "t.yaml")
        assert issues == [] and typed(data) == typed(reference(text)), text


def test_quoted_look_alikes_and_plain_texts_take_the_fast_path():
    for text in ["code: '9078'\nversion: 1.0.0\n", "a: 'yes'\nb: \"on\"\n",
                 "d: 2026-01-15\nn: [1, 2, -3]\nok: true\nnone: null\n",
                 "t: Attention ! Le « 1er » niveau, 3e étage.\nu: http://x/017\n"]:
        data = fastyaml.load(text)
        assert data is not fastyaml.UNSURE, text
        assert typed(data) == typed(reference(text))


def test_the_generated_sheets_take_the_fast_path(tmp_path):  # type: ignore[no-untyped-def]
    # A guard on the speed-up itself: bench/generate.py writes sheets like real ones.
    import subprocess
    import sys
    from pathlib import Path

    generate = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
    subprocess.run([sys.executable, str(generate), "--sheets", "20", "-o", str(tmp_path / "r")],
                   check=True, capture_output=True)
    sheets = sorted((tmp_path / "r" / "jobs").glob("*.yaml"))
    for sheet in sheets:
        text = sheet.read_text("utf-8")
        data = fastyaml.load(text)
        assert data is not fastyaml.UNSURE, sheet.name
        assert typed(data) == typed(reference(text))


TOKENS = [
    "yes", "no", "on", "Off", "true", "FALSE", "~", "null", "", "=", "0", "017", "-017", "0o17",
    "0x1F", "0b11", "1_000", "1e3", "1.5", "1.5e+3", ".inf", "-.Inf", ".nan", "12:30",
    "190:20:30.15", "2026-01-15", "2026-01-15 10:00:00", "2026-1-5", "1.0.0", "3341", "M1604",
    "texte", "l'été", "a b", "x # c", "-x", "a:b", "!x", "! x", "Attention !", "&a", "*a",
]


def _scalar(token: str, style: str) -> str:
    if style == "single":
        return "'" + token.replace("'", "''") + "'"
    if style == "double":
        return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return token


def scalar_texts(pool: list[str]):  # type: ignore[no-untyped-def]
    return st.builds(_scalar, st.sampled_from(pool),
                     st.sampled_from(["plain", "plain", "single", "double"]))


keys = st.sampled_from(["a", "b", "code", "yes", "on", "2026-01-15", "'no'", "1", "x y"])


@st.composite
def yaml_texts(draw):  # type: ignore[no-untyped-def]
    # A few tokens per text, so that one which sends the text to libyaml does not hide
    # what the others would do.
    scalars = scalar_texts(draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=2)))
    lines = []
    for key in draw(st.lists(keys, min_size=1, max_size=4, unique=True)):
        kind = draw(st.sampled_from(["scalar", "block", "flow"]))
        if kind == "scalar":
            lines.append(f"{key}: {draw(scalars)}")
        elif kind == "block":
            items = draw(st.lists(scalars, min_size=1, max_size=3))
            lines.append(f"{key}:\n" + "".join(f"- {item}\n" for item in items).rstrip("\n"))
        else:
            items = draw(st.lists(scalars, min_size=0, max_size=3))
            lines.append(f"{key}: [{', '.join(items)}]")
    return "\n".join(lines) + "\n"


@settings(max_examples=500)
@given(yaml_texts())
def test_generated_texts_read_by_yaml_rs_are_read_as_pyyaml_reads_them(text):
    assert agrees_with_pyyaml(text), text


@given(documents)
def test_dumped_documents_read_by_yaml_rs_are_read_as_pyyaml_reads_them(doc):
    assert agrees_with_pyyaml(yaml.dump(doc, Dumper=yaml.CSafeDumper, allow_unicode=True))


def test_read_text_reads_regular_files_and_pipes_whole_up_to_the_limit(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    # read_text sizes its read to the file (fstat); a pipe has no size and is read on.
    import os
    import threading

    from rome_export import sources

    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    exact = tmp_path / "exact.yaml"
    exact.write_text("a: " + "x" * 996 + "\n")  # 1,000 bytes: the limit itself
    assert sources.read_text(exact, "exact.yaml") == ("a: " + "x" * 996 + "\n", [])
    over = tmp_path / "over.yaml"
    over.write_text("a: " + "x" * 997 + "\n")
    assert [i.code for i in sources.read_text(over, "over.yaml")[1]] == ["file-too-large"]
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert sources.read_text(empty, "empty.yaml") == ("", [])
    for size, expected in ((600, []), (1500, ["file-too-large"])):
        pipe = tmp_path / f"pipe{size}"
        os.mkfifo(pipe)
        # the pipe's buffer (64 kB) takes it all: the writer never waits for the reader
        writer = threading.Thread(target=pipe.write_bytes, args=(b"#" * (size - 1) + b"\n",))
        writer.start()
        text, issues = sources.read_text(pipe, "pipe")
        writer.join(timeout=5)
        assert [i.code for i in issues] == expected
        assert (text is not None and len(text) == size) if not expected else text is None


def test_gc_tuned_restores_the_collector_and_freezes_nothing():  # type: ignore[no-untyped-def]
    import gc

    from rome_export.util import gc_tuned

    before = gc.get_threshold()
    with gc_tuned():
        assert gc.get_threshold() == (100_000, 50, 1000)
        kept = [[n] for n in range(200_000)]
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # what was made is in the oldest generation
    assert all(gc.is_tracked(item) for item in kept[:10])
