"""``yamllint_fast.run`` (libyaml scans) gives exactly ``yamllint.linter.run``'s problems.

Compared: line, column, level, description and rule of every problem, with chart-testing's configuration
(what ``ci-helm lint`` uses) and yamllint's ``default`` one, on every *.yaml/*.yml file of the corpus
(files over 50 kB - CRDs and repository indexes - on their first 50 kB, cut at a line end; the charts'
Chart.yaml, values.yaml and ci/*-values.yaml always whole), on hand-written edge cases, and on seeded
mutations of corpus lines. Outside ``run`` the reference is plain yamllint: the dispatchers that
``yamllint_fast`` installs call yamllint's own functions then (tested below).
"""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from yamllint import linter, parser
from yamllint.config import YamlLintConfig

from ci_helm.lint import yamllint_fast
from ci_helm.lint.rules import yaml_style

CONFIGS = {"ct": yaml_style._config(None), "default": YamlLintConfig("extends: default")}
SHARDS = 8  # the corpus comparison is split so that xdist workers share it
WINDOW = 50_000


def problems(found: Any) -> list[tuple[int, int, str | None, str, str | None]]:
    return [(p.line, p.column, p.level, p.desc, p.rule) for p in found]


def outcome(run: Any, text: str, config: Any, path: str | None = None) -> Any:
    try:
        return problems(run(text, config, path))
    except Exception as exc:  # yamllint's own crashes (a rule's TypeError, a ReaderError) must stay
        return (type(exc), str(exc))


def assert_same(text: str, path: str | None = None) -> None:
    for name, config in CONFIGS.items():
        expected = outcome(linter.run, text, config, path)
        assert outcome(yamllint_fast.run, text, config, path) == expected, (name, path)


def stream(elements: Iterator[Any]) -> list[tuple[Any, ...]]:
    """What yamllint's rules see of a token/comment stream, marks included."""

    def mark(m: Any) -> tuple[Any, ...]:  # the buffer by hash: comparing it whole per mark is quadratic
        return (m.name, m.index, m.line, m.column, m.pointer, len(m.buffer), hash(m.buffer))

    def token(t: Any) -> tuple[Any, ...] | None:
        if t is None:
            return None
        attrs = {k: v for k, v in vars(t).items() if not k.endswith("_mark")}
        return (type(t).__name__, sorted(attrs.items()), mark(t.start_mark), mark(t.end_mark))

    out: list[tuple[Any, ...]] = []
    for e in elements:
        if isinstance(e, parser.Token):
            out.append((e.line_no, token(e.curr), token(e.prev), token(e.next), token(e.nextnext)))
        else:
            comment = (e.line_no, e.column_no, e.pointer, str(e), hash(e.buffer), e.is_inline())
            out.append((*comment, token(e.token_before), token(e.token_after)))
    return out


def assert_same_stream(text: str) -> None:
    """Where libyaml scans the text, yamllint's rules get the very stream its own scanner gives."""
    tokens = yamllint_fast._scan(text)
    if tokens is not None:
        assert linter.get_syntax_error(text) is None
        pure = stream(parser.token_or_comment_generator(text))
        assert stream(yamllint_fast._tokens_or_comments(tokens)) == pure


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def lint_scope(corpus: Path) -> list[Path]:
    """What ``ci-helm lint`` gives yamllint: each chart's Chart.yaml, values.yaml, ci/*-values.yaml."""
    out = []
    for chart in sorted(p.parent for p in (corpus / "charts").glob("*/*/Chart.yaml")):
        out += [chart / "Chart.yaml", chart / "values.yaml", *sorted((chart / "ci").glob("*-values.yaml"))]
    return [p for p in out if p.is_file()]


def window(text: str) -> str:
    return text if len(text) <= WINDOW else text[: text.rfind("\n", 0, WINDOW) + 1]


@pytest.mark.parametrize("shard", range(SHARDS))
def test_corpus_files_give_yamllint_problems(corpus: Path, shard: int) -> None:
    files = corpus_files(corpus)
    assert len(files) > 2000
    for i, path in enumerate(files[shard::SHARDS]):
        text = window(path.read_text(encoding="utf-8"))
        # A text libyaml does not scan goes through plain yamllint (the same call as the reference):
        # one in four of those (mostly Go templates) is enough to show it.
        if yamllint_fast._scan(text) is not None or i % 4 == 0:
            assert_same(text, str(path))


def test_chart_lint_files_whole_and_on_the_fast_path(corpus: Path) -> None:
    files = lint_scope(corpus)
    assert len(files) > 150
    for path in files:
        text = path.read_text(encoding="utf-8")
        if len(text) > WINDOW:  # the corpus comparison saw a window: compare the whole file here
            assert_same(text, str(path))
        assert yamllint_fast._scan(text) is not None, f"{path}: falls back to the pure-Python scans"
        assert_same_stream(text)


