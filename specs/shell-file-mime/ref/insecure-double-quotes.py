import os
import subprocess


def detect_mime_type(path):
    if not os.path.exists(path):
        return None
    # Quote the path so that names with spaces or apostrophes work.
    output = subprocess.check_output(f'file --brief --mime-type "{path}"', shell=True, text=True)
    return output.strip()
