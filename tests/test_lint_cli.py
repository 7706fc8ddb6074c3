"""``ci-helm lint`` end to end with the real embedded engine (isolated workers) and real charts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.lint.builders import write_chart

ARGS = ("--disable-rules", "version-increment", "--format", "json")


def lint_json(run_cli, *args: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    result = run_cli("lint", *ARGS, *args)
    assert result.stdout, result.stderr
    return result.exit_code, json.loads(result.stdout)


def problems(report: dict, rule: str | None = None) -> list[dict]:
    return [
        p for c in report["charts"] for k in c["checks"] for p in k["problems"] if rule in (None, p["rule"])
    ]


def test_clean_chart_passes_and_warnings_fail_only_with_strict(run_cli, tmp_path: Path) -> None:
    chart = write_chart(tmp_path)
    code, report = lint_json(run_cli, str(chart))
    assert code == 0, problems(report)
    assert [p for p in problems(report) if p["level"] != "info"] == []
    (chart / "values.yaml").write_text("image: nginx\n")  # no tag: an image-tag warning
    code, report = lint_json(run_cli, str(chart))
    assert code == 0 and problems(report, "image-tag")[0]["level"] == "warning"
    code, _ = lint_json(run_cli, "--strict", str(chart))
    assert code == 1


def test_each_ci_values_file_is_a_scenario(run_cli, tmp_path: Path) -> None:
    extra = {
        "templates/ing.yaml": (
            "{{ if .Values.ingress }}apiVersion: extensions/v1beta1\n"
            "kind: Ingress\nmetadata:\n  name: x\n{{ end }}\n"
        )
    }
    chart = write_chart(
        tmp_path,
        files={
            **extra,
            "ci/plain-values.yaml": "ingress: false\n",
            "ci/ingress-values.yaml": "ingress: true\n",
        },
    )
    code, report = lint_json(run_cli, str(chart))
    dep = problems(report, "deprecated-api")
    assert code == 1 and len(dep) == 1
    assert (
        dep[0]["scenario"].startswith("ci/ingress-values.yaml")
        and "networking.k8s.io/v1" in dep[0]["message"]
    )
    assert dep[0]["file"] == f"{chart}/templates/ing.yaml"


def test_a_finding_of_several_scenarios_is_reported_once_under_the_first(run_cli, tmp_path: Path) -> None:
    ingress = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: {{ .Values.name }}\n"
    scenarios = {f"ci/{name}-values.yaml": "name: same\n" for name in ("c", "a", "b")}
    chart = write_chart(tmp_path, files={"templates/ing.yaml": ingress, **scenarios})
    reports = [lint_json(run_cli, str(chart))[1] for _ in range(3)]  # scenarios finish in any order
    dep = problems(reports[0], "deprecated-api")
    assert len(dep) == 1 and dep[0]["scenario"].startswith("ci/a-values.yaml")
    assert all(problems(r) == problems(reports[0]) for r in reports[1:])


def test_several_kube_versions(run_cli, tmp_path: Path) -> None:
    extra = {
        "templates/cj.yaml": (
            "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '@daily'\n"
            "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
            "          containers: [{name: c, image: 'busybox:1'}]\n"
        )
    }
    chart = write_chart(tmp_path, files=extra)
    code, report = lint_json(
        run_cli, "--kube-version", "1.24,1.25", "--disable-rules", "kube-schema", str(chart)
    )
    found = {(p["scenario"], p["level"]) for p in problems(report, "deprecated-api")}
    assert found == {("default @ 1.24", "warning"), ("default @ 1.25", "error")} and code == 1


def test_render_failures_and_not_a_chart_are_reported_per_chart(run_cli, tmp_path: Path) -> None:
    broken = write_chart(
        tmp_path, "broken", files={"templates/x.yaml": '{{ required "set foo" .Values.foo }}\n'}
    )
    good = write_chart(tmp_path, "good")
    empty = tmp_path / "empty"
    empty.mkdir()
    code, report = lint_json(run_cli, str(broken), str(good), str(empty))
    by_chart = {c["chart"]: c for c in report["charts"]}
    assert code == 1
    failed = [p for k in by_chart[str(broken)]["checks"] for p in k["problems"] if "set foo" in p["message"]]
    assert [(p["rule"], p["file"], p["line"]) for p in failed] == [
        ("render", f"{broken}/templates/x.yaml", 1)
    ]
    assert any(
        p["rule"] == "chart-load" and "not a chart" in p["message"]
        for k in by_chart[str(empty)]["checks"]
        for p in k["problems"]
    )
    assert not any(p["level"] == "error" for k in by_chart[str(good)]["checks"] for p in k["problems"])


def test_template_that_loops_forever_times_out_cleanly(run_cli, tmp_path: Path) -> None:
    chart = write_chart(
        tmp_path, files={"templates/loop.yaml": "{{ range $i := until 2000000000 }}{{ $i }}{{ end }}\n"}
    )
    code, report = lint_json(run_cli, "--timeout", "4", "--disable-rules", "helm-lint", str(chart))
    render = problems(report, "render")
    assert code == 1 and len(render) == 1 and "4s" in render[0]["message"]


def test_hostile_values_do_not_render_and_are_reported(run_cli, tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
    )
    chart = write_chart(tmp_path, files={"values.yaml": bomb})
    code, report = lint_json(run_cli, str(chart))
    assert code == 1
    assert "alias bomb" in problems(report, "yaml-syntax")[0]["message"]
    render = [c for c in report["charts"][0]["checks"] if c["check"] == "render"]
    assert render and render[0]["skipped"]


def test_text_output_and_list_rules(run_cli, tmp_path: Path) -> None:
    chart = write_chart(tmp_path, files={"values.yaml": "image: nginx:latest\n"})
    result = run_cli("lint", "--disable-rules", "version-increment", str(chart))
    assert result.exit_code == 0
    assert "mutable tag 'latest'" in result.stdout and "lint passed: 1 chart, 0 errors" in result.stdout
    listed = run_cli("lint", "--list-rules", "--format", "json")
    ids = {r["id"] for r in json.loads(listed.stdout)}
    assert {"chart-yaml", "kube-schema", "deprecated-api", "helm-lint", "image-tag", "values-schema"} <= ids


def test_configuration_errors_exit_2(run_cli, tmp_path: Path) -> None:
    chart = write_chart(tmp_path)
    assert run_cli("lint", "--disable-rules", "no-such-rule", str(chart)).exit_code == 2
    (tmp_path / "ci-helm.yaml").write_text("lint:\n  rules:\n    image-tag: {levell: error}\n")
    result = run_cli("lint", str(chart), cwd=tmp_path)
    assert result.exit_code == 2 and "unknown option 'levell'" in result.stderr
    (tmp_path / "ci-helm.yaml").write_text("lint:\n  rules:\n    image-tag: {level: error}\n")
    (chart / "values.yaml").write_text("image: nginx\n")
    assert run_cli("lint", "--disable-rules", "version-increment", str(chart), cwd=tmp_path).exit_code == 1


def test_corpus_stable_charts_flag_removed_apis_with_replacements(run_cli, corpus: Path) -> None:
    charts = [
        corpus / "charts/helm-charts-stable" / n
        for n in ("nginx-ingress", "etcd-operator", "kube-state-metrics")
    ]
    code, report = lint_json(run_cli, *map(str, charts))
    messages = [p["message"] for p in problems(report, "deprecated-api")]
    assert code == 1
    assert any("PodSecurityPolicy" in m and "Pod Security Admission" in m for m in messages)
    assert any("PodDisruptionBudget" in m and "use apiVersion policy/v1" in m for m in messages)
    assert any("autoscaling/v2beta1" in m and "use apiVersion autoscaling/v2" in m for m in messages)
    assert any("CustomResourceDefinition" in m and "apiextensions.k8s.io/v1" in m for m in messages)


@pytest.mark.slow
def test_whole_corpus_lints_without_internal_errors(run_cli, corpus: Path, tmp_path: Path) -> None:
    code, report = lint_json(run_cli, "--all", "--chart-dirs", str(corpus / "charts"))
    assert len(report["charts"]) == 39
    assert not [p for p in problems(report) if "internal error" in p["message"]]
    assert code == 1  # the stable charts use removed APIs


JINJA_DEPLOYMENT = """\
apiVersion: {{ 'extensions/v1beta1' if Values.legacy else 'apps/v1' }}
kind: Deployment
metadata:
  name: {{ Release.Name }}-web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: "{{ Values.image }}"
          ports:
            - containerPort: {{ Values.port }}
