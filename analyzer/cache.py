"""The facts cache: what parsing each file gave, kept on disk, so a rerun parses only the files that changed.

An entry holds one file's outcome — its facts, the notices about it and, for a PHP file, the facts of its
inline scripts — pickled. Its key is a hash of the file's scan-root relative path (facts carry it in every
span) and its bytes as the parser sees them. Entries live under a namespace that changes with everything
else that could change the facts: the analyzer's version, the contents of its Python code, data files and
queries, the tree-sitter grammars, the Python version and the pickle protocol. The enabled rules are not
part of it: which rules run decides which files get parsed (the prefilter), never what parsing a file gives,
so the model still sees every file it would see without the cache.

Layout: ``DIR/CACHEDIR.TAG`` and ``DIR/<namespace>/<2 hex>/<62 hex>``, one file per entry. An entry is
written to a temporary file in its own folder and renamed into place, so two scans sharing the folder never
read half an entry. An entry that cannot be read, fails its checksum or does not unpickle to an outcome is
a miss: it is deleted and rebuilt. A hit touches the entry's mtime; after a scan that wrote entries, a cache
over ``MAX_BYTES`` loses its least recently used entries (another version's first: nothing touches them).

Pickle runs code from what it loads: the folder is created readable and writable by its owner only.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import operator
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

import analyzer

MIB = 1024 * 1024
MAX_BYTES = 200 * MIB  # after a scan that wrote entries, the least recently used go until 3/4 of this is left
ENV = "WP_REST_LINT_CACHE_DIR"
PROTOCOL = pickle.HIGHEST_PROTOCOL
_MAGIC = b"WRLfacts"
_DIGEST = 16  # blake2b digest of the pickle, after the magic: a torn or flipped entry is a miss
_TEMP = ".tmp-"
_STALE_TEMP = 3600  # seconds after which a temporary file is a crashed writer's, and pruned
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This is a wp-rest-lint cache (parsed facts); it can be deleted.\n"


def default_dir() -> Path:
    """``$WP_REST_LINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/wp-rest-lint``, else ``~/.cache/wp-rest-lint``."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "wp-rest-lint"
    return Path.home() / ".cache" / "wp-rest-lint"


# --- the namespace -----------------------------------------------------------------------------------------

_namespace: str | None = None


def _walk(base: str, prefix: str, suffixes: tuple[str, ...]) -> list[tuple[str, str]]:
    found = []
    for folder, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        inside = os.path.relpath(folder, base).replace(os.sep, "/")
        stem = prefix + ("" if inside == "." else inside + "/")
        found += [(stem + name, os.path.join(folder, name)) for name in names if name.endswith(suffixes)]
    return found


def _code_files() -> list[tuple[str, str]]:
    """The analyzer's Python files, data files and queries, each with a stable name (install-independent)."""
    from analyzer import queries

    package = os.path.dirname(os.path.abspath(analyzer.__file__))
    found = _walk(package, "", (".py",))
    data = os.path.join(package, "data")
    found += [("data/" + name, os.path.join(data, name)) for name in os.listdir(data)] if os.path.isdir(data) else []
    found += _walk(str(queries.query_dir()), "queries/", (".scm",))
    return sorted(found)


def namespace() -> str:
    """What every entry's validity depends on besides the file itself, hashed (computed once per process,
    about 10 ms: the code is hashed by content, as a fresh install in CI gives every file a new mtime)."""
    global _namespace
    if _namespace is None:
        import tree_sitter

        from analyzer import languages

        digest = hashlib.blake2b(digest_size=16)
        digest.update(f"{analyzer.__version__}\0{sys.implementation.name}{sys.version_info[:2]}\0{PROTOCOL}\0".encode())
        digest.update(f"tree-sitter {getattr(tree_sitter, '__version__', '?')} {tree_sitter.LANGUAGE_VERSION}\0".encode())
        for name in ("php", "javascript", "typescript", "tsx"):
            grammar = languages.get(name)
            shape = (grammar.abi_version, getattr(grammar, "semantic_version", None), grammar.node_kind_count, grammar.parse_state_count, grammar.field_count)
            digest.update(f"{name} {shape}\0".encode())
        for name, path in _code_files():
            with open(path, "rb") as handle:
                content = handle.read()
            digest.update(f"{name}\0{len(content)}\0".encode())
            digest.update(content)
        _namespace = digest.hexdigest()
    return _namespace


