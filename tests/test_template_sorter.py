"""Unit tests for the Helm v4.2 port: document splitting, hook detection, install order, show-only."""

from __future__ import annotations

import pytest

from ci_helm.chart.gomatch import glob_matches
from ci_helm.errors import RenderError, UsageError
from ci_helm.render.sorter import INSTALL_ORDER, sort_manifests
from ci_helm.render.split import go_trim_left, go_trim_space, split_manifests
from ci_helm.render.template_output import Sorted, TemplateOptions, select_shown, sort_render, stdout_text


def doc(kind: str, name: str, annotations: str = "") -> str:
    meta = f"  name: {name}\n" + (f"  annotations:\n{annotations}" if annotations else "")
    return f"apiVersion: v1\nkind: {kind}\nmetadata:\n{meta}"


# --- splitting ---------------------------------------------------------------------------


def test_split_keeps_trailing_newline_of_last_document_only() -> None:
    text = "\n\n---\nkind: A\n\n---\nkind: B\n\n"
    assert split_manifests(text) == ["kind: A", "kind: B\n\n"]


def test_split_separates_glued_separator_and_leaves_extra_dash() -> None:
    assert split_manifests("kind: A\n---kind: B\n----\nkind: C\n") == ["kind: A", "kind: B", "-\nkind: C\n"]


def test_split_drops_blank_documents_and_handles_empty_input() -> None:
    assert split_manifests("") == []
    assert split_manifests("  \n\n  \n") == []
    assert split_manifests("---\nkind: A\n---\n  \n") == ["kind: A"]


def test_separator_needs_line_start() -> None:
    assert split_manifests("a: b---c\n") == ["a: b---c\n"]
    assert split_manifests("a: |\n  ---\n  x\n") == ["a: |\n  ---\n  x\n"]  # indented: not a separator
    assert split_manifests("a: |\n---\n  x\n") == ["a: |", "x\n"]  # Helm splits block text at column 0


def test_go_whitespace_is_not_python_whitespace() -> None:
    assert go_trim_left("\x1cx") == "\x1cx"  # str.isspace() says True, Go's unicode.IsSpace says False
    assert go_trim_left("\v\u00a0\u2028x") == "x"
    assert go_trim_space(" \n x \t\n") == "x"


# --- sorting -----------------------------------------------------------------------------


def test_install_order_known_kinds_then_unknown_alphabetically_stable() -> None:
    files = {
        "c/templates/b.yaml": "\n---\n".join(
            [doc("Zebra", "z1"), doc("Deployment", "d1"), doc("Alpha", "a1"), doc("Zebra", "z0")]
        ),
        "c/templates/a.yaml": doc("Service", "s1") + "\n---\n" + doc("Namespace", "n1"),
        "c/templates/_helpers.tpl": doc("Namespace", "partial"),
        "c/templates/empty.yaml": "  \n\n",
    }
    hooks, manifests = sort_manifests(files)
    assert hooks == []
    assert [(m.head.kind, m.head.name) for m in manifests] == [
        ("Namespace", "n1"),
        ("Service", "s1"),
        ("Deployment", "d1"),
        ("Alpha", "a1"),
        ("Zebra", "z1"),  # equal kinds keep file order, no tie-break by name
        ("Zebra", "z0"),
    ]


def test_files_visited_in_byte_order_of_path() -> None:
    files = {"c/templates/b.yaml": doc("ConfigMap", "b"), "c/templates/B.yaml": doc("ConfigMap", "B")}
    _, manifests = sort_manifests(files)
    assert [m.head.name for m in manifests] == ["B", "b"]


def test_install_order_table_matches_helm() -> None:
    assert INSTALL_ORDER[:3] == ("PriorityClass", "Namespace", "NetworkPolicy")
    assert INSTALL_ORDER.index("CustomResourceDefinition") < INSTALL_ORDER.index("ClusterRole")
    assert INSTALL_ORDER[-1] == "ValidatingWebhookConfiguration"
    assert len(INSTALL_ORDER) == 38


