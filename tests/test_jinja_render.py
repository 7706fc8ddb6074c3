"""Jinja2 (Deployment-Manager-style) charts: rendering, helpers, schemas, and every way a template fails."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from ci_helm.chart.jinja import detect_engine, render_jinja_chart
from ci_helm.errors import ChartError, RenderError, RenderTimeout, ValuesError
from tests.support.jinja_charts import chart_from_dir, write_chart

CHART_YAML = "apiVersion: v2\nname: web\nversion: 0.1.0\nappVersion: '1.4.2'\n"
VALUES = """\
replicaCount: 2
image:
  repository: nginx
  tag: "1.27.3"
labels:
  team: web
tls: false
"""
DEPLOYMENT = """\
{% import '_helpers.j2' as h %}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ h.fullname() }}
  labels:
    {{- include('_labels.j2') | nindent(4) }}
spec:
  replicas: {{ Values.replicaCount }}
  template:
    spec:
      containers:
        - name: web
          image: "{{ Values.image.repository }}:{{ Values.image.tag | default(Chart.AppVersion) }}"
          env:
{% for k, v in Values.labels | dictsort %}
            - name: {{ k | upper }}
              value: {{ v | quote }}
{% endfor %}
          tls: {{ Values.tls }}
"""


@pytest.fixture
def chart_dir(tmp_path: Path) -> Path:
    return write_chart(
        tmp_path / "web",
        {
            "Chart.yaml": CHART_YAML,
            "values.yaml": VALUES,
            "templates/_helpers.j2": (
                "{% macro fullname() %}{{ Release.Name }}-{{ Chart.Name }}{% endmacro %}\n"
            ),
            "templates/_labels.j2": "app.kubernetes.io/name: {{ Chart.Name }}\n"
            "app.kubernetes.io/instance: {{ Release.Name }}",
            "templates/deployment.yaml.j2": DEPLOYMENT,
            "templates/NOTES.txt.jinja": "Installed {{ Release.Name }} in {{ Release.Namespace }}.\n",
            "files/app.conf": "listen 8080;\n",
        },
    )


def render(chart_dir: Path, values: dict[str, object] | None = None, **release: object) -> dict[str, str]:
    return render_jinja_chart(chart_from_dir(chart_dir), values or {}, SimpleNamespace(**release), timeout=10)


def test_engine_rule_file_suffix_and_annotation() -> None:
    assert detect_engine({}, ["templates/a.yaml.j2"]) == "jinja"
    assert detect_engine({}, ["templates/a.jinja"]) == "jinja"
    assert detect_engine({}, ["templates/a.yaml", "files/x.j2"]) == "gotpl"
    assert detect_engine({"ci-helm.io/template-engine": "jinja"}, ["templates/a.yaml"]) == "jinja"
    assert detect_engine({"ci-helm.io/template-engine": "gotpl"}, ["templates/a.j2"]) == "gotpl"
    with pytest.raises(ChartError, match="not a template engine"):
        detect_engine({"ci-helm.io/template-engine": "mustache"}, [])


def test_renders_helm_shaped_keys_and_objects(chart_dir: Path) -> None:
    out = render(chart_dir, name="shop", namespace="prod")
    assert sorted(out) == ["web/templates/NOTES.txt", "web/templates/deployment.yaml"]
    doc = yaml.safe_load(out["web/templates/deployment.yaml"])
    assert doc["metadata"]["name"] == "shop-web"
    assert doc["metadata"]["labels"] == {
        "app.kubernetes.io/name": "web",
        "app.kubernetes.io/instance": "shop",
    }
    container = doc["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.27.3"
    assert container["env"] == [{"name": "TEAM", "value": "web"}]
    assert container["tls"] is False  # rendered `false` as Go does, not Python's `False`
    assert out["web/templates/NOTES.txt"] == "Installed shop in prod.\n"


def test_user_values_override_defaults_and_null_deletes(chart_dir: Path) -> None:
    out = render(chart_dir, {"replicaCount": 5, "image": {"tag": None}, "labels": {"tier": "front"}})
    doc = yaml.safe_load(out["web/templates/deployment.yaml"])
    assert doc["spec"]["replicas"] == 5
    container = doc["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.4.2"  # tag deleted -> default(Chart.AppVersion)
    assert {e["name"] for e in container["env"]} == {"TEAM", "TIER"}


def test_helm_helpers(chart_dir: Path) -> None:
    (chart_dir / "templates/h.yaml.j2").write_text(
        "a: {{ Values.labels | toYaml }}\n"
        "b: {{ Values.labels | toJson }}\n"
        "c: {{ 'hello' | b64enc }} {{ 'aGVsbG8=' | b64dec }}\n"
        "d: {{ ('x' * 70) | trunc(63) | length }}\n"
        "e: {{ 'name-' | trimSuffix('-') }}\n"
        "f: {{ '' | default('fallback') }} {{ 0 | default(3) }}\n"
        "g: {{ ternary(Values.tls, 'https', 'http') }}\n"
        "h: {{ Files.Get('files/app.conf') | trim }}\n"
        "i: {{ tpl('{{ Release.Name }}-x') }}\n"
        "j: {{ ('k: [1, 2]' | fromYaml).k | length }}\n"
        "k: {{ Capabilities.KubeVersion.Version }} {{ Capabilities.APIVersions.Has('apps/v1/Deployment') }}\n"
        "l: {{ 'a\\nb' | indent(2) }}\n"
        "m: {{ properties.replicaCount }} {{ env.deployment }}\n"
    )
    text = render(chart_dir, name="r1", kube_version="1.31.2")["web/templates/h.yaml"]
    assert text.splitlines() == [
        "a: team: web",
        'b: {"team":"web"}',
        "c: aGVsbG8= hello",
        "d: 63",
        "e: name",
        "f: fallback 3",
        "g: http",
        "h: listen 8080;",
        "i: r1-x",
        "j: 2",
        "k: v1.31.2 true",
        "l:   a",
        "  b",
        "m: 2 r1",
    ]


def test_syntax_error_names_file_and_line(chart_dir: Path) -> None:
    (chart_dir / "templates/broken.yaml.j2").write_text("a: 1\nb: 2\nc: {% if %}\n")
    with pytest.raises(RenderError) as info:
        render(chart_dir)
    assert str(info.value).startswith("web/templates/broken.yaml.j2:3: syntax error")


def test_syntax_error_in_partial_names_the_partial(chart_dir: Path) -> None:
    (chart_dir / "templates/_labels.j2").write_text("x: 1\n{{ Chart.Name \n")
    with pytest.raises(RenderError) as info:
        render(chart_dir)
    assert info.value.path == "web/templates/_labels.j2"
    assert info.value.line == 2


def test_strict_undefined_names_the_missing_value(chart_dir: Path) -> None:
    (chart_dir / "templates/u.yaml.j2").write_text("a: 1\nport: {{ Values.service.port }}\n")
    with pytest.raises(RenderError) as info:
        render(chart_dir)
    assert str(info.value) == "web/templates/u.yaml.j2:2: undefined value: Values.service is not set"
    (chart_dir / "templates/u.yaml.j2").write_text("tag: {{ Values.image.digest }}\n")
    with pytest.raises(RenderError, match=r"Values\.image\.digest is not set"):
        render(chart_dir)


def test_undefined_is_fine_under_is_defined_and_default(chart_dir: Path) -> None:
    (chart_dir / "templates/u.yaml.j2").write_text(
        "a: {{ Values.nope | default('x') }}\nb: {{ Values.image.nope is defined }}\n"
    )
    assert render(chart_dir)["web/templates/u.yaml"] == "a: x\nb: false\n"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ Values.__class__ }}",
        "{{ Files.Get.__globals__ }}",
        "{{ Values.labels.update({'team': 'evil'}) }}",
        "{{ lookup.__code__ }}",
    ],
)
def test_sandbox_refuses_escapes(chart_dir: Path, source: str) -> None:
    (chart_dir / "templates/evil.yaml.j2").write_text("ok: 1\n" + source + "\n")
    with pytest.raises(RenderError) as info:
        render(chart_dir)
    assert "sandbox" in info.value.message
    assert (info.value.path, info.value.line) == ("web/templates/evil.yaml.j2", 2)


def test_include_cannot_leave_the_chart(chart_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("top secret")
    for target in ("../../secret.txt", str(tmp_path / "secret.txt"), "../files/app.conf"):
        (chart_dir / "templates/inc.yaml.j2").write_text(f"{{% include {target!r} %}}\n")
        with pytest.raises(RenderError, match="template not found in this chart"):
            render(chart_dir)


def test_required_and_fail_report_the_authors_message_and_line(chart_dir: Path) -> None:
    (chart_dir / "templates/r.yaml.j2").write_text(
        "a: 1\nhost: {{ required('ingress.host is required', Values.host) }}\n"
    )
    with pytest.raises(RenderError) as info:
        render(chart_dir)
    assert str(info.value) == "web/templates/r.yaml.j2:2: ingress.host is required"
    assert render(chart_dir, {"host": "example.org"})["web/templates/r.yaml"] == "a: 1\nhost: example.org\n"
    (chart_dir / "templates/r.yaml.j2").write_text(
        "{% if Values.replicaCount > 1 %}{{ fail('one replica only') }}{% endif %}"
    )
    with pytest.raises(RenderError, match=r"r\.yaml\.j2:1: one replica only"):
        render(chart_dir)


def test_runtime_error_names_line(chart_dir: Path) -> None:
    (chart_dir / "templates/z.yaml.j2").write_text("a: 1\n\nb: {{ 1 // 0 }}\n")
    with pytest.raises(RenderError) as info:
        render(chart_dir)
    assert info.value.line == 3
    assert "ZeroDivisionError" in info.value.message


def test_runaway_template_ends_with_timeout(chart_dir: Path) -> None:
    (chart_dir / "templates/loop.yaml.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
    )
    started = time.monotonic()
    with pytest.raises(RenderTimeout) as info:
        render_jinja_chart(chart_from_dir(chart_dir), {}, None, timeout=1.0)
    assert time.monotonic() - started < 5
    assert info.value.path == "web/templates/loop.yaml.j2"


def test_render_function_runs_in_a_spawn_worker(chart_dir: Path) -> None:
    """The render worker calls it in a spawn process: chart and result must cross pickling."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        chart = chart_from_dir(chart_dir)
        out = pool.apply(render_jinja_chart, (chart, {"replicaCount": 3}, None))
    assert "replicas: 3" in out["web/templates/deployment.yaml"]


