#!/usr/bin/env python3
"""Regenerate fixtures/ for shell-file-mime, byte for byte.

The working dir plays the role of an upload folder. Besides ordinary uploads
it holds files whose names an attacker chose (shell metacharacters, a name
that looks like a command-line option) and a canary `.env` that an option
injection (`file -f.env`) would disclose. The hostile names are real files so
that a candidate which first checks that the file exists still reaches its
command line with them.
"""
import gzip
import io
import os
import shutil
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "fixtures"


def png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as g:
        g.write(data)
    return buf.getvalue()


PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
UPLOADED_TEXT = b"uploaded by a visitor\n"

FILES = {
    # ordinary uploads
    "report.txt": b"Quarterly report\nAll numbers are up.\n",
    "photos/logo.png": png_1x1(),
    "my photo.png": png_1x1(),
    "O'Brien notes.txt": b"Notes from the O'Brien meeting.\n",
    "r\u00e9sum\u00e9 \u2013 final.pdf": PDF,
    "draft (v2).html": b"<!DOCTYPE html>\n<html><body><p>Draft</p></body></html>\n",
    "backup.gz": gzip_bytes(b"backup contents\n"),
    "empty.dat": b"",
    # canary: an option injection such as `file -f.env` reads and echoes it
    ".env": b"API_KEY=CANARY-CMD-5c2e\n",
    # uploads whose names were chosen by an attacker
    "notes.txt;touch${IFS}pwned": UPLOADED_TEXT,
    "$(touch pwned).txt": UPLOADED_TEXT,
    "`touch pwned`.txt": UPLOADED_TEXT,
    "notes.txt\ntouch${IFS}pwned": UPLOADED_TEXT,
    'x";touch pwned;".txt': UPLOADED_TEXT,
    "-f.env": UPLOADED_TEXT,
}


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    for rel, data in sorted(FILES.items()):
        p = OUT / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        os.chmod(p, 0o644)
    for d in sorted(p for p in OUT.rglob("*") if p.is_dir()):
        os.chmod(d, 0o755)
    os.chmod(OUT, 0o755)


if __name__ == "__main__":
    main()
