"""``build``: a referential directory → a release bundle, in one deterministic, atomic step.

1. Validate (layers 1-3 of :mod:`rome_export.validation`). Any error — or any warning with
   ``strict`` — raises :class:`~rome_export.errors.InvalidData` before anything is written.
2. Write every file into a temporary directory *beside* ``dist`` (same file system): each
   format of :data:`~rome_export.serialisers.FORMATS`, one JSON-LD file per job, the CSV
   tables and ``datapackage.json``, copies of the vocabulary, shapes, JSON-LD context and
   JSON Schemas, the validation report, the DCAT catalogue and ``SHA256SUMS``. Every file goes
   through a :class:`HashingWriter`, so sizes and SHA-256 digests are known without reading
   anything back.
3. Swap: the old ``dist`` is renamed aside, the new one renamed in, the old one deleted. On
   any failure before the swap the temporary directory is removed and ``dist`` is untouched.

Output is byte-identical across runs: sorted walks, dates from ``dataset.yaml`` or ``date``
(never the clock), JSON with sorted keys.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from rome_export.errors import InvalidData, OperationalError, UsageError

if TYPE_CHECKING:
    from rome_export.model import Referential
    from rome_export.validation.report import Report

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as the build advances (for a progress bar)."""

REFERENTIAL_STEM = "referential"
JOBS_DIR = "jobs"
REPORT_FILE = "validation-report.json"
DATAPACKAGE_FILE = "datapackage.json"
CATALOGUE_STEM = "catalogue"
SUMS_FILE = "SHA256SUMS"
RESOURCE_DIRS = ("ontology", "schemas")
_RESOURCE_SUFFIXES = (".ttl", ".json", ".jsonld")
FRICTIONLESS_PACKAGE = "https://specs.frictionlessdata.io/tabular-data-package/"
FRICTIONLESS_TABLE = "https://specs.frictionlessdata.io/tabular-data-resource/"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
SHACL = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True, slots=True)
class FileRecord:
    path: str  # relative to the bundle root, "/"-separated
    size: int
    sha256: str
    conforms_to: str | None = None


@dataclass
class BuildSummary:
    """What a build wrote: the files (with sizes and digests) and what they hold."""

    dist: Path
    files: list[FileRecord] = field(default_factory=list)
    triples: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    jobs: int = 0
    report: Report | None = None  # the validation report (warnings only: errors stop a build)

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)