# --- encoding ----------------------------------------------------------------------------------------------
#
# Facts are trees of small frozen slotted dataclasses. Pickle's default for those calls a Python
# __setstate__ that looks the fields up again for every object; unpickling the facts of a big plugin took
# two thirds of the time parsing it did. The pickler below writes (class, field values) and _rebuild sets
# the slots through their descriptors: about 2.5 times faster both ways. Both run with the cyclic garbage
# collector paused: the facts are hundreds of thousands of containers, and the collections they would
# trigger over the whole heap cost more than the pickling itself.


def _eligible(cls: type) -> bool:
    """A dataclass whose instances hold their fields in slots and nothing else (no __dict__)."""
    if not dataclasses.is_dataclass(cls) or not all("__slots__" in k.__dict__ for k in cls.__mro__[:-1]):
        return False
    if cls.__reduce_ex__ is not object.__reduce_ex__ or cls.__reduce__ is not object.__reduce__:
        return False
    slots: set[str] = set()
    for klass in cls.__mro__[:-1]:
        declared = klass.__dict__["__slots__"]
        slots.update((declared,) if isinstance(declared, str) else declared)
    names = [f.name for f in dataclasses.fields(cls)]
    return slots - {"__weakref__"} == set(names)


def _descriptor(cls: type, name: str):
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    raise AttributeError(name)


_setters: dict[type, tuple] = {}


def _rebuild(cls: type, values: tuple):
    setters = _setters.get(cls)
    if setters is None:
        if not _eligible(cls):
            raise pickle.UnpicklingError(f"{cls.__qualname__} is not a slotted dataclass")
        setters = _setters[cls] = tuple(_descriptor(cls, f.name).__set__ for f in dataclasses.fields(cls))
    obj = object.__new__(cls)
    for setter, value in zip(setters, values):  # not strict: it costs a third of a load, and the checksum guards
        setter(obj, value)
    return obj


class _Reducers(dict):
    """A pickler's dispatch table: a reducer for each slotted dataclass met, made on first sight."""

    def __missing__(self, cls: type):
        if cls in _NOT_ELIGIBLE or not isinstance(cls, type) or not _eligible(cls):
            _NOT_ELIGIBLE.add(cls)
            raise KeyError(cls)
        names = [f.name for f in dataclasses.fields(cls)]
        if len(names) == 1:
            field_value = operator.attrgetter(names[0])

            def reduce(obj, cls=cls, field_value=field_value):
                return _rebuild, (cls, (field_value(obj),))

        else:
            field_values = operator.attrgetter(*names)  # a tuple of them, in C

            def reduce(obj, cls=cls, field_values=field_values):
                return _rebuild, (cls, field_values(obj))

        self[cls] = reduce
        return reduce


_NOT_ELIGIBLE: set = set()
_REDUCERS = _Reducers()


def encode(outcome: tuple) -> bytes:
    """An entry: magic, checksum, pickle. Also what parse workers send back (one pickle for both)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    collecting = gc.isenabled()
    gc.disable()  # each object's field tuple would trigger collections over the whole heap
    try:
        pickler.dump(outcome)
    finally:
        if collecting:
            gc.enable()
    payload = buffer.getvalue()
    return _MAGIC + hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload


def _valid(outcome) -> bool:
    from analyzer.js import ir as js_ir
    from analyzer.php import ir

    if not (isinstance(outcome, tuple) and len(outcome) == 3):
        return False
    facts, notices, inline = outcome
    return (
        (facts is None or isinstance(facts, (ir.PhpFacts, js_ir.JsFacts)))
        and isinstance(notices, list)
        and all(isinstance(n, str) for n in notices)
        and (inline is None or isinstance(inline, js_ir.JsFacts))
    )


def decode(entry: bytes):
    """The outcome an entry holds, or None if it is not a sound one."""
    head = len(_MAGIC) + _DIGEST
    if len(entry) <= head or not entry.startswith(_MAGIC):
        return None
    payload = memoryview(entry)[head:]
    if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != entry[len(_MAGIC) : head]:
        return None
    collecting = gc.isenabled()
    gc.disable()
    try:
        outcome = pickle.loads(payload)
    except Exception:  # a sound checksum over a pickle of another layout: a miss like any other
        return None
    finally:
        if collecting:
            gc.enable()
    return outcome if _valid(outcome) else None


# --- the folder --------------------------------------------------------------------------------------------


class CacheUnusable(Exception):
    """The cache folder cannot be created or written; the scan goes on without it."""


def prepare(directory: Path) -> None:
    """Create the cache folder (owner-only) and check it can be written; CacheUnusable says why not."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
        if os.name == "posix" and directory.stat().st_mode & 0o022:
            # another user could plant an entry, and unpickling it runs their code
            raise CacheUnusable("other users can write to it; make it yours alone (chmod go-w)")
        tag = directory / "CACHEDIR.TAG"  # backup tools skip the folder
        if not tag.exists():
            _write_atomic(directory, tag, _TAG.encode())
    except OSError as error:
        raise CacheUnusable(error.strerror or str(error)) from None


