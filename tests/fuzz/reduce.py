"""Shrinks a failing program by deleting lines while it keeps failing the same way.

``reduce(program, folder)`` takes a ``generator.Program`` whose check is WRONG or INTERNAL and
returns a smaller ``Program`` (same arguments, same ``wrt``) with the same kind and mode: it
deletes single lines, then whole indented blocks (a line with its body), then replaces
``if``/``else`` headers' bodies by their contents, until no deletion keeps the failure.
"""
from .checker import check
from .generator import Program


def _still(lines, program, folder, want):
    candidate = Program("\n".join(lines) + "\n", program.args, program.wrt)
    try:
        compile(candidate.source, "<candidate>", "exec")
    except SyntaxError:
        return None
    got = check(candidate, folder)
    return candidate if (got.kind, got.mode) == want else None


def _block_end(lines, k):
    indent = len(lines[k]) - len(lines[k].lstrip())
    end = k + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return end


def reduce(program, folder):
    """A smaller program failing like ``program`` (see the module docstring)."""
    first = check(program, folder)
    want = (first.kind, first.mode)
    lines = program.source.splitlines()
    changed = True
    while changed:
        changed = False
        k = 0
        while k < len(lines):
            for end in (k + 1, _block_end(lines, k)):
                trial = lines[:k] + lines[end:]
                if end > k and _still(trial, program, folder, want):
                    lines, changed = trial, True
                    break
            else:
                # a header (if/for/while/else) whose body stays, one level out
                if lines[k].rstrip().endswith(":") and not lines[k].lstrip().startswith("def "):
                    end = _block_end(lines, k)
                    body = [line[4:] for line in lines[k + 1:end]]
                    trial = lines[:k] + body + lines[end:]
                    if _still(trial, program, folder, want):
                        lines, changed = trial, True
                        continue
                k += 1
    return Program("\n".join(lines) + "\n", program.args, program.wrt)
