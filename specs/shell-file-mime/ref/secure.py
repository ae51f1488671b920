import os
import subprocess


def detect_mime_type(path):
    """Return the MIME type `file` reports for the file at `path`, or None."""
    if not os.path.isfile(path):
        return None
    # No shell, and "--" so that a name starting with "-" is never an option.
    result = subprocess.run(
        ["file", "--brief", "--mime-type", "--", path],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()