SCHEMA = """{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["image"],
  "properties": {
    "replicaCount": {"type": "integer", "minimum": 1},
    "image": {"type": "object", "required": ["repository"],
              "properties": {"repository": {"type": "string"}, "tag": {"type": "string"}}}
  }
}"""


def test_values_schema_violations_name_each_parameter(chart_dir: Path) -> None:
    (chart_dir / "values.schema.json").write_text(SCHEMA)
    assert render(chart_dir)  # defaults are valid
    with pytest.raises(ValuesError) as info:
        render(chart_dir, {"replicaCount": 0, "image": {"tag": 3, "repository": None}})
    assert info.value.path == "web/values.schema.json"
    assert "image.repository: required parameter is missing" in info.value.message
    assert "image.tag: 3 is not of type 'string'" in info.value.message
    assert "replicaCount: 0 is less than the minimum of 1" in info.value.message


DM_SCHEMA = """\
info:
  title: web
  description: a DM-style parameter schema
required:
  - port
properties:
  port:
    type: integer
    default: 8080
  protocol:
    type: string
    enum: [TCP, UDP]
    default: TCP
"""


def test_dm_style_schema_fills_defaults_and_enforces(chart_dir: Path) -> None:
    (chart_dir / "templates/svc.yaml.j2").write_text("port: {{ properties.port }}/{{ Values.protocol }}\n")
    (chart_dir / "templates/svc.yaml.j2.schema").write_text(DM_SCHEMA)
    out = render(chart_dir)
    assert out["web/templates/svc.yaml"] == "port: 8080/TCP\n"
    assert "web/templates/svc.yaml.j2.schema" not in out and all(".schema" not in k for k in out)
    with pytest.raises(ValuesError) as info:
        render(chart_dir, {"protocol": "SCTP"})
    assert info.value.path == "web/templates/svc.yaml.j2.schema"
    assert "protocol: 'SCTP' is not one of ['TCP', 'UDP']" in info.value.message


