// Shared-library step: `ciHelm(step: 'lint', args: ['--changed'], junit: 'ci-helm-lint.xml')`.
// Arguments reach the shell one environment variable each (JENKINS_CI_HELM_ARG_0, _1, ...), never
// through string interpolation or splitting, so chart names, branch names or values containing
// spaces, quotes, newlines or `$(...)` arrive as exactly one argument and cannot inject shell code.
// Settings come from ci-helm.yaml and CI_HELM_* environment variables (use withCredentials for
// secrets); the JENKINS_ prefix keeps these variables out of ci-helm's own CI_HELM_* settings.
def call(Map params = [:]) {
    String step = params.get('step', 'lint')
    List<String> args = params.get('args', []) as List<String>
    String junitFile = params.get('junit', '')
    List<String> env = ["JENKINS_CI_HELM_STEP=${step}", "JENKINS_CI_HELM_ARG_COUNT=${args.size()}"]
    args.eachWithIndex { String arg, int index -> env << "JENKINS_CI_HELM_ARG_${index}=${arg}" }
    if (junitFile) {
        env << "JENKINS_CI_HELM_JUNIT=${junitFile}"
    }
    withEnv(env) {
        int status = sh(returnStatus: true, script: '''#!/bin/bash
            set -eo pipefail
            command -v ci-helm >/dev/null || python3 -m pip install --quiet --user "${CI_HELM_PIP_SPEC:-ci-helm}"
            step_args=()
            for ((i = 0; i < ${JENKINS_CI_HELM_ARG_COUNT:-0}; i++)); do
                name="JENKINS_CI_HELM_ARG_${i}"
                step_args+=("${!name}")
            done
            if [ -n "${JENKINS_CI_HELM_JUNIT:-}" ]; then step_args+=(--report "junit=${JENKINS_CI_HELM_JUNIT}"); fi
            exec ci-helm "${JENKINS_CI_HELM_STEP}" "${step_args[@]}"
        ''')
        if (junitFile) {
            junit(allowEmptyResults: true, testResults: junitFile)
        }
        if (status != 0) {
            error("ci-helm ${step} failed (exit ${status})")
        }
    }
}
