import os


def read_document(base_dir, name):
    base = os.path.realpath(base_dir)
    path = os.path.realpath(os.path.join(base_dir, name))
    # Forgets the separator: /work/docs-private also "starts with" /work/docs.
    if not path.startswith(base):
        return None
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()
