"""Publishing: a lock on the output folder, and the swap of a built folder for the published one.

The swap is two renames shielded from SIGTERM; a run that died between them is repaired by
the next. Only a folder this tool published is ever moved aside or deleted.
"""

import fcntl
import os
import shutil
import signal
from pathlib import Path

from analysis.errors import ReportError
from analysis.paths import shown_path
from analysis.report.outfolder import is_site


class output_lock:
    """An exclusive lock beside ``out``: a second run refuses at once, naming the holder."""

    def __init__(self, out: Path) -> None:
        self.path = out.with_name(f".{out.name}.lock")

    def __enter__(self) -> "output_lock":
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise ReportError(
                f"another report run ({holder}) is publishing to {shown_path(self.path.parent)}; "
                "try again when it has finished"
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}")
        self.handle.flush()
        return self

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def publish(staging: Path, out: Path) -> bool:
    """Swap the staging folder in for ``out`` by renaming; return False when nothing changed.

    When every file is byte-identical to what is published, nothing is touched at all.
    """
    if out.is_dir() and same_files(staging, out):
        shutil.rmtree(staging)
        return False
    staging.chmod(0o755)  # mkdtemp makes it private; published reports are for readers
    retired = retired_folder(out)
    remove_retired(retired)
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:  # the two renames are not interrupted by a scheduler's SIGTERM
        if out.exists():
            out.rename(retired)
        staging.rename(out)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    remove_retired(retired)
    return True


def retired_folder(out: Path) -> Path:
    return out.with_name(f".{out.name}-retired")


def remove_retired(retired: Path) -> None:
    """Delete the reports a publish replaced: only ever a site this tool published."""
    if not retired.exists():
        return
    if not (retired.is_dir() and is_site(retired)):
        raise ReportError(
            f"{shown_path(retired)} is in the way of publishing and was not made by this tool; move it away"
        )
    shutil.rmtree(retired)


def recover_interrupted_publish(out: Path) -> None:
    """If a run died between the two renames of a publish, put the last good reports back."""
    retired = retired_folder(out)
    if retired.is_dir() and is_site(retired) and not out.exists():
        retired.rename(out)


def same_files(a: Path, b: Path) -> bool:
    def files(folder: Path) -> dict[Path, bytes]:
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    return files(a) == files(b)
