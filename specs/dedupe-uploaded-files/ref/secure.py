import hashlib
import os

CHUNK = 1 << 20


def find_duplicate_files(paths):
    """Group the paths whose files have identical content (groups of two or more, in input order)."""
    groups = {}
    for path in paths:
        # SHA-256 is collision-resistant: files an attacker crafts cannot share a fingerprint.
        key = (os.path.getsize(path), _sha256(path))
        groups.setdefault(key, []).append(path)
    return [group for group in groups.values() if len(group) > 1]


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.digest()
