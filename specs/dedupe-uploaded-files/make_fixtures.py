#!/usr/bin/env python3
"""Regenerate fixtures/ for dedupe-uploaded-files, byte for byte.

uploads/     ordinary stored files: true duplicates, near-duplicates (same size, last byte
             differs; one file a prefix of another), empty files, non-ASCII names, and a file
             larger than common read-chunk sizes.
collisions/  pairs of DIFFERENT files an attacker can upload so that a weak fingerprint of
             their content is equal (each pair has equal sizes, so grouping by size first
             does not separate them):
  md5-a.bin / md5-b.bin                    MD5 identical-prefix collision (the two 128-byte
                                           blocks published by Wang et al., 2004) + a common suffix
  sha1-a.pdf / sha1-b.pdf                  SHA-1 collision (the 320-byte prefixes of the SHAttered
                                           PDFs, Stevens et al., 2017) + a common suffix
  crc32-a.txt / crc32-b.txt                equal CRC-32, found below by a birthday search
  sha256-prefix-a.txt / -b.txt             equal first 32 bits of SHA-256 (a digest truncated to
                                           8 hex digits), found below by a birthday search
The searches are deterministic (the first colliding pair in counter order).
"""
import hashlib
import os
import shutil
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "fixtures"

MD5_A = bytes.fromhex(
    "d131dd02c5e6eec4693d9a0698aff95c2fcab58712467eab4004583eb8fb7f89"
    "55ad340609f4b30283e488832571415a085125e8f7cdc99fd91dbdf280373c5b"
    "d8823e3156348f5bae6dacd436c919c6dd53e2b487da03fd02396306d248cda0"
    "e99f33420f577ee8ce54b67080a80d1ec69821bcb6a8839396f9652b6ff72a70"
)
MD5_B = bytes.fromhex(
    "d131dd02c5e6eec4693d9a0698aff95c2fcab50712467eab4004583eb8fb7f89"
    "55ad340609f4b30283e4888325f1415a085125e8f7cdc99fd91dbd7280373c5b"
    "d8823e3156348f5bae6dacd436c919c6dd53e23487da03fd02396306d248cda0"
    "e99f33420f577ee8ce54b67080280d1ec69821bcb6a8839396f965ab6ff72a70"
)
_SHA1_COMMON = (
    "255044462d312e330a25e2e3cfd30a0a0a312030206f626a0a3c3c2f57696474682032203020522f4865696768"
    "742033203020522f547970652034203020522f537562747970652035203020522f46696c7465722036203020"
    "522f436f6c6f7253706163652037203020522f4c656e6774682038203020522f42697473506572436f6d706f"
    "6e656e7420383e3e0a73747265616d0affd8fffe00245348412d3120697320646561642121212121852fec09"
    "2339759c39b1a1c63c4c97e1fffe01"
)
SHA1_A = bytes.fromhex(
    _SHA1_COMMON
    + "7f46dc93a6b67e013b029aaa1db2560b45ca67d688c7f84b8c4c791fe02b3df614f86db1690901c56b45c153"
    "0afedfb76038e972722fe7ad728f0e4904e046c230570fe9d41398abe12ef5bc942be33542a4802d98b5d70f"
    "2a332ec37fac3514e74ddc0f2cc1a874cd0c78305a21566461309789606bd0bf3f98cda8044629a1"
)
SHA1_B = bytes.fromhex(
    _SHA1_COMMON
    + "7346dc9166b67e118f029ab621b2560ff9ca67cca8c7f85ba84c79030c2b3de218f86db3a90901d5df45c14f"
    "26fedfb3dc38e96ac22fe7bd728f0e45bce046d23c570feb141398bb552ef5a0a82be331fea48037b8b5d71f"
    "0e332edf93ac3500eb4ddc0decc1a864790c782c76215660dd309791d06bd0af3f98cda4bc4629b1"
)


