# Sourced by the localstack/ scripts: the environment that points AWS tools at a local,
# LocalStack-compatible endpoint. Values already set by the user win.
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-http://127.0.0.1:4566}"
# cdklocal otherwise targets s3.localhost.localstack.cloud, which does not resolve offline.
export AWS_ENDPOINT_URL_S3="${AWS_ENDPOINT_URL_S3:-$AWS_ENDPOINT_URL}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-$AWS_REGION}"
# Local emulators accept any credentials; these are the conventional dummies.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
# Keep the CDK CLI off the network: no version checks, notices or telemetry.
export CDK_DISABLE_VERSION_CHECK=true
export CDK_DISABLE_CLI_TELEMETRY=true
# The SDK warns on every start that releases after January 2027 need Node 22; sparkfn's
# local tools run on Node 20 today, so keep that warning out of demo and test output.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}"

SPARKFN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where local:up keeps its PID file and log; the MiniStack virtualenv is shared by all.
SPARKFN_STATE="${SPARKFN_LOCAL_STATE:-$SPARKFN_ROOT/.localstack}"
SPARKFN_VENV="$SPARKFN_ROOT/.localstack/venv"
# Pinned: the emulator's behaviour is part of what the tests check.
MINISTACK_VERSION="1.5.33"

endpoint_healthy() {
  curl -fsS --max-time 2 "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null 2>&1
}
