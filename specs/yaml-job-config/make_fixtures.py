#!/usr/bin/env python3
"""Regenerate fixtures/ for yaml-job-config, byte for byte.

The working dir of the CI worker holds a canary secret file that an object-constructing YAML
payload (e.g. subprocess.getoutput("cat ...")) would read into the parsed job.
"""
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "fixtures"

FILES = {
    "deploy-key.txt": "CANARY-YAML-3b7f: ssh deploy key of the CI worker\n",
}


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    for rel, text in sorted(FILES.items()):
        p = OUT / rel
        p.write_bytes(text.encode("utf-8"))
        os.chmod(p, 0o644)
    os.chmod(OUT, 0o755)


if __name__ == "__main__":
    main()
