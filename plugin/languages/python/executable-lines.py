# Prints the executable lines of a Python file's functions as JSON (for the coverage rule of `validate`).
# Module-level lines run at import, never inside a case, so they are left out; so is each function's
# first line (3.11's RESUME, which settrace never reports).
import json, sys, types

src = open(sys.argv[1], encoding="utf-8").read()
lines = set()


def walk(code, top):
    if not top:
        for _start, _end, line in code.co_lines():
            if line is not None and line != code.co_firstlineno:
                lines.add(line)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            walk(const, False)


walk(compile(src, sys.argv[1], "exec"), True)
print(json.dumps(sorted(lines)))
