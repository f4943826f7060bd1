"""The fast YAML path gives exactly PyYAML's safe semantics; the strict path locates problems."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

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