def test_invalid_schema_is_a_chart_error(chart_dir: Path) -> None:
    (chart_dir / "values.schema.json").write_text('{"type": "no-such-type"}')
    with pytest.raises(ChartError, match="invalid JSON schema"):
        render(chart_dir)


def test_jinja_subchart_gets_its_section_and_globals(chart_dir: Path) -> None:
    (chart_dir / "Chart.yaml").write_text(
        CHART_YAML + "dependencies:\n  - name: cache\n    version: 0.1.0\n    condition: cache.enabled\n"
    )
    (chart_dir / "values.yaml").write_text(
        VALUES + "global:\n  domain: example.org\ncache:\n  enabled: true\n  size: 2Gi\n"
    )
    write_chart(
        chart_dir / "charts/cache",
        {
            "Chart.yaml": "apiVersion: v2\nname: cache\nversion: 0.1.0\n",
            "values.yaml": "size: 1Gi\nimage: redis\n",
            "templates/pvc.yaml.j2": (
                "size: {{ Values.size }}\nimage: {{ Values.image }}\ndomain: {{ Values.global.domain }}\n"
            ),
        },
    )
    out = render(chart_dir)
    assert out["web/charts/cache/templates/pvc.yaml"] == "size: 2Gi\nimage: redis\ndomain: example.org\n"
    out = render(chart_dir, {"cache": {"enabled": False}})
    assert "web/charts/cache/templates/pvc.yaml" not in out


