"""Small charts written into a temp dir for lint tests, and Rendered fixtures for rule tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ci_helm.kube.schemas import parse_kube_version
from ci_helm.lint.config import configure_rules
from ci_helm.lint.inputs import read_chart
from ci_helm.lint.model import ChartInput, Document, Finding, LintServices, Rendered, RuleContext, Scenario
from ci_helm.lint.registry import rule_by_id

CHART_YAML = 'apiVersion: v2\nname: {name}\ndescription: A test chart\nversion: 0.1.0\nappVersion: "1.0"\n'

GOOD_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
      containers:
        - name: web
          image: "{{ .Values.image }}"
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet: {path: /, port: 8080}
          livenessProbe:
            httpGet: {path: /, port: 8080}
          securityContext:
            allowPrivilegeEscalation: false
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {memory: 32Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
"""


def write_chart(
    root: Path, name: str = "demo", *, files: dict[str, str] | None = None, chart_yaml: str | None = None
) -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text(chart_yaml if chart_yaml is not None else CHART_YAML.format(name=name))
    defaults = {"values.yaml": "image: nginx:1.27.0\n", "templates/web.yaml": GOOD_DEPLOYMENT}
    for rel, text in {**defaults, **(files or {})}.items():
        target = chart / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return chart


def chart_input(path: Path) -> ChartInput:
    return read_chart(path, path.name)


def services(**kwargs: Any) -> LintServices:
    kwargs.setdefault("kube_versions", [parse_kube_version("1.31")])
    return LintServices(**kwargs)


def rendered(*docs: str | dict[str, Any], kube: str = "1.31", template: str = "templates/x.yaml") -> Rendered:
    objects = [yaml.safe_load(d) if isinstance(d, str) else d for d in docs]
    return Rendered(
        Scenario("default"),
        parse_kube_version(kube),
        [Document(o, template, i) for i, o in enumerate(objects)],
    )


def run_rule(
    rule_id: str,
    chart: ChartInput,
    render: Rendered | None = None,
    *,
    svc: LintServices | None = None,
    **options: Any,
) -> list[Finding]:
    rule = rule_by_id(rule_id)
    assert rule is not None, rule_id
    configured = {c.rule.id: c for c in configure_rules({"rules": {rule_id: {"enabled": True, **options}}})}[
        rule_id
    ]
    return list(rule.check(RuleContext(chart, svc or services(), render), configured.options))


def pod(
    kind: str = "Deployment",
    *,
    container: dict[str, Any] | None = None,
    pod_spec: dict[str, Any] | None = None,
    name: str = "web",
) -> dict[str, Any]:
    c = {"name": "app", "image": "nginx:1.27.0", **(container or {})}
    spec = {"containers": [c], **(pod_spec or {})}
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}
    return {
        "apiVersion": "apps/v1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": spec},
        },
    }