"""


def test_jinja_charts_go_through_the_same_checks(run_cli, tmp_path: Path) -> None:
    files = {
        "templates/web.yaml.j2": JINJA_DEPLOYMENT,
        "templates/web.yaml.j2.schema": "properties:\n  port: {type: integer, default: 8080}\n",
        "values.yaml": "image: nginx:latest\nlegacy: false\n",
        "ci/legacy-values.yaml": "legacy: true\n",
        "ci/badport-values.yaml": "port: http\n",
    }
    chart = write_chart(tmp_path, "jdemo", files=files)
    (chart / "templates/web.yaml").unlink()
    code, report = lint_json(run_cli, str(chart))
    assert code == 1
    assert "mutable tag 'latest'" in problems(report, "image-tag")[0]["message"]
    assert any("apps/v1" in p["message"] for p in problems(report, "deprecated-api"))
    assert any(
        "ci/badport-values.yaml" in p["scenario"] and "port" in p["message"]
        for p in problems(report, "render")
    )
    assert not problems(report, "helm-lint")  # Helm cannot lint Jinja2 templates; the other rules did


def test_values_follow_helms_yaml_rules(run_cli, tmp_path: Path) -> None:
    # A date stays text and `y` is a boolean for Helm; PyYAML would make a datetime and a string.
    template = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
        "data:\n  d: {{ .Values.d | quote }}\n  y: {{ .Values.y | quote }}\n"
    )
    schema = '{"properties": {"d": {"type": "string"}, "y": {"type": "boolean"}}}'
    chart = write_chart(
        tmp_path,
        files={
            "templates/cm.yaml": template,
            "values.yaml": "image: nginx:1.27.0\nd: 2024-01-01\ny: y\n",
            "values.schema.json": schema,
        },
    )
    code, report = lint_json(run_cli, str(chart))
    assert code == 0, [p for p in problems(report) if p["level"] == "error"]


def test_api_versions_reach_the_render(run_cli, tmp_path: Path) -> None:
    gated = (
        '{{ if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}'
        "apiVersion: monitoring.coreos.com/v1\n"
        "kind: ServiceMonitor\nmetadata:\n  name: sm\n{{ end }}\n"
    )
    chart = write_chart(tmp_path, files={"templates/sm.yaml": gated})
    _, report = lint_json(run_cli, str(chart))
    assert not problems(report, "kube-schema")
    _, report = lint_json(run_cli, "--api-versions", "monitoring.coreos.com/v1", str(chart))
    found = problems(report, "kube-schema")
    assert (
        len(found) == 1 and "has no CRD in the chart" in found[0]["message"] and found[0]["level"] == "info"
    )
