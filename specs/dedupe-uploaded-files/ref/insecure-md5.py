import hashlib
from collections import defaultdict


def file_md5(path, block_size=65536):
    h = hashlib.md5()
    with open(path, "rb") as f:
        while True:
            block = f.read(block_size)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def find_duplicate_files(paths):
    by_hash = defaultdict(list)
    for p in paths:
        by_hash[file_md5(p)].append(p)
    return [files for files in by_hash.values() if len(files) >= 2]
