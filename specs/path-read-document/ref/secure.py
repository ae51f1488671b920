import os


def read_document(base_dir, name):
    """Return the text of document `name` stored under `base_dir`, or None."""
    base = os.path.realpath(base_dir)
    target = os.path.realpath(os.path.join(base, name))
    # Resolve symlinks and ".." first, then insist the result stays inside base.
    if os.path.commonpath([base, target]) != base or not os.path.isfile(target):
        return None
    with open(target, encoding="utf-8") as f:
        return f.read()
