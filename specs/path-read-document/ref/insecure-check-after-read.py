import os


def read_document(base_dir, name):
    path = os.path.join(base_dir, name)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return None
    # The containment check comes after the file has already been opened and read.
    base = os.path.realpath(base_dir)
    real = os.path.realpath(path)
    if os.path.commonpath([base, real]) != base:
        return None
    return text