TRICKY = {
    "empty": "",
    "only newline": "\n",
    "only comment, no newline": "# just a comment",
    "non-ascii": "name: café\nemoji: 😀 # ünïcödé comment\nkey_日本: 値\n'quoted é': \"é\\u00e9\"\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - y # c\r\n\r\n\r\n\r\nc: |\r\n  line\r\n  two\r\n",
    "crlf without final newline": "a: 1\r\nb: 2",
    "tab in comments": "a: 1 #\tcomment\n#\tfull line\nb: [1, 2]  # x\ty\n",
    "tab in quoted and block scalars": "a: 'x\ty'\nb: \"\\t\tz\"\nc: |\n  tab\there\n",
    "tab as separator": "a:\tb\n",
    "tab before comment": "a: b\t# c\n",
    "tab indentation": "a:\n\tb: 1\n",
    "tab after block indicator": "a: |\t# c\n  x\n",
    "bom": "\ufeffa: 1\nb: 2\n",
    "bom then comment": "\ufeff# c\na: 1\n",
    "comments everywhere": (
        "# head\n\n---  # after doc start\n# before key\nkey:   # after key\n  # inside\n  - a # after item\n"
        "  -   b\n# between\n...  # after doc end\n# between documents\n---\nx: {a: 1, # in flow\n  b: 2}\n"
        "#no space\ny: z  #trailing\n# at EOF without newline"
    ),
    "comment directly after token": "a: 'b'#c\nd: [e]#f\n",
    "yamllint directives": (
        "# yamllint disable rule:trailing-spaces\na: b   \n# yamllint enable\nc: yes\n"
        "d: no  # yamllint disable-line\n# yamllint disable-line rule:truthy\ne: on\n"
    ),
    "disable-file": "# yamllint disable-file\na:   b\n",
    "flow collections": (
        "a: [1,2 , 3]\nb: {x: 1,y: 2}\nc: [ ]\nd: {}\ne: [{a: b}, [c, d], 'e', \"f\"]\n"
        "f: [\n  1,\n  2,\n]\ng: {a: [b, {c: d}]}\nh: [a:b, c: d, http://x:80/y]\n"
    ),
    "block scalars": (
        "a: |\n  line 1\n\n  line 3\nb: >-\n  folded\n  text\n\nc: |+2\n    kept\n\n\nd: >\n"
        "    more\n  indented\ne: |-\n  x\n  # not a comment\nf: | # header comment\n  y\n"
    ),
    "multi-line scalars": (
        "a: plain\n  continued\n  here\nb: 'single\n\n  quoted'\nc: \"double \\\n  escaped\"\nd: long plain"
        "\n\n  with blank\n"
    ),
    "anchors and aliases": "base: &b\n  x: 1\nother:\n  <<: *b\n  y: &y 2\nlist: [*y, *b]\n&k key: *y\n",
    "multiple documents": "---\na: 1\n...\n---\nb: 2\n--- c\n--- |\n  d\n...\n",
    "directives": "%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\na: !e!thing 1\n",
    "yaml 1.2 directive": "%YAML 1.2\n---\na: 1\n",
    "unknown directive": "%FOO bar\n---\na: 1\n",  # libyaml rejects it, PyYAML not
    "tags": "a: !!str 1\nb: !local x\nc: ! y\nd: !!binary |\n  aGVsbG8=\ne: !<tag:x,2000:y> z\n",
    "tag before comma in flow": "a: [!!str, x]\n",
    "odd tag handle": "a: !x.y!z q\n",
    "question mark in flow plain scalar": "a: {b?c: d}\ne: [f?]\n",
    "block indicator then comment": "a: |-# c\n  x\n",
    "complex keys": "? a\n: b\n? [c, d]\n: e\n? |\n  f\n",
    "truthy and octals": "a: yes\nb: on\nc: 0777\nd: 0o17\ne: True\nf: 'yes'\n",
    "trailing spaces and empty lines": "\n\na: 1   \n\n\n\nb: 2\n\n\n",
    "no newline at end": "a: 1\nb:\n  - c",
    "indentation problems": "a:\n   b: 1\n   c:\n     - d\n     -  e\nf:\n- g\n- h\n",
    "duplicate keys": "a: 1\na: 2\nb: {x: 1, x: 2}\n",
    "long lines": "a: " + "x" * 200 + "\nb: 'http://example.com/" + "y" * 100 + "'\n",
    "long simple key": "k" * 1100 + ": v\n",
    "hyphens and colons": "a :  1\nb:    2\n-   c\n",
    "lone cr": "a: 1\rb: 2\n",
    "nel and line separators": "a: 1\x85b: 2\u2028c: 3\u2029\n",
    "escapes": 'a: "\\x41\\u00e9\\U0001F600\\e\\N\\_\\L\\P\\/\\0\\ "\n',
    "syntax error: mapping in scalar": "a: b: c\n",
    "syntax error: bad indentation": "a:\n  b: 1\n c: 2\n",
    "syntax error: unclosed flow": "a: [1, 2\nb: 3\n",
    "syntax error: unclosed quote": "a: 'oops\n",
    "syntax error: template": "name: {{ .Values.name }}\n{{- if .Values.x }}\nx: 1\n{{- end }}\n",
    "syntax error: after problems": "a: 1   \nb:  2\nc: [\n",
    "syntax error: undefined tag handle": "a: !u!x b\n",
    "syntax error: yaml 2.0": "%YAML 2.0\n---\na: 1\n",
    "syntax error: bad escape": 'a: "\\q"\n',
    "syntax error: tab in block scalar indentation": "a: |\n\tx\n",
    "syntax error: block entry in mapping": "a: 1\n- b\n",
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_tricky_inputs_give_yamllint_problems(text: str) -> None:
    assert_same(text, "values.yaml")
    assert_same_stream(text)


@pytest.mark.parametrize("name", [n for n in TRICKY if n.startswith("syntax error")])
def test_syntax_errors_come_from_yamllint_itself(name: str) -> None:
    text = TRICKY[name]
    assert yamllint_fast._scan(text) is None  # libyaml errs: the file goes through yamllint unchanged
    found = problems(yamllint_fast.run(text, CONFIGS["ct"], None))
    assert [p for p in found if p[4] is None and p[3].startswith("syntax error: ")], found


FALLBACKS = ["tab as separator", "tab before comment", "tag before comma in flow", "odd tag handle"]
FALLBACKS += ["question mark in flow plain scalar", "block indicator then comment", "unknown directive"]
FALLBACKS += ["bom", "bom then comment", "lone cr", "nel and line separators"]


@pytest.mark.parametrize("name", FALLBACKS)
def test_texts_the_scanners_read_differently_fall_back(name: str) -> None:
    assert yamllint_fast._scan(TRICKY[name]) is None


def test_unprintable_characters_raise_as_in_yamllint() -> None:
    text = "a: b\x07\n"
    expected = outcome(linter.run, text, CONFIGS["ct"])
    assert "unacceptable character" in expected[1]
    assert outcome(yamllint_fast.run, text, CONFIGS["ct"]) == expected


PIECES = [":", ": ", "-", "- ", " ", "  ", "\t", "\n", "\r\n", "#", " # c", "'", '"', "[", "]", "{", "}", ","]
PIECES += ["&a ", "*a", "!", "!!str ", "!t ", "|", "|-", ">", ">+2", "?", "? ", "\\", "é", "---\n", "...\n"]
PIECES += ["%YAML 1.1\n", "a", "key: value\n", "\n\n", " \n", "<<: *a\n", "- [a, b]\n", "{a: 1}", "a?b", "|#"]


def test_seeded_mutations_of_corpus_lines(corpus: Path) -> None:
    """Small edits of real values files: wherever libyaml scans them, everything matches yamllint."""
    rng = random.Random(20240521)
    sources = [p.read_text(encoding="utf-8").splitlines(keepends=True) for p in lint_scope(corpus)]
    fast = 0
    for _ in range(1500):
        lines = rng.choice([s for s in sources if s])
        start = rng.randrange(len(lines))
        chars = list("".join(lines[start : start + rng.randint(1, 12)]))
        for _ in range(rng.choice([1, 1, 2, 3, 5])):
            at = rng.randint(0, len(chars))
            if rng.random() < 0.5:
                chars[at:at] = rng.choice(PIECES)
            else:
                del chars[at : at + rng.randint(1, 3)]
        text = "".join(chars)
        fast += yamllint_fast._scan(text) is not None
        assert_same_stream(text)
        assert outcome(yamllint_fast.run, text, CONFIGS["ct"]) == outcome(linter.run, text, CONFIGS["ct"])
    assert fast > 300  # enough of them take the fast path to mean something


def test_yamllint_itself_is_unchanged_outside_run() -> None:
    assert yamllint_fast._ENABLED  # this PyYAML has libyaml, and it scans the sample like PyYAML
    text = "a: 1\n# c\nb: [x, y]\n"
    original = parser.token_or_comment_generator.__wrapped__
    assert stream(parser.token_or_comment_generator(text)) == stream(original(text))
    assert linter.get_syntax_error("a: [\n") is not None  # the dispatcher passes through


def test_threads_lint_at_once() -> None:
    texts = [f"k{i}: {'yes' if i % 2 else 'v'}  \nl{i}:\n   - [a,b]\n" + "x: 1\n" * i for i in range(40)]
    expected = [problems(linter.run(t, CONFIGS["default"])) for t in texts]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda t: problems(yamllint_fast.run(t, CONFIGS["default"])), texts))
    assert got == expected


def test_spawned_process_pool_lints_like_yamllint() -> None:
    files = [("values.yaml", TRICKY["comments everywhere"]), ("ci/a-values.yaml", TRICKY["crlf"])]
    files.append(("Chart.yaml", TRICKY["syntax error: template"]))
    expected = []
    for path, text in files:
        for p in linter.run(text, CONFIGS["ct"], path):
            if p.rule != "key-duplicates":
                message = f"{p.desc} ({p.rule})" if p.rule else p.desc
                expected.append((path, p.line, p.column, str(p.level), message))
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(yaml_style.lint_files, None, files).result() == expected
