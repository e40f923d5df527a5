#!/usr/bin/env bash
# Build cost for a consumer of kyc-clients, against a hand-written client of the same calls.
#
# Builds, clean and each in its own target directory, (a) the README example as another crate
# would (tests/consumer/src/lib.rs, with `kyc-clients = { path = <this repository> }`) and (b) a
# hand-written client of the same two calls on the same runtime crates (benches/consumer_build/
# handwritten). Both are resolved offline against this repository's Cargo.lock, so they build the
# same versions, then built with `--locked --offline`. Two rounds, interleaved; the best time of
# each side and their ratio are printed. Target: ratio <= 1.2.
#
# Not run by CI (a clean build takes about a minute a side). Usage:
#   benches/consumer_build.sh                # both sides, best of two
#   ROUNDS=3 benches/consumer_build.sh       # more rounds
#   TIMINGS=1 benches/consumer_build.sh      # also keep cargo's --timings report of each build
#   KEEP=1 benches/consumer_build.sh         # keep the temporary directory (sources, locks and
#                                            # timings; target directories are always removed)
# Needs the registry cache to hold the lock's crates (any build of this workspace fetched them).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${ROUNDS:-2}"
work="$(mktemp -d "${TMPDIR:-/tmp}/kyc-consumer-build.XXXXXX")"
if [[ -z "${KEEP:-}" ]]; then
    trap 'rm -rf "$work"' EXIT
fi

# (a) the README example, as a crate outside this workspace.
mkdir -p "$work/consumer/src"
cp "$repo/tests/consumer/src/lib.rs" "$work/consumer/src/lib.rs"
cat >"$work/consumer/Cargo.toml" <<TOML
[package]
name = "kyc-consumer"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
kyc-clients = { path = "$repo" }
chrono = { version = "0.4", default-features = false, features = ["serde", "std", "clock"] }

[workspace]
TOML

# (b) the hand-written client.
cp -r "$repo/benches/consumer_build/handwritten" "$work/handwritten"

# Same versions on both sides: start from this repository's lock; resolving offline keeps every
# locked version and drops what the crate does not use.
for side in consumer handwritten; do
    cp "$repo/Cargo.lock" "$work/$side/Cargo.lock"
    (cd "$work/$side" && cargo metadata --offline --format-version 1 >/dev/null)
done
for crate in reqwest rustls serde serde_json tokio chrono uuid base64 thiserror tracing; do
    versions() { awk -v n="$crate" '$0 == "name = \"" n "\"" { getline; print $3 }' "$1" | sort -u | tr '\n' ' '; }
    a="$(versions "$work/consumer/Cargo.lock")"
    b="$(versions "$work/handwritten/Cargo.lock")"
    if [[ "$a" != "$b" ]]; then
        echo "version mismatch for $crate: consumer $a, hand-written $b" >&2
        exit 1
    fi
done

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "rustc:   $(rustc --version)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min), $(pgrep -c rustc || true) rustc running"

build() { # side round
    local side="$1" round="$2" target="$work/target-$1"
    rm -rf "$target"
    local args=(build --locked --offline --quiet)
    if [[ -n "${TIMINGS:-}" ]]; then
        args+=(--timings)
    fi
    # Wall-clock seconds, and CPU seconds (user + system, all processes) when GNU time is there:
    # the CPU figure moves less than the wall clock when other builds share the machine.
    (cd "$work/$side" && CARGO_TARGET_DIR="$target" /usr/bin/time -f '%e %U %S' -o "$work/time" \
        cargo "${args[@]}")
    if [[ -n "${TIMINGS:-}" ]]; then
        cp "$target/cargo-timings/cargo-timing.html" "$work/timings-$side-$round.html"
    fi
    # A clean target is about 1.4 GB: never keep one.
    rm -rf "$target"
    awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$work/time"
}

declare -A best best_cpu
for round in $(seq 1 "$rounds"); do
    for side in consumer handwritten; do
        read -r t cpu < <(build "$side" "$round")
        printf '%-12s round %d: %6.1f s wall, %6.1f s CPU   (load after: %s)\n' \
            "$side" "$round" "$t" "$cpu" "$(cut -d' ' -f1 /proc/loadavg)"
        if [[ -z "${best[$side]:-}" ]] || awk -v t="$t" -v b="${best[$side]}" 'BEGIN { exit !(t < b) }'; then
            best[$side]="$t"
            best_cpu[$side]="$cpu"
        fi
    done
done

echo
printf 'consumer of kyc-clients (README example): %6.1f s (%.1f s CPU)\n' "${best[consumer]}" "${best_cpu[consumer]}"
printf 'hand-written client, same runtime crates: %6.1f s (%.1f s CPU)\n' "${best[handwritten]}" "${best_cpu[handwritten]}"
awk -v a="${best[consumer]}" -v b="${best[handwritten]}" -v ac="${best_cpu[consumer]}" -v bc="${best_cpu[handwritten]}" \
    'BEGIN { printf "ratio: %.2fx wall (target <= 1.20x), %.2fx CPU\n", a / b, ac / bc }'
if [[ -n "${KEEP:-}" || -n "${TIMINGS:-}" ]]; then
    trap - EXIT
    echo "kept: $work"
fi