class HashingWriter(io.RawIOBase):
    """A write-only binary stream that hashes and counts what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self._sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self._sha.update(view)
        self._raw.write(view)
        self.size += view.nbytes
        return view.nbytes

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


class _Bundle:
    """The temporary bundle directory being written; records every file it writes."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.files: list[FileRecord] = []
        self._dirs: set[str] = {""}  # made already: 10,000 job files share one folder

    @contextlib.contextmanager
    def open(self, rel: str, conforms_to: str | None = None) -> Iterator[BinaryIO]:
        folder = rel.rpartition("/")[0]
        if folder not in self._dirs:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            self._dirs.add(folder)
        with open(os.path.join(self.root, rel), "wb") as raw:  # buffered, under the hasher
            writer = HashingWriter(raw)
            yield cast(BinaryIO, writer)
        self.files.append(FileRecord(rel, writer.size, writer.hexdigest(), conforms_to))

    def path_of(self, rel: str) -> str:
        """Where a file written with :meth:`open` is (complete once its block has ended)."""
        return os.path.join(self.root, rel)

    def write_bytes(self, rel: str, data: bytes, conforms_to: str | None = None) -> None:
        """One small file in one system call: Python's ``open()`` costs five times
        ``os.open`` per file here, which adds up over 10,000 per-job documents."""
        folder = rel.rpartition("/")[0]
        if folder not in self._dirs:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            self._dirs.add(folder)
        fd = os.open(os.path.join(self.root, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        digest = hashlib.sha256(data).hexdigest()
        self.files.append(FileRecord(rel, len(data), digest, conforms_to))


# ----------------------------------------------------------------------- validation


def check(data_dir: str | os.PathLike[str], *, strict: bool = False) -> tuple[Referential, Report]:
    """Validate ``data_dir``; return the referential and the report (warnings only).

    Raises :class:`InvalidData` (with the report) on any error, or any warning if ``strict``.
    """
    from rome_export.sources import load_dir
    from rome_export.validation import validate_loaded
    from rome_export.validation.report import Issue, Severity

    loaded = load_dir(Path(data_dir))
    report = validate_loaded(loaded)
    if strict:
        report = report.strict()
    if loaded.dataset is None and loaded.dataset_file is None:
        # as `validate` reports it, so that the report printed does not end with "valid"
        report.add(Issue("missing-dataset", Severity.ERROR,
                         "no dataset.yaml in this referential", Path(data_dir).as_posix()))
    if report.errors:
        n = len(report.errors)
        raise InvalidData(f"the referential has {n} error{'s' * (n != 1)}; nothing was built",
                          report, hint="fix them (rome-export validate shows them too)")
    return loaded.referential(), report


# ----------------------------------------------------------------------- writing


def _json_bytes(doc: Any) -> bytes:
    import orjson

    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _resource_files(folder: str) -> list[tuple[str, bytes]]:
    """The vocabulary, shapes, context and schemas shipped with the package."""
    from importlib import resources

    try:
        root: Any = resources.files(f"rome_export.{folder}")
    except ModuleNotFoundError:  # a checkout run with PYTHONPATH=src: the repository's copy
        root = Path(__file__).resolve().parents[2] / folder
    if not root.is_dir():
        return []
    return sorted((f"{folder}/{entry.name}", entry.read_bytes()) for entry in root.iterdir()
                  if entry.is_file() and entry.name.endswith(_RESOURCE_SUFFIXES))


def _conformance(rel: str) -> str | None:
    if rel == DATAPACKAGE_FILE:
        return FRICTIONLESS_PACKAGE
    if rel.endswith(".csv"):
        return FRICTIONLESS_TABLE
    if rel.endswith(".schema.json"):
        return JSON_SCHEMA
    if rel.startswith("ontology/") and "shape" in rel:
        return SHACL
    return None


def _write_bundle(bundle: _Bundle, ref: Referential, report: Report, *, base: str,
                  download_base: str | None, date: dt.date | None,
                  progress: Progress | None, summary: BuildSummary) -> None:
    from rome_export.serialisers import FORMATS, datapackage, dcat
    from rome_export.serialisers import csv as csvser
    from rome_export.util import gc_tuned
    from rome_export.validation.formats import to_json

    def step(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    # GC thresholds raised for the whole write: with millions of live objects every
    # full collection costs a scan of all of them (PERFORMANCE.md).
    with gc_tuned():
        # 1. the whole referential in every registered format
        # N-Triples first, from one walk of the model; the other RDF writers parse it
        # back (streaming, in Rust) instead of walking the model again: one walk costs
        # ~3 s at 10,000 sheets, and holding the triples in memory ~1 GB.
        # N-Quads is N-Triples plus the graph; TriG is the Turtle inside a graph block
        first = {"nt": 0, "nq": 1, "ttl": 2}
        formats = sorted(FORMATS.values(), key=lambda f: first.get(f.name, 3))
        # JSON-LD documents name the context by the URL the bundle's own copy will have:
        # the w3id address of the package's context is not registered, this one will be
        # served with the release.
        from rome_export.iris import default_download_base

        files_at = download_base or default_download_base(base, ref.dataset.version)
        context_url = f"{files_at}schemas/context.jsonld"
        options: dict[str, object] = {"context_url": context_url}
        for n, fmt in enumerate(formats):
            step(f"{fmt.description}", n, len(formats))
            name = f"{REFERENTIAL_STEM}{fmt.extension}"
            with bundle.open(name) as out:
                count = fmt.writer()(ref, out, base=base, options=options)
            if fmt.name in ("nt", "nq", "ttl"):
                key = {"nt": "ntriples", "nq": "nquads", "ttl": "turtle"}[fmt.name]
                options[key] = bundle.path_of(name)
            if fmt.name == "nt":
                summary.triples = count
                options["statements"] = count
        # 2. one JSON-LD document per job, by the JSON-LD module of the registry
        import importlib

        jsonld = importlib.import_module(FORMATS["jsonld"].writer_path.partition(":")[0])
        write_job_jsonld = jsonld.write_job_jsonld
        total = len(ref.jobs)
        for n, job in enumerate(ref.jobs):
            if n % 500 == 0:
                step("JSON-LD per job", n, total)
            buffer = io.BytesIO()
            write_job_jsonld(ref, job, buffer, base=base, options={"context_url": context_url})
            bundle.write_bytes(f"{JOBS_DIR}/{job.id}.jsonld", buffer.getvalue())
        # 3. CSV tables, then their data package (with their sizes and digests)
        step("CSV tables", 0, 1)
        tables = csvser.to_rows(ref, base=base)
        for name, table in tables.items():
            with bundle.open(datapackage.table_path(name), FRICTIONLESS_TABLE) as out:
                summary.rows[name] = csvser.write_table(table, out)
        csv_files = {f.path: (f.size, f.sha256) for f in bundle.files if f.path.endswith(".csv")}
        bundle.write_bytes(DATAPACKAGE_FILE,
                           _json_bytes(datapackage.descriptor(ref, files=csv_files)),
                           FRICTIONLESS_PACKAGE)
        # 4. vocabulary, shapes, context, JSON Schemas; the validation report
        step("resources", 0, 1)
        for folder in RESOURCE_DIRS:
            for rel, data in _resource_files(folder):
                bundle.write_bytes(rel, data, _conformance(rel))
        bundle.write_bytes(REPORT_FILE, to_json(report).encode("utf-8"))
        # 5. the catalogue of every file so far, then the checksums of everything
        step("DCAT catalogue", 0, 1)
        entries = [dcat.FileEntry(f.path, f.size, f.sha256, conforms_to=f.conforms_to)
                   for f in bundle.files]
        statements = dcat.catalogue(ref.dataset, entries, base=base,
                                    download_base=download_base, modified=date)
        with bundle.open(f"{CATALOGUE_STEM}.ttl") as out:
            dcat.write_turtle(statements, out)
        with bundle.open(f"{CATALOGUE_STEM}.jsonld") as out:
            dcat.write_jsonld(statements, out)
        sums = "".join(f"{f.sha256}  {f.path}\n"
                       for f in sorted(bundle.files, key=lambda f: f.path))
        bundle.write_bytes(SUMS_FILE, sums.encode("ascii"))


# ----------------------------------------------------------------------- the swap


def _looks_like_bundle(path: Path) -> bool:
    """Only an empty directory or a previous bundle may be replaced, never anything else."""
    if not path.exists():
        return True
    if not path.is_dir():
        return False
    return (path / SUMS_FILE).is_file() or not any(path.iterdir())


def _swap(tmp: Path, dist: Path) -> None:
    """Put ``tmp`` in place of ``dist``; if that fails, ``dist`` is as it was."""
    if not dist.exists():
        os.rename(tmp, dist)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{dist.name}.old-", dir=dist.parent))
    os.rmdir(old)  # a free name on the same file system
    os.rename(dist, old)
    try:
        os.rename(tmp, dist)
    except BaseException:
        os.rename(old, dist)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _operational(exc: OSError, dist: Path) -> OperationalError:
    kept = "; the previous bundle was left as it was" if dist.exists() else ""
    if exc.errno == errno.ENOSPC:
        return OperationalError(f"{dist}: no space left on the device{kept}",
                                hint="free some space and build again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OperationalError(f"{dist}: cannot write there ({exc.strerror}){kept}",
                                hint="choose another -o directory or fix its permissions")
    if exc.errno in (errno.EEXIST, errno.ENOTDIR, errno.ENOENT) and not dist.is_dir():
        # a folder above DIST is a file, or cannot hold folders (/proc): the temporary
        # folder's name in the message would only confuse
        reason = ("a part of its path is a file, not a directory"
                  if exc.errno != errno.ENOENT else exc.strerror)
        return OperationalError(f"{dist}: cannot create it ({reason})",
                                hint="choose another -o directory")
    where = exc.filename or dist
    return OperationalError(f"{where}: {exc.strerror or exc}{kept}")


def build(data_dir: str | os.PathLike[str], dist: str | os.PathLike[str], *,
          base: str | None = None, download_base: str | None = None,
          date: dt.date | None = None, strict: bool = False,
          progress: Progress | None = None) -> BuildSummary:
    """Validate ``data_dir`` and write its release bundle to ``dist`` atomically.

    ``base`` overrides the base IRI of ``dataset.yaml``; ``download_base`` is the URL the
    files will be served from (default ``{base}release/{version}/``); ``date`` is the
    release's ``dct:modified`` (default: ``modified`` of ``dataset.yaml``, else ``issued``).
    Raises InvalidData (nothing written), UsageError, or OperationalError (``dist`` intact).
    """
    if progress is not None:
        progress("validating", 0, 1)
    ref, report = check(data_dir, strict=strict)
    if progress is not None:
        progress("validating", 1, 1)
    dist = Path(dist).absolute()
    if not _looks_like_bundle(dist):
        raise UsageError(f"{dist} exists and is not a rome-export bundle (no {SUMS_FILE}); "
                         "refusing to replace it", hint="give an empty or new -o directory")
    base = base or ref.dataset.base_iri
    if date is not None and date != ref.dataset.modified:
        # The catalogue says the dataset was modified on the release date; the referential
        # describes the same node ({base}dataset), so it must say the same date, or the two
        # graphs merged (a triple store, a harvester) give the dataset two dct:modified.
        ref = ref.model_copy(update={"dataset": ref.dataset.model_copy(
            update={"modified": date})})
    if download_base is not None and ("#" in download_base or "?" in download_base):
        raise UsageError(f"--download-base {download_base!r}: give the URL of a folder, "
                         "without '#' or '?' (the catalogue adds #distribution and #checksum "
                         "to each file's URL)")
    if download_base is not None and not download_base.endswith("/"):
        download_base += "/"
    summary = BuildSummary(dist=dist, warnings=len(report.warnings), jobs=len(ref.jobs),
                           report=report)
    tmp: Path | None = None
    try:
        dist.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dist.name}.tmp-", dir=dist.parent))
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a bundle is public
        bundle = _Bundle(tmp)
        _write_bundle(bundle, ref, _portable(report, Path(data_dir)), base=base,
                      download_base=download_base,
                      date=date, progress=progress, summary=summary)
        _swap(tmp, dist)
        tmp = None
    except OSError as exc:
        raise _operational(exc, dist) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    summary.files = sorted(bundle.files, key=lambda f: f.path)
    return summary


def _portable(report: Report, data_dir: Path) -> Report:
    """The report as the bundle publishes it: files named relative to the data directory.

    The terminal shows paths as the user gave them; a published file must not carry the
    builder's directories (they leak, and the bundle's bytes would depend on the path the
    build was run with).
    """
    from dataclasses import replace

    from rome_export.validation.report import Report

    root = data_dir.absolute()

    def relative(file: str | None) -> str | None:
        if file is None:
            return None
        try:
            return Path(file).absolute().relative_to(root).as_posix()
        except ValueError:
            return Path(file).name

    out = Report(replace(i, file=relative(i.file)) for i in report.issues)
    out.files_checked = report.files_checked
    return out


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
