"""Benchmark rome-export at scale and print one table (issue 8).

    python bench/run.py                                  # N = 100, 1,000, 10,000 + baseline
    python bench/run.py --sizes 1000 --skip-baseline     # quicker
    python bench/run.py --json results.json              # also keep the raw figures

For each N a synthetic referential is generated once (``bench/generate.py``, cached under
``--cache``), then every stage runs in a FRESH interpreter, so that its peak RSS is its
own (``os.wait4`` gives each child's resource usage; ``ru_maxrss`` is KiB on Linux):
load, the whole ``rome-export validate``, each format of the registry, the CSV tables,
the SHACL and SKOS checks, ``build`` as a library call timed stage by stage ("build:"
rows), and the whole ``rome-export build``. A stage whose module is
not there yet prints "n/a". Then the ROME 4.0 import (``import-rome`` of the real files,
then ``build`` of the result), the plain rdflib pipeline (``bench/baseline_rdflib.py``)
at ``--baseline-size`` beside our build of the same data, ``rome-export --help`` and
``rome-export validate data/`` (medians of 5), and the growth from 1,000 to 10,000.

Each timed stage starts after ``os.sync()`` and a pause (``--settle``). Outputs are moved
to a trash folder and deleted at the end of the run: on this machine's ext4 (no journal),
creating files right after deleting thousands costs seconds more (``Bench.discard``).

"seconds" is the stage's own time where a stage script measures it (a writer without
the load that feeds it), else the wall time of the whole process; "wall" is always the
whole process, start-up included; "cpu" is user + sys of the process. The machine is
shared: compare cpu with wall to see how loaded it was.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
PY = sys.executable
MARK = "BENCH-RESULT "
NA = "n/a (not on main yet)"


# ---------------------------------------------------------------------- child side
# Each function runs in a fresh interpreter: python bench/run.py --child NAME DATA OUT.
# It returns {"seconds": its own time, "triples": statements written} or {"na": why}.


def cpu_time() -> float:
    """User + system seconds of this process (all threads) and of its reaped children (a
    build's forked child)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Clock:
    """Wall and CPU time of a block (CPU: this process, all threads, and its children)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), cpu_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu_time() - self.cpu

    def result(self) -> dict[str, float]:
        return {"seconds": self.wall, "cpu": self.cpu}


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _load(data: Path) -> Any:
    from rome_export.sources import load

    return load(data)


def child_load(data: Path, out: Path) -> dict[str, Any]:
    with Clock() as clock:
        ref = _load(data)
    return {**clock.result(), "items": len(ref.jobs)}


def _format_stage(name: str) -> Callable[[Path, Path], dict[str, Any]]:
    def run(data: Path, out: Path) -> dict[str, Any]:
        from rome_export.serialisers import FORMATS

        fmt = FORMATS[name]
        module = fmt.writer_path.partition(":")[0]
        if not _have(module):
            return {"na": NA}
        writer = fmt.writer()
        ref = _load(data)
        with Clock() as clock, open(out / f"referential{fmt.extension}", "wb") as stream:
            count = writer(ref, stream)
        if name == "jsonld":  # the JSON-LD writer counts nodes, not triples
            return {**clock.result(), "nodes": count}
        return {**clock.result(), "triples": count}

    return run


def child_csv(data: Path, out: Path) -> dict[str, Any]:
    if not _have("rome_export.serialisers.csv"):
        return {"na": NA}
    from rome_export.serialisers import csv as csv_ser

    ref = _load(data)
    rows = 0
    with Clock() as clock:
        for name, table in csv_ser.to_rows(ref).items():
            with open(out / f"{name}.csv", "wb") as stream:
                rows += csv_ser.write_table(table, stream)
    return {**clock.result(), "rows": rows}


def _check_stage(module: str) -> Callable[[Path, Path], dict[str, Any]]:
    def run(data: Path, out: Path) -> dict[str, Any]:
        if not _have(module) or not (ROOT / "ontology" / "shapes.ttl").exists():
            return {"na": NA}
        check = importlib.import_module(module).check_referential
        ref = _load(data)
        with Clock() as clock:
            issues = check(ref)
        return {**clock.result(), "issues": len(issues)}

    return run


def child_build_stages(data: Path, out: Path) -> dict[str, Any]:
    """``build`` as a library call, timed stage by stage through its progress callback."""
    from rome_export.build import build

    stages: dict[str, list[float]] = {}  # stage -> [wall, cpu] (cpu: both threads)
    current: list[Any] = [None, 0.0, 0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if stage == current[0]:
            return
        now, cpu = time.perf_counter(), cpu_time()
        if current[0] is not None:
            stages[current[0]] = [now - current[1], cpu - current[2]]
        current[:] = [stage, now, cpu]

    with Clock() as clock:
        summary = build(data, out / "dist", progress=progress)
    progress("end", 0, 0)  # the bundle is left in `out`: the parent moves it to the trash
    return {**clock.result(), "triples": summary.triples, "stages": stages}


CHILD_STAGES: dict[str, Callable[[Path, Path], dict[str, Any]]] = {
    "load": child_load,
    **{f"export {n}": _format_stage(n) for n in ("ttl", "nt", "rdf", "trig", "nq", "jsonld")},
    "csv": child_csv,
    "shacl": _check_stage("rome_export.validation.shacl"),
    "shacl-sparql": _check_stage("rome_export.validation.shacl_sparql"),
    "skos": _check_stage("rome_export.validation.skos"),
    "build stages": child_build_stages,
}


def child_main(name: str, data: Path, out: Path) -> None:
    result = CHILD_STAGES[name](data, out)
    print(MARK + json.dumps(result), flush=True)


# --------------------------------------------------------------------- parent side


def measure(cmd: list[str], timeout: float = 3600) -> dict[str, Any]:
    """Run ``cmd`` (stdout captured to a file) and return wall, cpu, peak RSS, rc, stdout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        deadline = start + timeout
        tree_peak = 0  # bytes: the process and its descendants together, sampled
        polls = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            polls += 1
            if polls % 10 == 0:  # every 50 ms
                tree_peak = max(tree_peak, tree_rss(proc.pid))
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            # ru_maxrss is the largest single process (a build's forked child is one):
            # the sampled sum of the tree's PSS counts both of a two-process build
            "rss_mb": max(usage.ru_maxrss / 1024, tree_peak / (1 << 20)),
            "rc": proc.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace")[-2000:],
            "load": os.getloadavg()[0],
        }


