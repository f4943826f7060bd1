"""Read and write the YAML referential, keeping the line and column of every node.

A referential directory holds ``dataset.yaml``, ``competencies.yaml`` and
``jobs/<id>.yaml``. Files are read as bytes and checked before YAML sees them (size,
binary content, UTF-8), parsed with libyaml (``CSafeLoader``: fast, and safe), and
refused when they use aliases (so that "billion laughs" cannot blow up memory) or
repeat a key. Problems become located :class:`~rome_export.validation.report.Issue` s,
never exceptions: a validator reports every broken file, not just the first one.

Line numbers are found lazily: the node tree of a file is composed again only when one of
its issues needs a location, so valid files cost one parse.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from rome_export import fastyaml
from rome_export.errors import InvalidData, OperationalError, UsageError
from rome_export.model import (
    TEXT_PATTERN,
    Competency,
    CompetencyFile,
    Dataset,
    JobSheet,
    Referential,
)
from rome_export.util import atomic_write, gc_tuned
from rome_export.validation.report import Issue, Report, Severity, format_path

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger source files are refused: a job sheet is a few kB, and memory stays bounded."""

DATASET_FILE = "dataset.yaml"
COMPETENCIES_FILE = "competencies.yaml"
JOBS_DIR = "jobs"
YAML_SUFFIXES = (".yaml", ".yml")

KIND_MODELS: dict[str, type[BaseModel]] = {
    "dataset": Dataset,
    "competencies": CompetencyFile,
    "job": JobSheet,
}


# ------------------------------------------------------------------------ YAML reading


