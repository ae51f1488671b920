import os


def read_document(base_dir, name):
    base = os.path.abspath(base_dir)
    # Purely lexical normalisation: ".." is collapsed but symlinks are not resolved.
    path = os.path.normpath(os.path.join(base, name))
    if not path.startswith(base + os.sep):
        return None
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()