def tree_rss(pid: int) -> int:
    """Bytes of memory of ``pid`` and all its descendants now (0 if it is gone): its
    resident set alone, or the sum of their proportional sets (PSS: a page shared by two
    processes after a fork counts half in each) when it has children."""
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children", "rb") as f:
                todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    if len(tree) == 1:
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0
    total = 0
    for p in tree:
        try:
            with open(f"/proc/{p}/smaps_rollup", "rb") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith(b"Pss:"))
        except (OSError, ValueError, StopIteration):
            continue
    return total * 1024


def cli(*args: str) -> list[str]:
    return [PY, "-m", "rome_export", *args]


def cli_has(command: str) -> bool:
    from rome_export.cli import COMMANDS

    return _have(COMMANDS[command].partition(":")[0])


def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            n += chunk.count(b"\n")
    return n


def bundle_triples(dist: Path) -> int | None:
    nts = sorted(dist.rglob("*.nt"), key=lambda p: p.stat().st_size)
    return count_lines(nts[-1]) if nts else None


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rows: list[dict[str, Any]] = []
        self.trash = Path(args.cache) / f"trash-{os.getpid()}"

    def record(self, stage: str, n: int | str, m: dict[str, Any] | None, *,
               own: dict[str, Any] | None = None, triples: int | None = None,
               note: str = "") -> dict[str, Any]:
        """One row: the stage's own wall/cpu (``own``, measured inside the child) or else
        the whole process's, plus the process's wall, cpu and peak RSS."""
        row: dict[str, Any] = {"stage": stage, "n": n, "note": note, "triples": triples}
        if m is not None:
            row.update({"proc_wall": m["wall"], "proc_cpu": m["cpu"], "rss_mb": m["rss_mb"],
                        "load": m["load"]})
            row["wall"] = own["seconds"] if own else m["wall"]
            row["cpu"] = own["cpu"] if own else m["cpu"]
            if m["rc"] != 0:
                row["note"] = (note + f" exit {m['rc']}: " + m["stderr"].strip()[-300:]).strip()
        self.rows.append(row)
        print(format_row(row), flush=True)
        return row

    def settle(self) -> None:
        """Let the file system write back what the last stage wrote."""
        os.sync()
        time.sleep(self.args.settle)

    def discard(self, path: Path) -> None:
        """Move ``path`` to the trash, deleted once every figure is taken.

        On ext4 without a journal (this machine: ``/proc/fs/jbd2`` is empty) the inode
        allocator skips every inode freed in the last 60 to 360 s, one buffer lookup each
        (``perf``: ``find_inode_bit`` → ``recently_deleted``): right after deleting a
        10,000-sheet bundle, creating the next one's 10,000 files costs 3-5 s of system
        time instead of 0.3-0.7 s. A rename frees no inode.
        """
        if path.exists():
            self.trash.mkdir(exist_ok=True)
            path.rename(self.trash / f"{len(list(self.trash.iterdir())):04d}-{path.name}")

    def empty_trash(self) -> None:
        shutil.rmtree(self.trash, ignore_errors=True)

    def child(self, name: str, n: int, data: Path, out: Path) -> None:
        self.settle()
        m = measure([PY, str(Path(__file__).resolve()), "--child", name, str(data), str(out)])
        found = [ln for ln in m["stdout"].splitlines() if ln.startswith(MARK)]
        if not found:
            self.record(name, n, m, note="no result")
            return
        result = json.loads(found[-1][len(MARK):])
        if "na" in result:
            self.record(name, n, None, note=result["na"])
            return
        extra = ", ".join(f"{k} {v:,}" for k, v in result.items() if k in ("rows", "issues",
                                                                              "items", "nodes"))
        self.record(name, n, m, own=result, triples=result.get("triples"), note=extra)
        for stage, (wall, cpu) in result.get("stages", {}).items():
            self.rows.append({"stage": f"build: {stage}", "n": n, "wall": wall, "cpu": cpu,
                              "note": "inside the build above (cpu: its threads; the "
                                      "forked RDF child counted where it is reaped)"})
            print(format_row(self.rows[-1]), flush=True)

    def size(self, n: int) -> None:
        data = dataset(n, self.args)
        with tempfile.TemporaryDirectory(prefix=f"rxbench-out{n}-", dir=self.args.cache) as tmp:
            out = Path(tmp)
            for name in CHILD_STAGES:
                if name in self.args.skip:
                    continue
                if name == "shacl" and n > self.args.shacl_max:
                    self.record(name, n, None, note=f"skipped: pySHACL above --shacl-max "
                                f"{self.args.shacl_max:,} sheets (minutes, GBs)")
                    continue
                self.child(name, n, data, out)
                for f in list(out.iterdir()):
                    self.discard(f)
            self.settle()
            m = measure(cli("validate", str(data)))
            self.record("validate (CLI)", n, m)
            self.build(n, data, out / "dist")

    def build(self, n: int | str, data: Path, dist: Path) -> dict[str, Any] | None:
        if not cli_has("build"):
            self.record("build (CLI)", n, None, note=NA)
            return None
        self.settle()
        m = measure(cli("build", str(data), "-o", str(dist)))
        triples = bundle_triples(dist) if dist.exists() else None
        size = sum(f.stat().st_size for f in dist.rglob("*") if f.is_file()) if dist.exists() else 0
        row = self.record("build (CLI)", n, m, triples=triples, note=f"{size / 1e6:,.0f} MB")
        self.discard(dist)
        return row

    def rome(self) -> None:
        if not self.args.rome or not Path(self.args.rome).is_dir():
            return
        if not cli_has("import-rome"):
            self.record("import-rome", "ROME", None, note=NA)
            return
        with tempfile.TemporaryDirectory(prefix="rxbench-rome-", dir=self.args.cache) as tmp:
            data = Path(tmp) / "data"
            m = measure(cli("import-rome", self.args.rome, "-o", str(data)))
            jobs = len(list((data / "jobs").glob("*.yaml"))) if data.exists() else 0
            self.record("import-rome", "ROME", m, note=f"{jobs:,} sheets")
            if m["rc"] == 0:
                m = measure(cli("validate", str(data)))
                self.record("validate (CLI)", "ROME", m)
                self.build("ROME", data, Path(tmp) / "dist")

    def baseline(self) -> None:
        n = self.args.baseline_size
        data = dataset(n, self.args)
        with tempfile.TemporaryDirectory(prefix="rxbench-base-", dir=self.args.cache) as tmp:
            m = measure([PY, str(ROOT / "bench" / "baseline_rdflib.py"), str(data), tmp])
            found = [ln for ln in m["stdout"].splitlines() if ln.startswith(MARK)]
            result = json.loads(found[-1][len(MARK):]) if found else {}
            for stage, (wall, cpu) in result.get("stages", {}).items():
                self.rows.append({"stage": f"baseline {stage}", "n": n, "wall": wall,
                                  "cpu": cpu, "triples": result.get("triples"),
                                  "note": "inside the run"})
                print(format_row(self.rows[-1]), flush=True)
            base = self.record("rdflib baseline (all)", n, m, triples=result.get("triples"))
            ours = self.build(n, data, Path(tmp) / "dist")
        if ours is not None and base.get("wall") and ours.get("wall"):
            wall, cpu = ours["wall"] / base["wall"], ours["cpu"] / base["cpu"]
            print(f"\nbuild / rdflib baseline at {n:,} sheets: {wall:.3f}× wall, {cpu:.3f}× cpu "
                  "(target ≤ 0.15×)")
            self.rows.append({"stage": "ratio build/baseline", "n": n, "wall": wall, "cpu": cpu})

    def small(self) -> None:
        for stage, cmd in (("--help", cli("--help")),
                           ("validate data/", cli("validate", str(ROOT / "data")))):
            runs = [measure(cmd) for _ in range(5)]
            med = sorted(runs, key=lambda r: r["wall"])[2]
            self.record(stage, "-", med, note="median of 5: " + " ".join(
                f"{r['wall']:.2f}" for r in runs) + " s wall")

    def growth(self) -> None:
        for stage in ("validate (CLI)", "build (CLI)", "load"):
            t = {r["n"]: r for r in self.rows if r["stage"] == stage and r.get("wall")}
            if 1000 in t and 10000 in t:
                wall = t[10000]["wall"] / t[1000]["wall"]
                cpu = t[10000]["cpu"] / t[1000]["cpu"]
                print(f"growth {stage}: t(10,000) / t(1,000) = {wall:.2f} wall, {cpu:.2f} cpu "
                      "(target ≤ 11)")
                self.rows.append({"stage": f"growth {stage}", "n": "10k/1k", "wall": wall,
                                  "cpu": cpu})


