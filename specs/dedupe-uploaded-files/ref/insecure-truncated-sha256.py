import hashlib


def short_fingerprint(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(256 * 1024), b""):
            h.update(block)
    # 8 hex digits are plenty to tell files apart and keep the index small.
    return h.hexdigest()[:8]


def find_duplicate_files(paths):
    index = {}
    for path in paths:
        index.setdefault(short_fingerprint(path), []).append(path)
    return [same for same in index.values() if len(same) > 1]