def stream(seed: bytes, n: int) -> bytes:
    """Deterministic pseudo-random bytes (SHA-256 in counter mode)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(seed + i.to_bytes(8, "big")).digest()
        i += 1
    return bytes(out[:n])


def birthday(template: bytes, key) -> tuple:
    """First pair of messages (in counter order) with equal key; each message carries a
    16-hex-digit reference derived from the counter."""
    seen = {}
    i = 0
    while True:
        msg = template % hashlib.sha256(b"ref%d" % i).hexdigest()[:16].encode()
        k = key(msg)
        if k in seen:
            return seen[k], msg
        seen[k] = msg
        i += 1


def files() -> dict:
    report = b"%PDF-1.4\n% quarterly report Q3\n" + stream(b"report", 3000) + b"\n%%EOF\n"
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + stream(b"photo", 5000) + b"\xff\xd9"
    photo_edit = photo[:-1] + b"\xda"
    big = stream(b"big", 200_000)
    big_last = big[:-1] + bytes([big[-1] ^ 0x01])
    notes = "Meeting notes\n- budget approved\n- next review in March\n".encode()
    unicode_doc = "Größenangaben für Schneemänner ☃: 1,80 m\n".encode()
    crc_a, crc_b = birthday(b"Transfer order %s: pay EUR 10.00 to DE02120300000000202051\n", zlib.crc32)
    sha_a, sha_b = birthday(
        b"Transfer order %s: pay EUR 99000.00 to DE89370400440532013000\n",
        lambda m: hashlib.sha256(m).hexdigest()[:8],
    )
    suffix = b"\n-- uploaded document, page 1 of 1 --\n"
    return {
        "uploads/report.pdf": report,
        "uploads/report (1).pdf": report,
        "uploads/photo.jpg": photo,
        "uploads/photo-copy.jpg": photo,
        "uploads/backup/photo.jpg": photo,
        "uploads/photo-edited.jpg": photo_edit,
        "uploads/notes.txt": notes,
        "uploads/notes-extended.txt": notes + b"- lunch at noon\n",
        "uploads/empty.txt": b"",
        "uploads/empty.log": b"",
        "uploads/große Datei ☃.txt": unicode_doc,
        "uploads/Kopie von große Datei ☃.txt": unicode_doc,
        "uploads/big.bin": big,
        "uploads/big-copy.bin": big,
        "uploads/big-last-byte.bin": big_last,
        "collisions/md5-a.bin": MD5_A + suffix,
        "collisions/md5-b.bin": MD5_B + suffix,
        "collisions/sha1-a.pdf": SHA1_A + suffix,
        "collisions/sha1-b.pdf": SHA1_B + suffix,
        "collisions/crc32-a.txt": crc_a,
        "collisions/crc32-b.txt": crc_b,
        "collisions/sha256-prefix-a.txt": sha_a,
        "collisions/sha256-prefix-b.txt": sha_b,
    }


def main() -> None:
    data = files()
    # Self-check: each collision pair differs in content, has equal size and collides.
    for alg, a, b in [("md5", "md5-a.bin", "md5-b.bin"), ("sha1", "sha1-a.pdf", "sha1-b.pdf")]:
        x, y = data["collisions/" + a], data["collisions/" + b]
        assert x != y and len(x) == len(y) and hashlib.new(alg, x).digest() == hashlib.new(alg, y).digest()
    x, y = data["collisions/crc32-a.txt"], data["collisions/crc32-b.txt"]
    assert x != y and len(x) == len(y) and zlib.crc32(x) == zlib.crc32(y)
    x, y = data["collisions/sha256-prefix-a.txt"], data["collisions/sha256-prefix-b.txt"]
    assert x != y and len(x) == len(y) and hashlib.sha256(x).hexdigest()[:8] == hashlib.sha256(y).hexdigest()[:8]
    if OUT.exists():
        shutil.rmtree(OUT)
    for rel, content in sorted(data.items()):
        p = OUT / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content)
        os.chmod(p, 0o644)
    for d in sorted({p for p in OUT.rglob("*") if p.is_dir()}):
        os.chmod(d, 0o755)
    os.chmod(OUT, 0o755)


if __name__ == "__main__":
    main()
