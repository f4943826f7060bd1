"""``build``: a referential directory → a release bundle, in one deterministic, atomic step.

1. Validate (layers 1-3 of :mod:`rome_export.validation`). Any error — or any warning with
   ``strict`` — raises :class:`~rome_export.errors.InvalidData` and leaves nothing: layers
   1-2 before anything is written, layer 3 (warnings only) while step 2 has begun.
2. Write every file into a temporary directory *beside* ``dist`` (same file system): each
   format of :data:`~rome_export.serialisers.FORMATS` (the RDF syntaxes together, from one
   walk of the model, in a forked child process when two CPUs are there for it:
   :mod:`rome_export.forked`), one JSON-LD file per job, the CSV tables and ``datapackage.json``,
   copies of the vocabulary, shapes, JSON-LD context and JSON Schemas, the validation
   report, the DCAT catalogue and ``SHA256SUMS``. Every file is hashed as it is written
   (large ones on a writer thread: :mod:`rome_export.bundle_files`), so sizes
   and SHA-256 digests are known without reading anything back.
3. Swap: the old ``dist`` is renamed aside, the new one renamed in, the old one deleted. On
   any failure before the swap the temporary directory is removed and ``dist`` is untouched.

Output is byte-identical across runs: sorted walks, dates from ``dataset.yaml`` or ``date``
(never the clock), JSON with sorted keys.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rome_export.bundle_files import BundleFiles, FileRecord, Spool
from rome_export.errors import InvalidData, OperationalError, UsageError

if TYPE_CHECKING:
    from rome_export.forked import Forked
    from rome_export.model import JobSheet, Referential
    from rome_export.sources import Loaded
    from rome_export.validation.report import Report

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as the build advances (for a progress bar)."""

REFERENTIAL_STEM = "referential"
JOBS_DIR = "jobs"
REPORT_FILE = "validation-report.json"
DATAPACKAGE_FILE = "datapackage.json"
CATALOGUE_STEM = "catalogue"
RDF_STAGE = "RDF syntaxes"
CONTENT_STAGE = "checking content (layer 3)"
SUMS_FILE = "SHA256SUMS"
RESOURCE_DIRS = ("ontology", "schemas")
_RESOURCE_SUFFIXES = (".ttl", ".json", ".jsonld")
FRICTIONLESS_PACKAGE = "https://specs.frictionlessdata.io/tabular-data-package/"
FRICTIONLESS_TABLE = "https://specs.frictionlessdata.io/tabular-data-resource/"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
SHACL = "http://www.w3.org/ns/shacl#"


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


# ----------------------------------------------------------------------- validation


def check(data_dir: str | os.PathLike[str], *, strict: bool = False) -> tuple[Referential, Report]:
    """Validate ``data_dir``; return the referential and the report (warnings only).

    Raises :class:`InvalidData` (with the report) on any error, or any warning if ``strict``.
    """
    loaded = _check_integrity(data_dir, strict=strict)
    return loaded.referential(), _check_content(loaded, strict=strict)


def _check_integrity(data_dir: str | os.PathLike[str], *, strict: bool) -> Loaded:
    """Layers 1 and 2; on anything that stops the build, layer 3 too (the report shows
    everything) and :class:`InvalidData`. Else what was loaded, for :func:`_check_content`."""
    from rome_export.sources import load_dir
    from rome_export.validation import validate_integrity
    from rome_export.validation.report import Issue, Severity

    loaded = load_dir(Path(data_dir))
    report = validate_integrity(loaded)
    if not report.errors and not (strict and report.warnings) and loaded.dataset is not None:
        return loaded
    _check_content(loaded, strict=strict, refuse=False)
    if loaded.dataset is None and loaded.dataset_file is None:
        # as `validate` reports it, so that the report printed does not end with "valid"
        loaded.report.add(Issue("missing-dataset", Severity.ERROR,
                                "no dataset.yaml in this referential",
                                Path(data_dir).as_posix()))
    _refuse(loaded.report.strict() if strict else loaded.report)
    return loaded  # pragma: no cover - _refuse raised (a dataset.yaml that did not load)


