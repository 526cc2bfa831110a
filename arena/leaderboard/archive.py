"""Submission bundles as zip archives: written byte-for-byte reproducibly, read in memory behind every check.

Nothing is ever extracted to disk. :func:`read_bundle` first inspects the central directory alone (names, types,
declared sizes, compression ratio, encryption) and reads no member if anything there is wrong; it then reads each
expected member through a bounded reader (a member that lies about its size is cut off and refused) and checks its
first bytes for archive signatures.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import zipfile
import zlib
from pathlib import Path

from arena.leaderboard.problems import Problem

SUBMISSION_FILE = "submission.json"
RESULTS_FILE = "results.jsonl"
CHECKSUMS_FILE = "SHA256SUMS"
#: The members of a bundle and the most bytes each may hold uncompressed.
MEMBER_LIMITS: dict[str, int] = {
    SUBMISSION_FILE: 256 * 1024,
    RESULTS_FILE: 64 * 1024 * 1024,  # a full 20-task grid of ~7,000 records is ~12 MB
    CHECKSUMS_FILE: 4 * 1024,
}
#: Most bytes of the bundle file itself, and of all members together once decompressed.
MAX_BUNDLE_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = sum(MEMBER_LIMITS.values())
#: Most entries in the central directory (more is refused before looking at any of them).
MAX_ENTRIES = 16
#: Most a member may expand (results compress ~6-8x; zip bombs ~1000x); members under 64 KiB are exempt.
MAX_COMPRESSION_RATIO = 50
_RATIO_EXEMPT_BYTES = 64 * 1024
#: Reproducible bundles: every member gets this timestamp and these permissions.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644

ARCHIVE_SUFFIXES = (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".zst", ".lz4", ".whl", ".jar")
ARCHIVE_MAGIC: dict[str, tuple[int, bytes]] = {
    "zip": (0, b"PK\x03\x04"),
    "empty zip": (0, b"PK\x05\x06"),
    "spanned zip": (0, b"PK\x07\x08"),
    "gzip": (0, b"\x1f\x8b"),
    "bzip2": (0, b"BZh"),
    "xz": (0, b"\xfd7zXZ\x00"),
    "7z": (0, b"7z\xbc\xaf\x27\x1c"),
    "rar": (0, b"Rar!\x1a\x07"),
    "zstd": (0, b"\x28\xb5\x2f\xfd"),
    "lz4": (0, b"\x04\x22\x4d\x18"),
    "tar": (257, b"ustar"),
}
_DRIVE = re.compile(r"^[A-Za-z]:")


def write_bundle(members: dict[str, bytes]) -> bytes:
    """A zip of ``members`` (deflated, in the given order, fixed timestamps): same members, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so external_attr carries the file mode
            info.external_attr = _FILE_MODE << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def archive_kind(data: bytes) -> str | None:
    """The kind of archive or compressed stream ``data`` starts with, if any."""
    for kind, (offset, magic) in ARCHIVE_MAGIC.items():
        if data[offset : offset + len(magic)] == magic:
            return kind
    return None


def unsafe_name_reason(name: str) -> str | None:
    """Why a member name is unsafe to use as a path (None if it is a plain relative name)."""
    if not name:
        return "is empty"
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/") or _DRIVE.match(name):
        return "is an absolute path"
    if ".." in name.split("/"):
        return "contains a '..' component"
    if "\x00" in name or any(ord(c) < 32 for c in name):
        return "contains control characters"
    return None


def _type_problem(info: zipfile.ZipInfo) -> str | None:
    mode = info.external_attr >> 16
    if info.is_dir():
        return "is a folder"
    if info.create_system == 3 and mode:
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            return "is a symbolic link"
        if kind not in (0, stat.S_IFREG):
            return f"is not a regular file (mode {oct(mode)})"
    return None


