"""The fastest way to read a job sheet: a Rust YAML parser, held to PyYAML's semantics.

``yaml-rs`` parses a sheet four times faster than libyaml's composer called from Python
(at 10,000 sheets: 0.8 s against 3.4 s, the largest part of ``validate``). But it follows
YAML 1.2, and ``rome-export`` reads YAML as PyYAML does (YAML 1.1: ``yes`` is a boolean,
``017`` is octal, ``1e3`` is a string…), so that a sheet means the same on every path.
:func:`load` returns yaml-rs's data only when it can show that PyYAML would give the same,
and :data:`UNSURE` otherwise: the caller then parses with libyaml, which also locates any
error. Being unsure only costs time, so every test below errs that way:

1. Before parsing, text where the two may differ, or that PyYAML refuses, is left to
   libyaml: anchors, aliases and merge keys (refused anyway), tags, directives and document
   markers, characters PyYAML does not accept or reads as line breaks (NEL, U+2028/9, a
   BOM, controls), and numbers with a leading zero or ``0o`` (octal in YAML 1.1 only).
2. After parsing, the data is dumped to JSON by orjson (in C) and:

   - any float is unsure (YAML 1.1 wants a dot: ``1e3`` is a string there), as is any
     key that is not a string, any time or datetime, and nesting deeper than orjson's 254;
   - any string that PyYAML's resolver would type if it were plain (``yes``, ``on``,
     ``12:30``, ``2026-01-15``, numbers…) must never appear plain in the text: each of
     its occurrences must be quoted (a plain scalar's value is its text, delimited by
     spaces or flow indicators);
   - any date must appear plain in the text and never quoted (yaml-rs types quoted
     dates too; PyYAML does not).
3. An empty document (``None``), duplicate keys, multiple documents and anything yaml-rs
   refuses are unsure: libyaml names the problem.

``tests/test_yaml_loading.py`` checks this module against ``yaml.load`` on tricky
documents and on generated ones (Hypothesis), in both directions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import orjson

try:
    import yaml_rs
except ImportError:  # pragma: no cover - a platform without a wheel: libyaml does it all
    yaml_rs = None  # type: ignore[assignment]

UNSURE: Any = object()
"""What :func:`load` returns when the caller must parse the text with libyaml."""

_SPECIAL = re.compile(  # controls, NEL, line and paragraph separators, BOM, non-characters
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_TAG = re.compile(r"![^\s]")  # a tag (a French " !" is followed by a space or the end)
_MARKERS = ("%", "---", "...")  # a directive, a document marker, at the start of a line
_LINE_MARKERS = tuple("\n" + marker for marker in _MARKERS)
# A number starting with 0 (017 is 15 in YAML 1.1, 17 in 1.2; 0o17 is a string in 1.1), not
# inside a word, a date (2026-01-15) or an IRI. Each pattern starts with a literal.
_LEADING_ZERO = tuple(re.compile(p) for p in (
    r"0(?<![\w./+-]0)[0-9oO_]", r"-0(?<![\w./+-]-0)[0-9oO_]", r"\+0(?<![\w./+-]\+0)[0-9oO_]"))


def _unusual(text: str) -> bool:
    """Text that yaml-rs and PyYAML may read differently, or that PyYAML refuses."""
    return bool(
        "&" in text or "*" in text or "<<" in text  # anchors, aliases, merge keys
        or ("!" in text and _TAG.search(text))
        or text.startswith(_MARKERS) or any(marker in text for marker in _LINE_MARKERS)
        or any(pattern.search(text) for pattern in _LEADING_ZERO)
        or _SPECIAL.search(text))


# In orjson's compact JSON: the words PyYAML types (bool, null, value and merge keys) as
# whole strings, strings that start like a number or a timestamp, and numbers with a
# fraction or an exponent (floats). Each pattern starts with a literal, which ``re``
# finds fast.
_WORDS = re.compile(
    rb'"(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF'
    rb'|~|null|Null|NULL|=|<<)"')
_NUMBER_LIKE = re.compile(rb'"([-+.]?[0-9][^"\\]{0,40})"')
_FLOATS = tuple(re.compile(prefix + rb"-?[0-9]+[.eE]") for prefix in (rb":", rb",", rb"\["))
_TYPED: dict[str, bool] = {}  # PyYAML's verdict on a short text, remembered


def load(text: str) -> Any:
    """The data of one YAML document as PyYAML's safe loader gives it, or :data:`UNSURE`."""
    if yaml_rs is None or _unusual(text):
        return UNSURE
    try:
        data = yaml_rs.loads(text, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a syntax error, a duplicate key… (or a Rust panic, which PyO3
        return UNSURE      # raises as a BaseException): libyaml will say what and where
    if data is None:
        return UNSURE
    dates: list[dt.date] = []

    def plain_date(value: Any) -> None:
        if type(value) is not dt.date:
            raise TypeError  # a time or datetime
        dates.append(value)

    try:
        dumped = orjson.dumps(data, default=plain_date, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:  # orjson.JSONEncodeError: a key not a string, too deep, a datetime…
        return UNSURE
    if any(pattern.search(dumped) for pattern in _FLOATS):
        return UNSURE
    for found in _WORDS.finditer(dumped):
        if _appears_plain(text, found.group(1).decode()):
            return UNSURE
    for found in _NUMBER_LIKE.finditer(dumped):
        value = found.group(1).decode()
        if _typed_by_pyyaml(value) and _appears_plain(text, value):
            return UNSURE
    for date in dates:
        iso = date.isoformat()
        if f"'{iso}'" in text or f'"{iso}"' in text or not _appears_plain(text, iso):
            return UNSURE
    return data


def _typed_by_pyyaml(value: str) -> bool:
    """Whether PyYAML gives a plain scalar of this text a tag other than ``str``."""
    typed = _TYPED.get(value)
    if typed is None:
        import yaml

        resolver = yaml.resolver.Resolver()
        tag = resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        typed = tag != "tag:yaml.org,2002:str"
        if len(_TYPED) < 10_000:
            _TYPED[value] = typed
    return typed


def _appears_plain(text: str, value: str) -> bool:
    """Whether ``value`` occurs in ``text`` other than inside quotes or a longer word."""
    start = text.find(value)
    while start >= 0:
        end = start + len(value)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "_'\"" or after.isalnum() or after in "_'\""):
            return True
        start = text.find(value, start + 1)
    return False