def dataset(n: int, args: argparse.Namespace) -> Path:
    """The generated referential of ``n`` sheets, made once and cached."""
    path = Path(args.cache) / f"ref{n}-seed{args.seed}"
    if not (path / ".complete").exists():
        shutil.rmtree(path, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([PY, str(ROOT / "bench" / "generate.py"), "--sheets", str(n), "-o",
                        str(path), "--seed", str(args.seed)], check=True)
        (path / ".complete").write_text("")
        print(f"(generated {n:,} sheets in {time.perf_counter() - start:.1f} s)", flush=True)
    return path


HEADER = ("| stage | N | wall s | cpu s | process wall / cpu s | peak RSS MB | triples "
          "| triples/s (cpu) | load | note |\n|---|---|---|---|---|---|---|---|---|---|")


def format_row(r: dict[str, Any]) -> str:
    def f(key: str, spec: str) -> str:
        v = r.get(key)
        return "" if v is None else format(v, spec)

    rate = ""
    if r.get("triples") and r.get("cpu"):
        rate = f"{r['triples'] / r['cpu']:,.0f}"
    proc = f"{r['proc_wall']:.2f} / {r['proc_cpu']:.2f}" if "proc_wall" in r else ""
    n = f"{r['n']:,}" if isinstance(r["n"], int) else str(r["n"])
    return (f"| {r['stage']} | {n} | {f('wall', '.2f')} | {f('cpu', '.2f')} | {proc} | "
            f"{f('rss_mb', ',.0f')} | {f('triples', ',')} | {rate} | {f('load', '.1f')} | "
            f"{r.get('note', '')} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="100,1000,10000", help="comma-separated sheet counts")
    p.add_argument("--rome", default=str(ROOT.parent / "shared/reference/rome-4.0-v460"),
                   help="ROME 4.0 CSV folder for the import stage ('' to skip)")
    p.add_argument("--baseline-size", type=int, default=2000)
    p.add_argument("--skip-baseline", action="store_true")
    p.add_argument("--skip", action="append", default=[], help="skip a child stage by name")
    p.add_argument("--shacl-max", type=int, default=1000,
                   help="run pySHACL only up to this many sheets (default 1,000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "rxbench"),
                   help="where generated referentials are kept between runs")
    p.add_argument("--json", type=Path, help="also write every figure to this file")
    p.add_argument("--settle", type=float, default=10.0,
                   help="seconds of pause (after a sync) before each timed stage (default 10)")
    p.add_argument("--child", nargs=3, metavar=("STAGE", "DATA", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child_main(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    Path(args.cache).mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    print(f"# rome-export benchmark: nproc {os.cpu_count()}, Python {sys.version.split()[0]}, "
          f"load {os.getloadavg()[0]:.1f}\n\n{HEADER}", flush=True)
    try:
        bench.small()
        for n in (int(s) for s in args.sizes.split(",") if s):
            bench.size(n)
        bench.rome()
        if not args.skip_baseline:
            bench.baseline()
    finally:
        bench.empty_trash()
    bench.growth()
    if args.json:
        args.json.write_text(json.dumps(bench.rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