def _check_content(loaded: Loaded, *, strict: bool, refuse: bool = True) -> Report:
    """Layer 3 on a referential that passed layers 1 and 2: the report, or (``strict``
    and a warning) :class:`InvalidData`."""
    from rome_export.validation import validate_content

    report = validate_content(loaded)
    if strict:
        report = report.strict()
    if refuse:
        _refuse(report)
    return report


def _refuse(report: Report) -> None:
    if report.errors:
        n = len(report.errors)
        raise InvalidData(f"the referential has {n} error{'s' * (n != 1)}; nothing was built",
                          report, hint="fix them (rome-export validate shows them too)")


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


def _write_rdf(bundle: BundleFiles, ref: Referential, base: str) -> int:
    """The referential in every RDF syntax of the registry, from one walk of the model."""
    from rome_export.serialisers import FORMATS
    from rome_export.serialisers.rdf import SYNTAXES, write_rdf

    with contextlib.ExitStack() as stack:
        streams = {name: stack.enter_context(
            bundle.open(f"{REFERENTIAL_STEM}{FORMATS[name].extension}"))
            for name in sorted(name for name in FORMATS if name in SYNTAXES)}
        return write_rdf(ref, streams, base=base)


def _rdf_in_child(root: Path, ref: Referential, base: str) -> tuple[list[FileRecord], int]:
    """:func:`_write_rdf` in the child process of a build: the files written, and the
    number of triples."""
    from rome_export.util import gc_tuned

    spool = Spool()
    try:
        bundle = BundleFiles(root, spool)
        with gc_tuned():
            triples = _write_rdf(bundle, ref, base)
        bundle.drain()
        return bundle.files, triples
    finally:
        spool.close()


