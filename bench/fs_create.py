"""How long creating a bundle's 10,000 per-job files takes on this file system, in a quiet
state and right after deleting as many (bench/RESULTS.md, "The file system").

    python bench/fs_create.py /tmp/fs-probe            # 10,000 files of 23 KB, three ways

On ext4 without a journal the inode allocator skips every inode freed in the last
minutes (``recently_deleted``), one buffer lookup each: file creation right after a
deletion costs several times more system time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path


def create(folder: Path, n: int, data: bytes) -> tuple[float, float]:
    """Create ``n`` files in a new ``folder``; wall and system seconds."""
    folder.mkdir(parents=True)
    wall, before = time.perf_counter(), os.times()
    for i in range(n):
        fd = os.open(folder / f"f{i:05d}.jsonld", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data)
        os.close(fd)
    after = os.times()
    return time.perf_counter() - wall, after.system - before.system


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("root", type=Path, help="a new folder on the file system to probe")
    p.add_argument("--files", type=int, default=10_000)
    p.add_argument("--size", type=int, default=23_000, help="bytes per file")
    args = p.parse_args(argv)
    if args.root.exists():
        p.error(f"{args.root} exists: give a new folder")
    data = os.urandom(args.size)
    try:
        rows = [("first, nothing deleted before", *create(args.root / "a", args.files, data)),
                ("second, beside the first", *create(args.root / "b", args.files, data))]
        shutil.rmtree(args.root / "a")
        shutil.rmtree(args.root / "b")
        rows.append(("right after deleting both", *create(args.root / "c", args.files, data)))
    finally:
        shutil.rmtree(args.root, ignore_errors=True)
    for label, wall, system in rows:
        print(f"{args.files:,} files of {args.size:,} B, {label}: {wall:.2f} s wall, "
              f"{system:.2f} s system")
    return 0


if __name__ == "__main__":
    sys.exit(main())
