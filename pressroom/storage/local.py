"""Blobs as files under one folder: key "a/b.jpg" is the file root/a/b.jpg."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from pressroom.storage.base import BlobNotFound, InvalidKey, check_key, check_prefix

# Half-written files carry this prefix; keys() hides them, so no key may use it.
TMP_PREFIX = ".tmp-"
# Every put writes a TMP_PREFIX file here first, then renames it into place (same
# filesystem, so atomic). Reserved too: no key segment may be this name.
STAGING = ".staging"


class LocalStore:
    inline_reads = True  # see BlobStore

    def __init__(self, root: Path) -> None:
        # Resolved once, so the escape check below compares real paths with a real root.
        self.root = Path(root).resolve()
        self.staging = self.root / STAGING
        self.sweep()

    def sweep(self) -> int:
        """Remove what writers killed mid-put left behind; return how many.

        A writer holds an exclusive lock on its staging file until the rename, and the
        kernel drops the lock when the writer dies, so a file we can lock is an orphan.
        """
        removed = 0
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.staging):
                try:
                    fd = os.open(entry.path, os.O_RDONLY)
                except FileNotFoundError:
                    continue  # renamed into place meanwhile
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live writer
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed += 1
                finally:
                    os.close(fd)
        return removed

    def _path(self, key: str) -> Path:
        check_key(key)
        if any(p.startswith(TMP_PREFIX) or p == STAGING for p in key.split("/")):
            raise InvalidKey(f"invalid blob key (reserved segment): {key!r}")
        path = self.root / key
        # check_key already forbids "..", but a symlink inside root could still lead out.
        if not path.resolve().is_relative_to(self.root):
            raise InvalidKey(f"blob key leaves the store: {key!r}")
        return path

    def put(
        self, key: str, data: bytes, content_type: str | None = None, *, durable: bool = True
    ) -> None:
        try:
            self._put(key, data, durable)
        except FileNotFoundError:
            # A sweeper took our staging file in the instant between create and lock.
            self._put(key, data, durable)

    def _put(self, key: str, data: bytes, durable: bool) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.staging.mkdir(exist_ok=True)
        # Staged inside root, so os.replace is a rename within one filesystem and readers see
        # the old file or the whole new one. os.open with 0o666 (not mkstemp's 0o600) lets
        # the umask decide permissions, as for any other file the service writes.
        tmp = self.staging / f"{TMP_PREFIX}{secrets.token_hex(8)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held until close: see sweep()
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                if durable:
                    os.fsync(f.fileno())
                os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        if durable:
            _fsync_dir(path.parent)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return path.read_bytes()
        # A directory or a file where a directory should be: no blob by that key either way.
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFound(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        if path.is_dir():
            return
        # Empty parent folders stay: removing them would race a concurrent put into them.
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            path.unlink()

    def keys(self, prefix: str = "") -> Iterator[str]:
        # Not a generator, so a bad prefix fails at the call rather than at first next().
        check_prefix(prefix)
        # Only the folder named by the prefix's complete segments can hold matches.
        folder = prefix.rpartition("/")[0]
        start = self.root / folder if folder else self.root
        return iter(sorted(k for k in _walk(start, folder) if k.startswith(prefix)))


def _walk(folder: Path, rel: str) -> Iterator[str]:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name.startswith(TMP_PREFIX) or entry.name == STAGING:
            continue
        key = f"{rel}/{entry.name}" if rel else entry.name
        # Symlinks are never followed: nothing outside root is listed.
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path), key)
        elif entry.is_file(follow_symlinks=False) and _is_key(key):
            yield key


def _is_key(key: str) -> bool:
    """Files put there by hand under names no key can have are not blobs of this store."""
    try:
        check_key(key)
    except InvalidKey:
        return False
    return True


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable, not only the file's bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
