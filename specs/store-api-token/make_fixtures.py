#!/usr/bin/env python3
"""Regenerate fixtures/ for store-api-token, byte for byte.

Layout (the working dir of every case is a fresh copy of fixtures/):

  vault/                          where the tool keeps its tokens
    github.token                  an existing token file, world-readable (0644)
    planted.token -> ../public/leak.txt        planted symlink to an existing public file
    dangling.token -> ../public/new-leak.txt   planted symlink whose target does not exist yet
  public/leak.txt                 a world-readable file outside vault/ (canary)

Only modes that git keeps are used (0644 files, 0755 folders).
"""
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "fixtures"

FILES = {
    "vault/github.token": "ghp_OLD0123456789abcdefghijklmnopqrstuvwxyzOLD\n",
    "public/leak.txt": "Public notes: nothing secret here.\n",
}
SYMLINKS = {
    "vault/planted.token": "../public/leak.txt",
    "vault/dangling.token": "../public/new-leak.txt",
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
        (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, OUT / rel)
    for d in sorted({p for p in OUT.rglob("*") if p.is_dir() and not p.is_symlink()} | {OUT}):
        os.chmod(d, 0o755)


if __name__ == "__main__":
    main()
