# Prints the executable lines of a Python file's functions as JSON (for the coverage rule of `validate`).
# Module-level and class-body lines run at import, never inside a case, so they are left out (methods inside
# classes are counted); so is each function's first line (3.11's RESUME, which settrace never reports).
import json, sys, types

src = open(sys.argv[1], encoding="utf-8").read()
lines = set()


CO_NEWLOCALS = 0x2  # set on function code objects; module and class bodies lack it


def walk(code, top):
    if not top and code.co_flags & CO_NEWLOCALS:
        for _start, _end, line in code.co_lines():
            if line is not None and line != code.co_firstlineno:
                lines.add(line)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            walk(const, False)


walk(compile(src, sys.argv[1], "exec"), True)
print(json.dumps(sorted(lines)))