def _write_atomic(folder: Path, path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=_TEMP, dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class FactsCache:
    """One scan's use of the cache folder. Every failure is a miss or a skipped write, never an error."""

    def __init__(self, directory: Path, max_bytes: int | None = None) -> None:
        self.root = directory
        self.folder = directory / namespace()
        self.max_bytes = max_bytes  # None: MAX_BYTES
        self.hits = 0
        self.misses = 0
        self.written = 0
        self.failures = 0
        self.writable = True

    @staticmethod
    def key(rel: str, data: bytes) -> str:
        digest = hashlib.sha256(rel.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key[2:]

    def load(self, key: str):
        """The outcome stored under ``key``, or None (a miss; a damaged entry is deleted)."""
        path = self._path(key)
        try:
            entry = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        outcome = decode(entry)
        if outcome is None:
            self.misses += 1
            try:
                path.unlink()
            except OSError:
                pass
            return None
        self.hits += 1
        try:
            os.utime(path)  # recently used: kept longest when the cache is pruned
        except OSError:
            pass
        return outcome

    def store(self, key: str, entry: bytes) -> None:
        if not self.writable:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_atomic(path.parent, path, entry)
        except OSError:
            # One entry (Windows will not replace a file another scan is reading); after a few, a full disk or
            # a read-only folder: the scan goes on without writing.
            self.failures += 1
            self.writable = self.failures < 3
            return
        self.written += 1

    def finish(self) -> None:
        """After the scan: prune when it wrote entries and the folder has grown past ``max_bytes``."""
        if self.written:
            prune(self.root, self.max_bytes)


def _entries(root: Path):
    """(mtime, size, path) of every entry and temporary file under the cache folder."""
    try:
        spaces = list(os.scandir(root))
    except OSError:
        return
    for space in spaces:
        if not space.is_dir(follow_symlinks=False):
            continue
        try:
            shards = list(os.scandir(space.path))
        except OSError:
            continue
        for shard in shards:
            if not shard.is_dir(follow_symlinks=False):
                continue
            try:
                files = list(os.scandir(shard.path))
            except OSError:
                continue
            for item in files:
                try:
                    stat = item.stat(follow_symlinks=False)
                except OSError:
                    continue
                yield stat.st_mtime, stat.st_size, item.path


def prune(root: Path, max_bytes: int | None = None) -> int:
    """Delete crashed writers' temporary files, and the least recently used entries while the cache holds
    more than ``max_bytes`` (MAX_BYTES by default; down to three quarters of it). Returns how many files went."""
    limit = MAX_BYTES if max_bytes is None else max_bytes
    now = time.time()
    entries = []
    removed = 0
    for mtime, size, path in _entries(root):
        if os.path.basename(path).startswith(_TEMP):
            if now - mtime > _STALE_TEMP:
                removed += _unlink(path)
            continue
        entries.append((mtime, size, path))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return removed
    entries.sort()
    for _, size, path in entries:
        if total <= limit * 3 // 4:
            break
        removed += _unlink(path)
        total -= size
    return removed


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
    except OSError:  # another scan pruned it first
        return 0
    return 1