def _directory_problems(infos: list[zipfile.ZipInfo]) -> list[Problem]:
    """Everything wrong in the central directory, before any member is read."""
    problems: list[Problem] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        reason = unsafe_name_reason(name)
        shown = repr(name) if reason else name  # an unsafe name is shown quoted, control characters escaped
        if reason:
            problems.append(Problem(shown, "member-name", f"member name {name!r} {reason}"))
        kind = _type_problem(info)
        if kind:
            problems.append(Problem(shown, "member-type", f"member {name!r} {kind}; only regular files are accepted"))
        if info.flag_bits & 0x1:
            problems.append(Problem(shown, "archive", f"member {name!r} is encrypted; bundles are not encrypted"))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(
                Problem(shown, "compression-method", f"member {name!r} uses compression method {info.compress_type}")
            )
        if name.lower().endswith(ARCHIVE_SUFFIXES):
            problems.append(Problem(shown, "nested-archive", f"member {name!r} is an archive by its name"))
        elif not reason and name not in MEMBER_LIMITS:
            problems.append(
                Problem(shown, "member-unexpected", f"unexpected member {name!r}; a bundle holds {_expected()}")
            )
        if name in seen:
            problems.append(Problem(shown, "member-duplicate", f"member {name!r} appears more than once"))
        seen.add(name)
        limit = MEMBER_LIMITS.get(name)
        if limit is not None and info.file_size > limit:
            problems.append(
                Problem(shown, "member-size", f"{name} declares {info.file_size} bytes; at most {limit} accepted")
            )
        if info.file_size > _RATIO_EXEMPT_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            problems.append(
                Problem(
                    shown,
                    "compression-ratio",
                    f"member {name!r} expands {ratio:.0f}x ({info.compress_size} -> {info.file_size} bytes); "
                    f"at most {MAX_COMPRESSION_RATIO}x accepted",
                )
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        problems.append(
            Problem("<bundle>", "member-size", f"members declare {total} bytes in all; at most {MAX_TOTAL_BYTES}")
        )
    return problems


def _expected() -> str:
    return ", ".join(MEMBER_LIMITS)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[bytes | None, Problem | None]:
    name, limit = info.filename, MEMBER_LIMITS[info.filename]
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as error:
        return None, Problem(name, "archive", f"cannot read {name}: {error}")
    if len(data) > limit:
        return None, Problem(name, "member-size", f"{name} holds more than {limit} bytes (its declared size is wrong)")
    kind = archive_kind(data)
    if kind:
        return None, Problem(name, "nested-archive", f"{name} is a {kind} archive or stream by its first bytes")
    return data, None


def declared_entries(data: bytes) -> int | None:
    """The entry count in the end-of-central-directory record (None if there is none, or it defers to ZIP64).

    Read before :class:`zipfile.ZipFile` parses the directory, so a bundle declaring millions of entries costs
    nothing; bundles are far too small to need ZIP64.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or len(data) < end + 22:
        return None
    entries = struct.unpack_from("<H", data, end + 10)[0]
    return None if entries == 0xFFFF else entries


def bundle_file_bytes(path: str | Path) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a bundle file, unless it is unreadable or larger than :data:`MAX_BUNDLE_BYTES`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            return None, [Problem(path.name, "bundle-file", f"{size} bytes; at most {MAX_BUNDLE_BYTES} accepted")]
        return path.read_bytes(), []
    except OSError as error:
        return None, [Problem(path.name, "bundle-file", f"cannot read {path}: {error.strerror or error}")]


def read_bundle(source: str | Path | bytes) -> tuple[dict[str, bytes], list[Problem]]:
    """The members of a bundle, read in memory, and every problem found; no member is read if the directory is bad.

    Args:
        source: The bundle file, or its bytes.
    """
    if isinstance(source, bytes):
        data = source
    else:
        loaded, problems = bundle_file_bytes(source)
        if loaded is None:
            return {}, problems
        data = loaded
    if len(data) > MAX_BUNDLE_BYTES:
        return {}, [Problem("<bundle>", "bundle-file", f"{len(data)} bytes; at most {MAX_BUNDLE_BYTES} accepted")]
    entries = declared_entries(data)
    if entries is None or entries > MAX_ENTRIES:
        declared = "no zip directory (or a ZIP64 one)" if entries is None else f"{entries} entries"
        return {}, [Problem("<bundle>", "archive", f"{declared}; a bundle is a plain zip of at most {MAX_ENTRIES}")]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        return {}, [Problem("<bundle>", "archive", f"not a readable zip archive ({error})")]
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            return {}, [Problem("<bundle>", "archive", f"{len(infos)} entries; at most {MAX_ENTRIES} accepted")]
        problems = _directory_problems(infos)
        if problems:
            return {}, problems
        members: dict[str, bytes] = {}
        for info in infos:
            content, problem = _read_member(archive, info)
            if problem:
                problems.append(problem)
            elif content is not None:
                members[info.filename] = content
    for name in MEMBER_LIMITS:
        if name not in members and not any(p.file == name for p in problems):
            problems.append(Problem(name, "member-missing", f"the bundle has no {name}; a bundle holds {_expected()}"))
    return members, problems
