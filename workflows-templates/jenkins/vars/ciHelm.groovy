// Shared-library step: `ciHelm(step: 'lint', args: ['--changed'])`.
// Arguments reach the shell through environment variables, never through string interpolation,
// so chart names or branch names cannot inject shell code. Settings come from ci-helm.yaml and
// CI_HELM_* environment variables (use withCredentials for secrets).
def call(Map params = [:]) {
    String step = params.get('step', 'lint')
    List<String> args = params.get('args', []) as List<String>
    String junit = params.get('junit', '')
    List<String> env = ["CI_HELM_STEP_NAME=${step}", "CI_HELM_STEP_ARGS=${args.join('\n')}"]
    if (junit) {
        env << "CI_HELM_JUNIT=${junit}"
    }
    withEnv(env) {
        int status = sh(returnStatus: true, script: '''#!/bin/bash
            set -eo pipefail
            command -v ci-helm >/dev/null || python3 -m pip install --quiet --user "${CI_HELM_PIP_SPEC:-ci-helm}"
            mapfile -t step_args <<< "${CI_HELM_STEP_ARGS}"
            [ -z "${step_args[0]}" ] && step_args=()
            if [ -n "${CI_HELM_JUNIT:-}" ]; then step_args+=(--report "junit=${CI_HELM_JUNIT}"); fi
            exec ci-helm "${CI_HELM_STEP_NAME}" "${step_args[@]}"
        ''')
        if (junit) {
            junit(allowEmptyResults: true, testResults: junit)
        }
        if (status != 0) {
            error("ci-helm ${step} failed (exit ${status})")
        }
    }
}
