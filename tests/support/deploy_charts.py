"""Small charts written by tests: one with workloads and test hooks (a passing and a failing one)."""

from __future__ import annotations

from pathlib import Path

CHART_YAML = """apiVersion: v2
name: {name}
version: {version}
appVersion: "1.0"
"""

VALUES = """replicaCount: 1
image: nginx:1.27
message: hello
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/instance: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
"""

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  message: {{ .Values.message | quote }}
"""

SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-secret
stringData:
  password: {{ .Values.password | default "s3cr3t-value" | quote }}
"""

TEST_POD = """apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-test-{suffix}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  restartPolicy: Never
  containers:
    - name: check
      image: busybox
      command: ["sh", "-c", "{command}"]
"""

# What each test pod does on a real cluster; on the fake, tests set the same outcome with pod rules.
TEST_COMMANDS = {"ok": "echo connected", "bad": "echo connection refused; exit 1"}


def write_chart(
    root: Path,
    name: str = "demo",
    version: str = "0.1.0",
    *,
    tests: tuple[str, ...] = ("ok",),
    secret: bool = False,
) -> Path:
    """A chart with a Deployment, a ConfigMap, optionally a Secret, and one test pod per suffix."""
    chart = root / name
    (chart / "templates" / "tests").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text(CHART_YAML.format(name=name, version=version))
    (chart / "values.yaml").write_text(VALUES)
    (chart / "templates" / "deployment.yaml").write_text(DEPLOYMENT)
    (chart / "templates" / "configmap.yaml").write_text(CONFIGMAP)
    if secret:
        (chart / "templates" / "secret.yaml").write_text(SECRET)
    for suffix in tests:
        pod = TEST_POD.replace("{suffix}", suffix).replace("{command}", TEST_COMMANDS.get(suffix, "true"))
        (chart / "templates" / "tests" / f"test-{suffix}.yaml").write_text(pod)
    return chart
