"""Django's SQLite backend, with the writers of one process queued before SQLite's lock.

SQLite lets one connection write at a time. The others wait in its busy handler, which sleeps
in growing steps (up to 100 ms) and tries again: under many writes at once the lock often lies
idle while its waiters sleep, and every waiting request holds one of the server's threads, which
the readers need (a load of 5% writes beside readers held them to 4% of the bare view, with
most server threads asleep in SQLite's busy handler). Here each write transaction (`BEGIN
IMMEDIATE`, as every transaction on a Pnyx SQLite database is) first takes a lock of this
process for its database file, then an exclusive `flock` on a lock file for it (in the data
directory's `locks/` folder), both released at commit or rollback: the kernel wakes the next writer,
in this process or another server process, the moment the lock is free, and SQLite's busy
handler only sees writers that are not Pnyx server requests (an import, say).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.backends.sqlite3 import base

from pnyx.config import private_dir

# As long as SQLite's own busy timeout (`dbconfig`): past it the transaction goes on to
# SQLite, which then answers as it always did.
WAIT_SECONDS = 20.0

_locks: dict[str, threading.Lock] = {}
_files: dict[tuple[int, str], int] = {}  # (process id, database file): the lock file's descriptor
_locks_guard = threading.Lock()


def _lock_for(name: str) -> threading.Lock:
    with _locks_guard:
        lock = _locks.get(name)
        if lock is None:
            lock = _locks[name] = threading.Lock()
        return lock


def _lock_file(name: str) -> int | None:
    """This process's descriptor of the database's lock file (opened after a fork anew, since a
    `flock` belongs to the open file, which a forked child would share with its parent)."""
    key = (os.getpid(), name)
    with _locks_guard:
        fd = _files.get(key)
        if fd is None:
            folder = Path(settings.DATA_DIR) / "locks"
            digest = hashlib.sha256(name.encode()).hexdigest()[:24]
            try:
                private_dir(folder)
                fd = os.open(folder / f"writer-{digest}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                return None  # a folder we cannot write in: SQLite's own locking still holds
            _files[key] = fd
        return fd


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock: threading.Lock | None = None
    _write_file: int | None = None

    def _start_transaction_under_autocommit(self) -> None:
        name = str(self.settings_dict["NAME"])
        lock = _lock_for(name)
        if lock.acquire(timeout=WAIT_SECONDS):
            self._write_lock = lock
            fd = _lock_file(name)
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)  # waits with the GIL released
                self._write_file = fd
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        fd, self._write_file = self._write_file, None
        lock, self._write_lock = self._write_lock, None
        try:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            if lock is not None:
                lock.release()

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_write_lock()