class _Refused(Exception):
    def __init__(self, code: str, message: str, mark: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.mark = code, message, mark


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader, refusing aliases and duplicate keys."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _Refused(
                "yaml-alias",
                "YAML anchors and aliases are not allowed in a referential (write the value out)",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(
                    "yaml-alias", "YAML merge keys ('<<') are not allowed", key_node.start_mark
                )
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise _Refused(
                    "yaml-syntax", "a mapping key must be a plain value", key_node.start_mark
                )
            if key in mapping:
                raise _Refused(
                    "duplicate-key",
                    f"key {key!r} appears twice in this mapping",
                    key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


def _issue(code: str, message: str, file: str, mark: Any = None, path: str | None = None) -> Issue:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return Issue(code, Severity.ERROR, message, file, line, column, path)


def read_text(path: Path, display: str) -> tuple[str | None, list[Issue]]:
    """The UTF-8 text of a source file, or the issues that keep it from being read.

    Raises :class:`OperationalError` when the file cannot be read at all.
    """
    try:
        with open(path, "rb") as stream:  # never more than the limit in memory
            # Sized to the file: read(16 MiB) allocates 16 MiB each time, which doubles the
            # cost of reading 10,000 sheets. A file that grows meanwhile is read on.
            limit = MAX_FILE_BYTES + 1
            size = os.fstat(stream.fileno()).st_size  # 0 for a pipe or a device
            data = stream.read(min(size + 1, limit))
            if size < len(data) < limit:
                data += stream.read(limit - len(data))
        if len(data) > MAX_FILE_BYTES:
            return None, [
                _issue(
                    "file-too-large",
                    f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes "
                    "(is it really a referential file?)",
                    display,
                )
            ]
    except IsADirectoryError as exc:
        raise UsageError(f"{display}: is a directory, not a file") from exc
    except OSError as exc:
        raise OperationalError(f"{display}: cannot read: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        offset = data.index(b"\x00")
        return None, [
            Issue(
                "binary-file",
                Severity.ERROR,
                "binary content (a NUL byte): not a YAML text file",
                display,
                data.count(b"\n", 0, offset) + 1,
                None,
            )
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Issue(
                "not-utf8",
                Severity.ERROR,
                f"byte 0x{data[exc.start]:02X} is not UTF-8 (save the file as "
                "UTF-8; latin-1 and Windows-1252 are not accepted)",
                display,
                line,
                column,
            )
        ]
    return text, []


class _Recheck(Exception):
    """The fast path met something unusual: the strict path will parse and report it."""


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_SAFE = yaml.constructor.SafeConstructor()
_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _SAFE.construct_yaml_bool,
    _INT: _SAFE.construct_yaml_int,
    "tag:yaml.org,2002:float": _SAFE.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _SAFE.construct_yaml_timestamp,
}


class _FastComposer(yaml.CSafeLoader):
    """libyaml's composer with PyYAML's implicit typing, made cheaper for job sheets.

    The resolver runs for each of the ~300 scalars of a sheet; most are texts or repeated
    keys. A text whose first character starts no implicit type is a string at once, and
    the tags of short values (keys, ids, levels) are remembered. Same tags as PyYAML's.
    """

    _cache: dict[str, str] = {}  # noqa: RUF012 - shared on purpose, bounded below

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # no path resolvers are registered on the safe loader

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return "tag:yaml.org,2002:seq" if kind is yaml.SequenceNode else "tag:yaml.org,2002:map"
        if not implicit[0]:
            return _STR
        tag = self._cache.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
            if len(value) <= 48 and len(self._cache) < 100_000:
                self._cache[value] = tag
        return tag


def _build(node: yaml.Node) -> Any:
    """Python data from a composed node tree, with PyYAML's safe semantics.

    PyYAML's own constructor spends 6× longer here (generators and bookkeeping for
    aliases and recursive structures, which the fast path cannot meet): at 10,000 sheets
    that is the largest part of ``validate``. Anything beyond plain scalars, sequences
    and mappings, and any duplicate key, goes to the strict path.
    """
    cls = node.__class__
    if cls is yaml.ScalarNode:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _INT and node.value.isdigit():
            return int(node.value)
        construct = _SCALARS.get(tag)
        if construct is None:
            raise _Recheck
        return construct(node)
    if cls is yaml.SequenceNode:
        return [_build(item) for item in node.value]
    if node.tag != "tag:yaml.org,2002:map":
        raise _Recheck
    try:
        mapping = {_build(key): _build(value) for key, value in node.value}
    except TypeError as exc:  # an unhashable key
        raise _Recheck from exc
    if len(mapping) != len(node.value):  # a duplicate key
        raise _Recheck
    return mapping


def parse_yaml(text: str, display: str) -> tuple[Any, list[Issue]]:
    """Parse one YAML document; aliases, duplicate keys and syntax errors become issues.

    Most sheets are read by :func:`rome_export.fastyaml.load` (a Rust parser, held to
    PyYAML's semantics); the rest, if they cannot hold an alias or a merge key, by a fast
    path (libyaml's composer and :func:`_build`); anything wrong or unusual is parsed
    again by the strict :class:`_Loader`, which locates and names the problem.
    """
    data = fastyaml.load(text)
    if data is not fastyaml.UNSURE:
        return data, []
    if "&" not in text and "*" not in text and "<<" not in text:
        loader = _FastComposer(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                return _build(node), []
        except (_Recheck, yaml.YAMLError, RecursionError):
            pass
        finally:
            loader.dispose()
    return _parse_yaml(text, display, _Loader)


def _parse_yaml(
    text: str, display: str, loader_class: type[yaml.CSafeLoader]
) -> tuple[Any, list[Issue]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Issue("empty-file", Severity.ERROR, "file is empty", display, 1, 1)]
        return loader.construct_document(node), []
    except _Refused as exc:
        return None, [_issue(exc.code, exc.message, display, exc.mark)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        return None, [_issue("yaml-syntax", f"YAML syntax error: {reason}", display, mark)]
    except yaml.YAMLError as exc:
        return None, [_issue("yaml-syntax", f"YAML syntax error: {exc}", display)]
    except RecursionError:
        return None, [_issue("yaml-too-deep", "YAML nesting is too deep", display)]
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------- locating


class Locator:
    """Finds the line and column of a field path in a YAML file, composing it on demand."""

    def __init__(self) -> None:
        self._roots: dict[Path, yaml.Node | None] = {}

    def _root(self, path: Path) -> yaml.Node | None:
        if path not in self._roots:
            try:
                self._roots[path] = yaml.compose(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
            except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
                self._roots[path] = None
        return self._roots[path]

    def locate(
        self, path: Path, parts: Sequence[str | int], *, key: bool = False
    ) -> tuple[int, int] | None:
        """The (line, column) of the node at ``parts``, or of its deepest existing parent.

        With ``key=True`` the position of the mapping key is given instead of its value
        (for an unknown field, the key is what is wrong).
        """
        node = self._root(path)
        if node is None:
            return None
        mark = node.start_mark
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == str(part):
                        mark = key_node.start_mark if (last and key) else value_node.start_mark
                        node = value_node
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    break
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return mark.line + 1, mark.column + 1


def _pydantic_issues(
    exc: ValidationError, display: str, prefix: Sequence[str | int] = ()
) -> list[tuple[Issue, tuple[str | int, ...], bool]]:
    """Turn pydantic's errors into issues (located later): (issue, path parts, at-key)."""
    out = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if p != "[key]"]
        at_key = err["type"] == "extra_forbidden" or "[key]" in err["loc"]
        # pydantic adds the union member or validator name to the path: drop non-fields.
        parts = tuple(
            p for p in loc if isinstance(p, int) or (not p[:1].isupper() and "[" not in p)
        )
        full = (*prefix, *parts)
        code, message = _describe(err, parts)
        out.append(
            (
                Issue(
                    code, Severity.ERROR, message, display, None, None, format_path(full) or None
                ),
                full,
                at_key,
            )
        )
    return out


def _describe(err: Any, parts: Sequence[str | int]) -> tuple[str, str]:
    kind: str = err["type"]
    name = str(parts[-1]) if parts else "document"
    given = err.get("input")
    if kind == "extra_forbidden":
        from rome_export.validation.suggest import closest_field

        hint = closest_field(parts, name)
        extra = f"; did you mean '{hint}'?" if hint else ""
        return "unknown-field", f"unknown field '{name}'{extra}"
    if kind == "missing":
        return "missing-field", f"required field '{name}' is missing"
    if kind == "string_pattern_mismatch" and err["ctx"]["pattern"] == TEXT_PATTERN:
        bad = next(
            (c for c in str(given) if c not in "\t\n\r" and (ord(c) < 32 or c in "\ufffe\uffff")),
            "?",
        )
        return "bad-format", (
            f"{name}: the text contains the control character "
            f"U+{ord(bad):04X}, which XML cannot carry (remove it)"
        )
    if kind == "string_pattern_mismatch":
        return (
            "bad-format",
            f"'{given}' is not a valid {_what(parts)} (expected pattern {err['ctx']['pattern']})",
        )
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        return "out-of-range", f"{name} = {given!r}: {err['msg'].lower()}"
    if kind.endswith("_type") or kind in ("literal_error", "enum"):
        shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
        hint = ""
        if kind == "string_type" and isinstance(given, bool | int | float | dt.date):
            hint = "; YAML reads it as a number, date or yes/no boolean: put it in quotes"
        return "wrong-type", f"{name}: {err['msg'].lower()} (got {shown}){hint}"
    if kind == "value_error":
        return "invalid-value", str(err["msg"]).removeprefix("Value error, ")
    return "invalid-value", f"{name}: {err['msg']}"


def _what(parts: Sequence[str | int]) -> str:
    names = [p for p in parts if isinstance(p, str)]
    last = names[-1] if names else ""
    parent = names[-2] if len(names) > 1 else ""
    if parent == "rome" and last == "code":
        return "ROME code"
    if parent == "isco" and last == "code":
        return "ISCO-08 code (4 digits, as a quoted string)"
    if parent == "esco" and last == "iri":
        return "ESCO occupation IRI"
    if last in ("id", "competency", "target"):
        return "id (lowercase ASCII slug such as 'office-manager')"
    return last or "value"


# ------------------------------------------------------------------------------ loading


@dataclass
class Loaded:
    """What a set of source files yielded: the valid parts, where they came from, the issues."""

    root: Path | None
    dataset: Dataset | None = None
    competencies: list[Competency] = field(default_factory=list)
    competency_positions: list[int] = field(default_factory=list)  # index in the file's list
    jobs: list[JobSheet] = field(default_factory=list)
    dataset_file: str | None = None
    competencies_file: str | None = None
    job_sources: list[str] = field(default_factory=list)  # display name of each of jobs
    partial_jobs: set[int] = field(default_factory=set)  # jobs salvaged from schema errors
    paths: dict[str, Path] = field(default_factory=dict)  # display name -> file on disk
    report: Report = field(default_factory=Report)
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Products made once per run and shared by later checks (the layer-4 export store)."""

    def referential(self) -> Referential:
        """The referential, or :class:`InvalidData` when there are errors."""
        if not self.report.ok or self.dataset is None:
            n = len(self.report.errors)
            if self.dataset is None and not n:
                raise InvalidData(f"no {DATASET_FILE} found", self.report)
            raise InvalidData(
                f"the referential has {n} error(s)",
                self.report,
                hint="run 'rome-export validate' on it to see them",
            )
        return Referential.model_construct(
            dataset=self.dataset,
            competencies=sorted(self.competencies, key=lambda c: c.id),
            jobs=sorted(self.jobs, key=lambda j: j.id),
        )


def classify(path: Path) -> str:
    """The kind of a source file from its name: dataset, competencies or job."""
    if path.name in (DATASET_FILE, "dataset.yml"):
        return "dataset"
    if path.name in (COMPETENCIES_FILE, "competencies.yml"):
        return "competencies"
    return "job"


def discover(root: Path) -> list[Path]:
    """The source files of a referential directory, in a fixed order."""
    files = [root / n for n in (DATASET_FILE, COMPETENCIES_FILE) if (root / n).is_file()]
    jobs = root / JOBS_DIR
    if jobs.is_dir():
        with os.scandir(jobs) as entries:  # scandir knows the file types: no stat per file
            names = sorted(e.name for e in entries
                           if e.name.endswith(YAML_SUFFIXES) and e.is_file())
        files += [jobs / name for name in names]
    return files


def load_files(paths: Iterable[Path], root: Path | None = None) -> Loaded:
    """Read, parse and validate source files against the model (layer 1 of validation)."""
    loaded = Loaded(root=root)
    locator = Locator()
    pending: list[tuple[Issue, tuple[str | int, ...], bool, Path]] = []
    cwd = os.path.join(os.path.abspath(os.getcwd()), "")
    with gc_tuned():
        for path in paths:
            display = _display(path, cwd)
            loaded.paths[display] = path
            loaded.report.files_checked += 1
            text, issues = read_text(path, display)
            if text is not None:
                data, issues = parse_yaml(text, display)
                if not issues:
                    issues = _validate_document(
                        loaded, classify(path), data, display, path, pending
                    )
            loaded.report.extend(issues)
    for issue, parts, at_key, path in pending:
        where = locator.locate(path, parts, key=at_key)
        loaded.report.add(issue.located(*where) if where else issue)
    return loaded


def _validate_document(
    loaded: Loaded,
    kind: str,
    data: Any,
    display: str,
    path: Path,
    pending: list[tuple[Issue, tuple[str | int, ...], bool, Path]],
) -> list[Issue]:
    if not isinstance(data, dict):
        return [
            Issue(
                "not-a-mapping",
                Severity.ERROR,
                f"expected a mapping of fields at the top of the file, found {type(data).__name__}",
                display,
                1,
                1,
            )
        ]
    model = KIND_MODELS[kind]
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        pending.extend((i, p, k, path) for i, p, k in _pydantic_issues(exc, display))
        if kind == "competencies":  # keep the valid competencies for the later layers
            _salvage_competencies(loaded, data, display)
        elif kind == "job":
            salvaged = _salvage_job(data, exc)
            if salvaged is not None:  # layer 2 still runs on it; layer 3 does not
                loaded.jobs.append(salvaged)
                loaded.job_sources.append(display)
                loaded.partial_jobs.add(len(loaded.jobs) - 1)
        return []
    if isinstance(obj, Dataset):
        loaded.dataset, loaded.dataset_file = obj, display
    elif isinstance(obj, CompetencyFile):
        loaded.competencies, loaded.competencies_file = list(obj.competencies), display
        loaded.competency_positions = list(range(len(obj.competencies)))
    elif isinstance(obj, JobSheet):
        loaded.jobs.append(obj)
        loaded.job_sources.append(display)
    return []


def _salvage_job(data: dict[str, Any], exc: ValidationError) -> JobSheet | None:
    """The sheet with its broken optional leaves set to null and unknown keys dropped, so
    that one run reports its integrity errors too; ``None`` when that is not enough.

    List positions are kept, so that later issues point at the right items.
    """
    import copy

    fixed = copy.deepcopy(data)
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if isinstance(p, int) or ("[" not in p and p[:1].islower())]
        parent: Any = fixed
        for part in loc[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                return None
        if not loc or not isinstance(parent, dict) or loc[-1] not in parent:
            return None
        if err["type"] == "extra_forbidden":
            del parent[loc[-1]]
        else:
            parent[loc[-1]] = None
    try:
        return JobSheet.model_validate(fixed)
    except ValidationError:
        return None


def _salvage_competencies(loaded: Loaded, data: dict[str, Any], display: str) -> None:
    items = data.get("competencies")
    if not isinstance(items, list):
        return
    good, positions = [], []
    for pos, item in enumerate(items):
        try:
            good.append(Competency.model_validate(item))
        except ValidationError:
            continue
        positions.append(pos)
    loaded.competencies, loaded.competencies_file = good, display
    loaded.competency_positions = positions


def _display(path: Path, cwd: str) -> str:
    """How a file is named in reports: relative to the working directory when it is below
    it (what CI annotations need), else as given."""
    absolute = os.path.abspath(path)  # no syscall per file, unlike Path.resolve()
    if absolute.startswith(cwd):
        return Path(absolute[len(cwd) :]).as_posix()
    return path.as_posix()


def load_dir(root: Path) -> Loaded:
    """Load a referential directory (layer 1 only)."""
    if not root.exists():
        raise UsageError(f"{root}: no such directory")
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory (give the referential's folder)")
    files = discover(root)
    if not files:
        raise UsageError(
            f"{root}: no {DATASET_FILE}, {COMPETENCIES_FILE} or {JOBS_DIR}/*.yaml here"
        )
    return load_files(files, root)


def load(path: str | os.PathLike[str]) -> Referential:
    """Load and fully validate a referential directory; raise :class:`InvalidData` if invalid.

    Warnings (content checks) do not stop loading; errors of any layer do.
    """
    from rome_export.validation import validate_loaded

    loaded = load_dir(Path(path))
    validate_loaded(loaded)
    return loaded.referential()


# ------------------------------------------------------------------------------ writing


class _Dumper(yaml.CSafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the loader refuses aliases: an object used twice is written twice


def _represent_str(dumper: _Dumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)

KEEP_NULL = {"expected_level", "direction", "proximity"}
"""Unknown is meaningful for these: they are written as ``null`` rather than left out."""


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _prune(v)
            if v is None and k not in KEEP_NULL:
                continue
            if v in ([], {}) and k not in ("levels",):
                continue
            out[k] = v
        return out
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def dump_yaml(data: Any, schema: str | None = None) -> str:
    """Canonical YAML text: block style, UTF-8, no line folding, a final newline."""
    body: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
    )
    head = f"# yaml-language-server: $schema={schema}\n" if schema else ""
    return head + body


def dump_job(job: JobSheet, schema: str | None = None) -> str:
    return dump_yaml(_prune(job.model_dump()), schema)


def dump_competencies(competencies: Iterable[Competency], schema: str | None = None) -> str:
    items = [_prune(c.model_dump()) for c in sorted(competencies, key=lambda c: c.id)]
    return dump_yaml({"competencies": items}, schema)


def dump_dataset(dataset: Dataset, schema: str | None = None) -> str:
    return dump_yaml(_prune(dataset.model_dump()), schema)


def write_referential(
    ref: Referential, out_dir: str | os.PathLike[str], *, schemas: str | None = None
) -> list[Path]:
    """Write a referential as YAML files; return the paths written.

    A new or empty ``out_dir`` is written all at once (nothing of it exists if this
    fails); into a folder that already holds files, each file is replaced atomically.

    Every text is produced before the first file is touched, so a failure while
    serialising leaves the directory as it was. ``schemas`` is the folder (URL or relative
    path from ``out_dir``) holding the JSON Schemas, for the editor modeline.
    """
    root = Path(out_dir)

    def ref_for(name: str, depth: int) -> str | None:
        return f"{'../' * depth}{schemas}/{name}" if schemas else None

    texts: dict[Path, str] = {
        root / DATASET_FILE: dump_dataset(ref.dataset, ref_for("dataset.schema.json", 0)),
        root / COMPETENCIES_FILE: dump_competencies(
            ref.competencies, ref_for("competencies.schema.json", 0)
        ),
    }
    for job in ref.jobs:
        texts[root / JOBS_DIR / f"{job.id}.yaml"] = dump_job(
            job, ref_for("jobsheet.schema.json", 1)
        )
    if not root.exists() or (root.is_dir() and not any(root.iterdir())):
        _write_new_folder(root, texts)
        return list(texts)
    for path, text in texts.items():
        with atomic_write(path, fsync=len(texts) < 100) as stream:
            stream.write(text.encode("utf-8"))
    return list(texts)


def _write_new_folder(root: Path, texts: dict[Path, str]) -> None:
    """Write a new (or empty) referential folder all at once: every file into a temporary
    sibling, then one rename. An interrupted or failed import (1,584 sheets for ROME)
    leaves no folder half-written, which would look like a complete referential."""
    import shutil
    import tempfile

    from rome_export.util import default_mode

    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    except OSError as exc:
        raise OperationalError(f"cannot write {root}: {exc.strerror or exc}") from exc
    try:
        tmp.chmod(default_mode(directory=True))  # mkdtemp's is private (0o700)
        for path, text in texts.items():
            target = tmp / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        if root.exists():
            root.rmdir()  # the empty folder given as the target
        tmp.rename(root)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OperationalError(f"cannot write {root}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
