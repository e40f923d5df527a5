#!/usr/bin/env bash
# Property-based run of schemathesis against the kyc-sandbox, for both specs.
#
# Installs schemathesis (PyPI) into a virtualenv if it is missing, builds and starts
# `kyc-sandbox --listen 127.0.0.1:0`, reads the two base URLs it prints, runs schemathesis
# with each spec against its base URL (with the vendor's auth), and stops the server.
#
# Checks: no 5XX (not_a_server_error), every response matches the spec
# (response_schema_conformance), statuses, content types and headers are the declared ones
# (status_code_conformance, content_type_conformance, response_headers_conformance).
#
# Usage: sandbox/schemathesis.sh            (from anywhere in the repository)
# Environment:
#   SCHEMATHESIS_MAX_EXAMPLES   examples per operation and phase (default 100)
#   SCHEMATHESIS_VENV           virtualenv to use or create (default $CARGO_TARGET_DIR/schemathesis-venv)
#   SCHEMATHESIS_VERSION        pip requirement (default schemathesis>=4,<5)
#   CARGO_TARGET_DIR            cargo's target directory (default <repo>/target)
# Exits non-zero if a check fails or the sandbox cannot be started.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
venv="${SCHEMATHESIS_VENV:-$target_dir/schemathesis-venv}"
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-100}"
requirement="${SCHEMATHESIS_VERSION:-schemathesis>=4,<5}"
workdir="$(mktemp -d)"
server_pid=""

cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT

if [[ ! -x "$venv/bin/schemathesis" ]]; then
    echo "== installing schemathesis into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement"
fi
echo "== $("$venv/bin/schemathesis" --version)"

echo "== building kyc-sandbox"
cargo build --quiet -p kyc-sandbox --bin kyc-sandbox
binary="$target_dir/debug/kyc-sandbox"

echo "== starting kyc-sandbox on 127.0.0.1 (port chosen by the system)"
"$binary" --listen 127.0.0.1:0 >"$workdir/urls" 2>"$workdir/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
    [[ $(wc -l <"$workdir/urls") -ge 2 ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$workdir/server.log"; echo "kyc-sandbox exited"; exit 1; }
    sleep 0.1
done
kredibel_url="$(sed -n 's/^kredibel: //p' "$workdir/urls")"
iluma_url="$(sed -n 's/^iluma: //p' "$workdir/urls")"
if [[ -z "$kredibel_url" || -z "$iluma_url" ]]; then
    echo "kyc-sandbox did not print its URLs"
    exit 1
fi
echo "   kredibel: $kredibel_url"
echo "   iluma:    $iluma_url"

# The sandbox accepts any non-empty Kredibel key and any iluma_development_ key.
iluma_auth="$(printf '%s' 'iluma_development_schemathesis:' | base64 | tr -d '\n')"
# x-magic-reply values that ask for a 5XX are dropped by the hooks (see schemathesis_hooks.py).
export PYTHONPATH="$repo/sandbox${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks
checks="not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance"

run() {
    local name="$1" spec="$2" url="$3" header="$4"
    echo
    echo "== schemathesis: $name ($spec against $url)"
    set +e
    # From the scratch directory: schemathesis keeps its example database in the working
    # directory, which must not litter the repository.
    (cd "$workdir" && "$venv/bin/schemathesis" run "$repo/$spec" \
        --url "$url" \
        --header "$header" \
        --checks "$checks" \
        --phases examples,coverage,fuzzing \
        --max-examples "$max_examples" \
        --seed 20261122 \
        --workers 2 \
        --request-timeout 10 \
        --suppress-health-check all \
        --no-color) \
        2>&1 | tee "$workdir/$name.log"
    local status=${PIPESTATUS[0]}
    set -e
    return "$status"
}

failed=()
run kredibel openapi/kredibel.yaml "$kredibel_url" "Authorization: Bearer schemathesis-key" || failed+=(kredibel)
run iluma openapi/iluma.yaml "$iluma_url" "Authorization: Basic $iluma_auth" || failed+=(iluma)

echo
echo "== summary"
for name in kredibel iluma; do
    verdict="passed"
    for f in "${failed[@]+"${failed[@]}"}"; do [[ "$f" == "$name" ]] && verdict="FAILED"; done
    cases="$(grep -E '^ +[0-9]+ generated' "$workdir/$name.log" | tail -n 1 | sed 's/^ *//')"
    outcome="$(grep -E '^=+ .* in [0-9.]+s =+$' "$workdir/$name.log" | tail -n 1 | tr -d '=' | sed 's/^ *//; s/ *$//')"
    summary="(${cases:-no test cases}; ${outcome:-no summary})"
    echo "   $name: $verdict ${summary}"
done
if grep -qiE 'panicked|thread .* panicked' "$workdir/server.log"; then
    echo "   the sandbox panicked:"
    grep -iE 'panicked' "$workdir/server.log" | head -5
    failed+=(sandbox)
fi
if ((${#failed[@]})); then
    echo "schemathesis: FAILED (${failed[*]})"
    exit 1
fi
echo "schemathesis: passed for both specs"