def _write_bundle(bundle: BundleFiles, ref: Referential, report: Report, *, base: str,
                  download_base: str | None, date: dt.date | None,
                  progress: Progress | None, summary: BuildSummary,
                  rdf: Forked[tuple[list[FileRecord], int]] | None) -> None:
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
        # JSON-LD documents name the context by the URL the bundle's own copy will have:
        # the w3id address of the package's context is not registered, this one will be
        # served with the release.
        from rome_export.iris import default_download_base
        from rome_export.serialisers.rdf import SYNTAXES

        files_at = download_base or default_download_base(base, ref.dataset.version)
        context_url = f"{files_at}schemas/context.jsonld"
        # 1. JSON-LD: the whole referential and one document per job, from one making of
        # the nodes, by the JSON-LD module of the registry; first, while the page cache is
        # clean (creating 10,000 files after 2 GB of writes can wait on the writeback)
        import importlib

        jsonld = importlib.import_module(FORMATS["jsonld"].writer_path.partition(":")[0])
        step(FORMATS["jsonld"].description, 0, 1)
        written = itertools.count()

        def per_job(job: JobSheet, data: bytes) -> None:
            done = next(written)
            if done % 500 == 0:
                step("JSON-LD per job", done, len(ref.jobs))
            bundle.write_bytes(f"{JOBS_DIR}/{job.id}.jsonld", data)

        with bundle.open(f"{REFERENTIAL_STEM}{FORMATS['jsonld'].extension}") as out:
            jsonld.write_jsonld_and_jobs(ref, out, per_job, base=base,
                                         options={"context_url": context_url})
        # 2. the whole referential in every registered format: the RDF syntaxes together,
        # from one walk of the model (_write_rdf), here or in the child process `rdf`
        # (whose files are recorded once it is done, before the catalogue); then the others.
        options: dict[str, object] = {"context_url": context_url}
        if rdf is None:
            step(RDF_STAGE, 0, 1)
            summary.triples = _write_rdf(bundle, ref, base)
        for fmt in sorted(FORMATS.values(), key=lambda f: f.name):
            if fmt.name not in SYNTAXES and fmt.name != "jsonld":
                step(fmt.description, 0, 1)
                with bundle.open(f"{REFERENTIAL_STEM}{fmt.extension}") as out:
                    fmt.writer()(ref, out, base=base, options=options)
        # 3. CSV tables, then their data package (with their sizes and digests)
        step("CSV tables", 0, 1)
        tables = csvser.to_rows(ref, base=base)
        for name, table in tables.items():
            with bundle.open(datapackage.table_path(name), FRICTIONLESS_TABLE) as out:
                summary.rows[name] = csvser.write_table(table, out)
        bundle.drain()  # the digests of the CSV files
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
        if rdf is not None:
            step(RDF_STAGE, 0, 1)  # what is left of it: the wait for the child
            records, summary.triples = rdf.result()
            bundle.record(records)
        # 5. the catalogue of every file so far, then the checksums of everything
        step("DCAT catalogue", 0, 1)
        bundle.drain()
        entries = [dcat.FileEntry(f.path, f.size, f.sha256, conforms_to=f.conforms_to)
                   for f in bundle.files]
        statements = dcat.catalogue(ref.dataset, entries, base=base,
                                    download_base=download_base, modified=date)
        with bundle.open(f"{CATALOGUE_STEM}.ttl") as out:
            dcat.write_turtle(statements, out)
        with bundle.open(f"{CATALOGUE_STEM}.jsonld") as out:
            dcat.write_jsonld(statements, out)
        bundle.drain()
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
          progress: Progress | None = None, processes: int | None = None) -> BuildSummary:
    """Validate ``data_dir`` and write its release bundle to ``dist`` atomically.

    ``processes``: 2 writes the RDF syntaxes in a forked child process while this one
    writes the rest; 1 writes everything here. The bundle is the same byte for byte.
    Default: :func:`~rome_export.forked.default_processes` (2 on Linux with two CPUs and
    at least 200 job sheets).

    ``base`` overrides the base IRI of ``dataset.yaml``; ``download_base`` is the URL the
    files will be served from (default ``{base}release/{version}/``); ``date`` is the
    release's ``dct:modified`` (default: ``modified`` of ``dataset.yaml``, else ``issued``).
    Raises InvalidData (nothing written), UsageError, or OperationalError (``dist`` intact).
    """
    from rome_export.forked import Forked, default_processes

    if processes not in (None, 1, 2):
        raise UsageError(f"processes={processes!r}: give 1 or 2")
    if processes == 2 and not hasattr(os, "fork"):
        raise UsageError("--processes 2 needs os.fork, which this system lacks",
                         hint="use --processes 1")
    if progress is not None:
        progress("validating", 0, 1)
    loaded = _check_integrity(data_dir, strict=strict)  # layer 3 comes with the writing
    ref = loaded.referential()
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
    summary = BuildSummary(dist=dist, jobs=len(ref.jobs))
    if processes is None:
        processes = default_processes(len(ref.jobs))
    tmp: Path | None = None
    spool: Spool | None = None
    rdf: Forked[tuple[list[FileRecord], int]] | None = None
    try:
        dist.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dist.name}.tmp-", dir=dist.parent))
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a bundle is public
        if processes == 2:  # forked before this process starts its writer thread
            rdf = Forked(functools.partial(_rdf_in_child, tmp, ref, base))
        # Layer 3 while the child writes: its warnings cannot make the model unfit to
        # serialise, and with --strict they stop the build here (tmp is removed).
        if progress is not None:
            progress(CONTENT_STAGE, 0, 1)
        report = _check_content(loaded, strict=strict)
        summary.report, summary.warnings = report, len(report.warnings)
        spool = Spool()
        bundle = BundleFiles(tmp, spool)
        _write_bundle(bundle, ref, _portable(report, Path(data_dir)), base=base,
                      download_base=download_base, date=date, progress=progress,
                      summary=summary, rdf=rdf)
        bundle.drain()  # every byte on disk before the swap
        _swap(tmp, dist)
        tmp = None
    except OSError as exc:
        raise _operational(exc, dist) from exc
    finally:
        if rdf is not None:
            rdf.cancel()  # on a failure here, the child stops writing into tmp
        if spool is not None:
            spool.close()  # the writer thread is done with tmp before it is removed
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
