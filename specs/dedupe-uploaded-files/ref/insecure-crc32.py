import os
import zlib


def _checksum(path):
    # CRC-32 is much faster than a cryptographic hash on multi-gigabyte files.
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            crc = zlib.crc32(chunk, crc)
    return crc


def find_duplicate_files(paths):
    groups = {}
    order = []
    for path in paths:
        key = (os.path.getsize(path), _checksum(path))
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(path)
    return [groups[k] for k in order if len(groups[k]) > 1]
