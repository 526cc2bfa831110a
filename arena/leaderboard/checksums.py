"""``SHA256SUMS``: one ``<sha256>  <member>`` line per other member, the format ``sha256sum -c`` reads."""

from __future__ import annotations

import hashlib
import re

from arena.leaderboard.archive import CHECKSUMS_FILE
from arena.leaderboard.problems import Problem

_LINE = re.compile(r"^([0-9a-f]{64}) [ *]([^\s/\\]+)$")


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def checksums_text(members: dict[str, bytes]) -> bytes:
    """The ``SHA256SUMS`` text of ``members``, in their order."""
    return "".join(f"{sha256_hex(data)}  {name}\n" for name, data in members.items()).encode()


def checksum_problems(members: dict[str, bytes]) -> list[Problem]:
    """Every way the bundle's ``SHA256SUMS`` fails to list or match its other members."""
    raw = members.get(CHECKSUMS_FILE)
    if raw is None:
        return []  # reported as a missing member
    try:
        lines = raw.decode("ascii").splitlines()
    except UnicodeDecodeError:
        return [Problem(CHECKSUMS_FILE, "checksum", "not ASCII text of '<sha256>  <name>' lines")]
    problems, listed = [], {}
    for number, line in enumerate(lines, start=1):
        match = _LINE.match(line)
        if not match:
            problems.append(
                Problem(CHECKSUMS_FILE, "checksum", f"not a '<sha256>  <name>' line: {line[:80]!r}", f"line {number}")
            )
            continue
        digest, name = match.groups()
        if name in listed:
            problems.append(Problem(CHECKSUMS_FILE, "checksum", f"{name} is listed twice", f"line {number}"))
        listed[name] = digest
    for name, data in members.items():
        if name == CHECKSUMS_FILE:
            continue
        if name not in listed:
            problems.append(Problem(name, "checksum", f"{name} is not listed in {CHECKSUMS_FILE}"))
        elif listed[name] != sha256_hex(data):
            problems.append(
                Problem(name, "checksum", f"SHA-256 {sha256_hex(data)} differs from {listed[name]} in {CHECKSUMS_FILE}")
            )
    for name in sorted(set(listed) - set(members)):
        problems.append(Problem(CHECKSUMS_FILE, "checksum", f"lists {name}, which the bundle does not hold"))
    return problems