def test_hooks_are_separated_sorted_by_kind_and_unknown_hooks_dropped() -> None:
    files = {
        "c/templates/hooks.yaml": "\n---\n".join(
            [
                doc("Pod", "test-pod", '    "helm.sh/hook": " Test-Success "\n'),
                doc(
                    "Job",
                    "job",
                    '    helm.sh/hook: pre-install,post-upgrade\n    helm.sh/hook-weight: "-5"\n',
                ),
                doc("ConfigMap", "cm", '    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "x"\n'),
                doc("CustomResourceDefinition", "old", "    helm.sh/hook: crd-install\n"),
                doc("Secret", "plain", "    other: annotation\n"),
            ]
        )
    }
    hooks, manifests = sort_manifests(files)
    assert [(h.kind, h.events, h.weight) for h in hooks] == [
        ("ConfigMap", ("pre-install",), 0),
        ("Pod", ("test",), 0),
        ("Job", ("pre-install", "post-upgrade"), -5),
    ]
    assert hooks[1].is_test and not hooks[2].is_test
    assert [m.head.name for m in manifests] == ["plain"]  # the crd-install document is gone


def test_comment_only_document_is_kept_as_unknown_kind() -> None:
    _, manifests = sort_manifests({"c/templates/a.yaml": "# just a comment\n"})
    assert [(m.head.kind, m.content) for m in manifests] == [("", "# just a comment\n")]


@pytest.mark.parametrize(
    "bad",
    [
        "kind: A\nmetadata:\n  annotations:\n    helm.sh/hook-weight: 5\n",  # non-string annotation
        "kind: [a\n",  # invalid YAML
        "- a\n- b\n",  # a list, not an object
    ],
)
def test_unparseable_head_is_a_render_error_naming_the_template(bad: str) -> None:
    with pytest.raises(RenderError) as err:
        sort_manifests({"c/templates/bad.yaml": bad})
    assert err.value.path == "c/templates/bad.yaml"
    assert "YAML parse error" in err.value.message


# --- assembly ----------------------------------------------------------------------------


def _sorted() -> Sorted:
    return sort_render(
        {
            "c/templates/NOTES.txt": "Thanks for installing\n",
            "c/templates/svc.yaml": doc("Service", "s") + "\n",
            "c/templates/cm.yaml": doc("ConfigMap", "c") + "\n",
            "c/templates/tests/t.yaml": doc("Pod", "t", "    helm.sh/hook: test\n") + "\n",
        }
    )


def test_stdout_has_sources_trimmed_manifest_block_and_hooks_last() -> None:
    text = stdout_text(_sorted(), TemplateOptions())
    assert (
        text
        == (
            "---\n# Source: c/templates/cm.yaml\n" + doc("ConfigMap", "c") + "\n\n"
            "---\n# Source: c/templates/svc.yaml\n" + doc("Service", "s") + ""  # block trimmed, one newline
            "---\n# Source: c/templates/tests/t.yaml\n" + doc("Pod", "t", "    helm.sh/hook: test\n") + "\n\n"
        )
    )
    assert "Thanks" not in text


def test_skip_tests_and_show_only() -> None:
    assert "tests/t.yaml" not in stdout_text(_sorted(), TemplateOptions(skip_tests=True))
    shown = stdout_text(_sorted(), TemplateOptions(show_only=("templates/svc.yaml", "templates/*/t.yaml")))
    assert shown.count("# Source:") == 2
    assert shown.index("svc.yaml") < shown.index("tests/t.yaml")  # pattern order


def test_show_only_error_for_a_path_without_output() -> None:
    with pytest.raises(UsageError, match=r"could not find template templates/nope\.yaml in chart"):
        select_shown(stdout_text(_sorted(), TemplateOptions()), ["templates/nope.yaml"])


def test_go_path_match() -> None:
    assert glob_matches("templates/*.yaml", "templates/a.yaml")
    assert not glob_matches("templates/*.yaml", "templates/sub/a.yaml")  # * stops at /
    assert glob_matches("templates/[a-c]?.yaml", "templates/b1.yaml")
    assert not glob_matches("templates/[^a-c]?.yaml", "templates/b1.yaml")
    assert glob_matches("templates/\\*.yaml", "templates/*.yaml")
    assert not glob_matches("templates/[.yaml", "templates/[.yaml")  # bad pattern matches nothing
