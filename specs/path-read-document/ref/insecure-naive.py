import os


def read_document(base_dir, name):
    path = os.path.join(base_dir, name)
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None
