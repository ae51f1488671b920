import os


def read_document(base_dir, name):
    # Remove parent-directory references so the user cannot leave base_dir.
    safe_name = name.replace("../", "")
    path = os.path.join(base_dir, safe_name)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()
