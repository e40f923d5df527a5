#!/usr/bin/env bash
# RUSTC_WRAPPER for benches/consumer_build.sh (UNITS=1): runs rustc and appends one line per
# compilation to $KYC_RUSTC_CPU_LOG: package, what it builds (lib, proc-macro, build-script, ...),
# user and system CPU seconds, wall seconds.
# CPU per unit is what stays comparable when other builds share the machine; cargo --timings
# reports wall clock only.
set -euo pipefail
crate="" kind=lib
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
        --crate-name) crate="${args[i + 1]}" ;;
        --crate-type) kind="${args[i + 1]}" ;;
    esac
done
# Cargo's own queries (`rustc -vV`, `--print`) compile nothing.
if [[ -z "$crate" ]]; then
    exec "$@"
fi
if [[ "$crate" == build_script_* ]]; then
    kind=build-script
fi
exec /usr/bin/time -a -o "$KYC_RUSTC_CPU_LOG" -f "${CARGO_PKG_NAME:-$crate} $kind %U %S %e" "$@"
