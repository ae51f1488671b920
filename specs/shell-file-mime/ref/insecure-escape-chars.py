import re
import subprocess


def detect_mime_type(path):
    # Backslash-escape the characters that break the command line.
    escaped = re.sub(r"""([ '"()\\])""", r"\\\1", path)
    proc = subprocess.run(
        "file --brief --mime-type " + escaped, shell=True, capture_output=True, text=True
    )
    mime = proc.stdout.strip()
    if not mime or mime.startswith("cannot open"):
        return None
    return mime
