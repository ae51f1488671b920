#!/usr/bin/env python3
"""Regenerate fixtures/ for path-read-document, byte for byte.

Layout (the working dir of every case is a fresh copy of fixtures/):

  docs/                      the document folder passed as base_dir
    welcome.txt
    guides/setup.md
    notes/café ☕.txt          non-ASCII name and content
    release..notes.txt       benign name containing ".." (not a path segment)
    Bob's report.txt         benign name with an apostrophe and a space
    empty.txt                empty document
    shortcut.txt -> ../secret.txt   planted symlink that escapes docs/
  secret.txt                 canary beside docs/
  docs-private/keys.txt      canary in a sibling whose name starts with "docs"
"""
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "fixtures"

FILES = {
    "docs/welcome.txt": "Welcome to the team handbook.\nStart with the setup guide.\n",
    "docs/guides/setup.md": "# Setup\n\n1. Install the tools.\n2. Run `make`.\n",
    "docs/notes/caf\u00e9 \u2615.txt": "Cr\u00e8me br\u00fbl\u00e9e \u2014 4 portions \U0001F36E\n",
    "docs/release..notes.txt": "Release 2.0: faster search.\n",
    "docs/Bob's report.txt": "Q3 numbers are up 12%.\n",
    "docs/empty.txt": "",
    "secret.txt": "CANARY-PATH-7d1e: db password hunter2\n",
    "docs-private/keys.txt": "CANARY-PATH-PRIVATE-42b9: api key\n",
}
SYMLINKS = {
    "docs/shortcut.txt": "../secret.txt",
}


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    for rel, text in sorted(FILES.items()):
        p = OUT / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8"))
        os.chmod(p, 0o644)
    for rel, target in sorted(SYMLINKS.items()):
        os.symlink(target, OUT / rel)
    for d in sorted({p for p in OUT.rglob("*") if p.is_dir() and not p.is_symlink()}):
        os.chmod(d, 0o755)


if __name__ == "__main__":
    main()
