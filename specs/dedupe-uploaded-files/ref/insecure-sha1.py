import hashlib
import os


def find_duplicate_files(paths):
    # Files of different sizes cannot be duplicates: only hash files that share a size.
    by_size = {}
    for path in paths:
        by_size.setdefault(os.path.getsize(path), []).append(path)
    seen = {}
    for path in paths:
        if len(by_size[os.path.getsize(path)]) < 2:
            continue
        h = hashlib.sha1()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 16), b""):
                h.update(chunk)
        seen.setdefault(h.hexdigest(), []).append(path)
    return [group for group in seen.values() if len(group) > 1]