def test_runaway_output_is_capped(chart_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ci_helm.chart.jinja import environment

    monkeypatch.setattr(environment, "MAX_OUTPUT_CHARS", 10_000)
    (chart_dir / "templates/big.yaml.j2").write_text("{% for i in range(100000) %}xxxxxxxxxx{% endfor %}")
    with pytest.raises(RenderError, match="rendered output is over"):
        render(chart_dir)


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 1000000000 }}",
        "{{ [1] * 1000000000 }}",
        "{{ 10 ** 100000 }}",
        "{{ '%1000000000s' % 'x' }}",
        "{{ '%1000000000s' | format('x') }}",
        "{{ 'x'.ljust(1000000000) }}",
        "{{ '{:>1000000000}'.format('x') }}",
    ],
)
def test_operators_that_build_huge_values_are_refused(chart_dir: Path, source: str) -> None:
    (chart_dir / "templates/huge.yaml.j2").write_text("a: 1\nb: " + source + "\n")
    with pytest.raises(RenderError) as info:
        render(chart_dir)
    assert info.value.message.startswith("refused:")
    assert (info.value.path, info.value.line) == ("web/templates/huge.yaml.j2", 2)


def test_ordinary_arithmetic_still_works(chart_dir: Path) -> None:
    (chart_dir / "templates/math.yaml.j2").write_text(
        "a: {{ Values.replicaCount * 3 }} {{ 'ab' * 2 }} {{ 2 ** 10 }} {{ '%05d' % 42 }} {{ 7 % 3 }}"
        " {{ '%s-%s' | format('a', 'b') }} {{ 'x'.rjust(3, '.') }} {{ '{:>3}'.format(1) }}\n"
    )
    assert render(chart_dir)["web/templates/math.yaml"] == "a: 6 abab 1024 00042 1 a-b ..x   1\n"


def test_cli_template_stops_a_runaway_jinja_chart(run_cli_subprocess: Any, chart_dir: Path) -> None:
    (chart_dir / "templates/loop.yaml.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
    )
    started = time.monotonic()
    result = run_cli_subprocess("template", str(chart_dir), "--timeout", "2")
    assert time.monotonic() - started < 60
    assert result.exit_code == 1
    assert "web/templates/loop.yaml.j2" in result.stderr and "time limit" in result.stderr
    assert "Traceback" not in result.stderr


def test_lists_concatenate_but_cannot_be_mutated(chart_dir: Path) -> None:
    (chart_dir / "values.yaml").write_text(VALUES + "args: [--a]\n")
    (chart_dir / "templates/args.yaml.j2").write_text("args: {{ (Values.args + ['--b']) | toJson }}\n")
    assert render(chart_dir)["web/templates/args.yaml"] == 'args: ["--a","--b"]\n'
    (chart_dir / "templates/args.yaml.j2").write_text("{{ Values.args.append('--evil') }}\n")
    with pytest.raises(RenderError, match="sandbox"):
        render(chart_dir)


def test_release_options_of_the_render_pipeline(chart_dir: Path) -> None:
    from ci_helm.engine.base import ReleaseOptions

    (chart_dir / "templates/caps.yaml.j2").write_text(
        "{{ Release.Name }} {{ Release.Namespace }} {{ Release.Revision }} {{ Release.IsUpgrade }}"
        " {{ Capabilities.KubeVersion.Minor }} {{ Capabilities.APIVersions.Has('example.com/v1') }}"
        " {{ Template.Name }}\n"
    )
    options = ReleaseOptions(
        name="shop",
        namespace="prod",
        revision=4,
        is_install=False,
        is_upgrade=True,
        kube_version="1.31.0",
        api_versions=("example.com/v1",),
    )
    out = render_jinja_chart(chart_from_dir(chart_dir), {}, options)
    assert out["web/templates/caps.yaml"] == "shop prod 4 true 31 true web/templates/caps.yaml.j2\n"
    default = render_jinja_chart(chart_from_dir(chart_dir), {}, ReleaseOptions())
    assert default["web/templates/caps.yaml"].startswith("release-name default 1 false 35 false")


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("rec.yaml.j2", "{% macro m() %}{{ m() }}{% endmacro %}\n{{ m() }}\n"),
        ("self.yaml.j2", "a: 1\n{% include 'self.yaml.j2' %}\n"),
    ],
)
def test_endless_recursion_is_a_render_error(chart_dir: Path, name: str, source: str) -> None:
    (chart_dir / "templates" / name).write_text(source)
    with pytest.raises(RenderError) as info:
        render(chart_dir)
    assert "RecursionError" in info.value.message
    assert info.value.path == f"web/templates/{name}"
