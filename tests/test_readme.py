"""README.md shows what s2s does: its generated source is s2s's, its Usage numbers are what the calls return."""
import ast
import importlib.util
import math
import pathlib
import re

import s2s

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def section(title):
    """README's text from the heading ``title`` to the next heading."""
    start = README.index("\n" + title + "\n")
    end = re.compile(r"\n#+ ").search(README, start + 1)
    return README[start:end.start() if end else len(README)]


def python_blocks(text):
    return re.findall(r"```python\n(.*?)```", text, re.S)


def load(path, name):
    """The module at ``path`` (s2s reads its functions' source from the file)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_source_is_the_real_one():
    """Before any call the general gradient; after df(2.0, 5.0) the code specialized to two floats."""
    _, before, after = python_blocks(section("## Example: the generated source"))
    lecture = load(ROOT / "samples" / "lecture.py", "readme_lecture")
    df = s2s.grad(lecture.f, wrt=(0, 1))

    def shown(source):  # README names the file from the repository's root
        return source.replace(str(ROOT / "samples") + "/", "samples/")

    assert shown(s2s.source(df)) == before
    df(2.0, 5.0)
    assert shown(s2s.source(df)) == after


def value_lines(source):
    """(line number, expression, value) for each line ``expression  # value`` whose comment is a number
    or a tuple of them; ``...`` marks digits left out (``1.7163...``)."""
    for number, line in enumerate(source.splitlines(), 1):
        code, _, comment = line.partition("  #")
        try:
            ast.parse(code.strip(), mode="eval")
            value = ast.literal_eval(comment.strip().replace("...", ""))
        except (SyntaxError, ValueError):
            continue
        if numbers(value):
            yield number, code.strip(), value


def numbers(value):
    if isinstance(value, tuple):
        return all(map(numbers, value))
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def close(got, want):
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and all(map(close, got, want))
    return math.isclose(float(got), want, rel_tol=1e-4)


def test_the_usage_examples_run_and_give_the_values_in_their_comments(tmp_path):
    """The Usage blocks, run as one file; each ``# value`` comment is what its line returns (within 1e-4)."""
    source = "\n".join(python_blocks(section("## Usage"))
                       + python_blocks(section("### Forward mode, Jacobians and higher order")))
    checked = list(value_lines(source))
    assert len(checked) >= 3, "the Usage examples lost their value comments"
    lines = source.splitlines()
    for number, code, _ in checked:
        lines[number - 1] = "VALUES[{}] = {}".format(number, code)
    path = tmp_path / "readme_usage.py"
    path.write_text("VALUES = {}\n" + "\n".join(lines) + "\n")
    values = load(path, "readme_usage").VALUES
    for number, code, want in checked:
        assert close(values[number], want), "README: `{}` gives {}, not {}".format(code, values[number], want)
