#!/usr/bin/env bash
# The purity check of the core targets (DESIGN.md § Modules), run by `make test` (so by .ci/run):
#   1. no source under Sources/IpNetCore, Sources/NeighSyncCore or Tests/CoreTestSupport (the fixtures the pure test
#      targets share) imports anything but the core modules (no C module, no Glibc, no Foundation, no
#      Synchronization, no Dispatch), and none uses @_exported; each offending line is printed as
#      `file:line: error: …`;
#   2. `swift package dump-package` says IpNetCore depends on nothing, NeighSyncCore on IpNetCore only and
#      CoreTestSupport on those two only.
# Usage: .ci/purity.sh [ROOT]     check the package at ROOT (default: this repository); exit 1 on any violation.
#        .ci/purity.sh --self-test  run the check on temporary copies with a planted `import Foundation` and a
#                                   planted CNetlink dependency, and fail unless both are caught (exit 1, named).
set -euo pipefail
export PATH="/opt/swift/usr/bin:$PATH"
# Each checked target, as NAME:DIRECTORY:ALLOWED_IMPORT,… (the modules its sources may import).
CORE_TARGETS=(IpNetCore:Sources/IpNetCore:IpNetCore NeighSyncCore:Sources/NeighSyncCore:IpNetCore
              CoreTestSupport:Tests/CoreTestSupport:IpNetCore,NeighSyncCore)

check() {
    local root=$1 status=0 entry t dir allowed f line n text module
    for entry in "${CORE_TARGETS[@]}"; do
        IFS=: read -r t dir allowed <<<"$entry"
        allowed=${allowed//,/ }
        [ -d "$root/$dir" ] || { echo "purity: error: no $dir in $root"; status=1; continue; }
        while IFS= read -r -d '' f; do
            # An import line: attributes and an access level may precede it; `import struct M.T` names module M.
            while IFS=: read -r n text; do
                module=$(sed -E 's/^[[:space:]]*(@[A-Za-z_]+(\([^)]*\))?[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*).*/\7/' <<<"$text")
                line="${f#"$root"/}:$n"
                if [[ "$text" == *@_exported* ]]; then
                    echo "$line: error: @_exported import in core target $t (import explicitly where used)"
                    status=1
                elif [[ " $allowed " != *" $module "* ]]; then
                    echo "$line: error: core target $t imports $module; it may import only $allowed" \
                         "(move the code that needs $module to IpNet or NeighSync)"
                    status=1
                fi
            done < <(grep -nE '^[[:space:]]*(@[A-Za-z_]+(\([^)]*\))?[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+[A-Za-z_]' "$f" || true)
        done < <(find "$root/$dir" -name '*.swift' -print0)
    done
    # The declared dependencies, as SwiftPM reads the manifest.
    # Its own scratch path: no wait for a build running in .build, nothing written there.
    local dump scratch
    scratch=$(mktemp -d)
    if ! dump=$(cd "$root" && swift package --scratch-path "$scratch" dump-package 2>"$scratch.err"); then
        echo "purity: error: swift package dump-package failed in $root:"; head -5 "$scratch.err"
        rm -rf "$scratch" "$scratch.err"; return 1
    fi
    rm -rf "$scratch" "$scratch.err"
    python3 -c '
import json, sys
allowed = {"IpNetCore": set(), "NeighSyncCore": {"IpNetCore"}, "CoreTestSupport": {"IpNetCore", "NeighSyncCore"}}
targets = {t["name"]: t for t in json.load(sys.stdin)["targets"]}
bad = 0
for name, ok in allowed.items():
    if name not in targets:
        print(f"Package.swift: error: no target {name}"); bad = 1; continue
    deps = []
    for d in targets[name].get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in d: deps.append(d[kind][0])
    extra = [d for d in deps if d not in ok]
    if extra:
        only = ", ".join(sorted(ok)) or "nothing"
        print(f"Package.swift: error: core target {name} depends on {extra}; it may depend only on {only}")
        bad = 1
    for key in ("settings",):
        if targets[name].get(key):
            print(f"Package.swift: error: core target {name} has {key} (linker/C settings belong to IpNet/NeighSync)")
            bad = 1
sys.exit(bad)
' <<<"$dump" || status=1
    return $status
}

# Plants `import MODULE` at the top of FILE in the copy DIR and expects `check` to name it: planted DIR MODULE FILE
# TARGET.
planted() {
    local dir=$1 module=$2 victim=$3 target=$4 out rc
    sed -i "1i import $module" "$dir/$victim"
    set +e; out=$(check "$dir" 2>&1); rc=$?; set -e
    if [ $rc -ne 1 ] || ! grep -q "^$victim:1: error: core target $target imports $module" <<<"$out"; then
        echo "purity self-test: FAILED: a planted 'import $module' in $victim was not caught (exit $rc):"
        echo "$out"; return 1
    fi
    echo "purity self-test: planted import caught: $(grep "^$victim" <<<"$out")"
}

self_test() {
    local here tmp out rc
    here=$(cd "$(dirname "$0")/.." && pwd)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    mkdir -p "$tmp/a" && cp -r "$here/Package.swift" "$here/Sources" "$tmp/a/"
    mkdir -p "$tmp/a/Tests" && cp -r "$here/Tests/NetnsTesting" "$here/Tests/CoreTestSupport" "$tmp/a/Tests/"
    # Case 1: a planted `import Foundation` in the planner. Case 1b: an `import Glibc` in the fixtures the pure test
    # targets share (they must build without libmnl/libyaml too).
    planted "$tmp/a" Foundation "Sources/NeighSyncCore/Plan/Planner.swift" NeighSyncCore || return 1
    planted "$tmp/a" Glibc "Tests/CoreTestSupport/MemoryNeighborTable.swift" CoreTestSupport || return 1
    # Case 2: a planted C dependency of NeighSyncCore in the manifest, sources clean.
    mkdir -p "$tmp/b" && cp -r "$here/Package.swift" "$here/Sources" "$tmp/b/"
    mkdir -p "$tmp/b/Tests" && cp -r "$here/Tests/NetnsTesting" "$here/Tests/CoreTestSupport" "$tmp/b/Tests/"
    sed -i 's/\.target(name: "NeighSyncCore", dependencies: \["IpNetCore"\])/.target(name: "NeighSyncCore", dependencies: ["IpNetCore", "CNetlink"])/' \
        "$tmp/b/Package.swift"
    grep -q '"NeighSyncCore", dependencies: \["IpNetCore", "CNetlink"\]' "$tmp/b/Package.swift" \
        || { echo "purity self-test: FAILED: could not plant the dependency in Package.swift"; return 1; }
    set +e; out=$(check "$tmp/b" 2>&1); rc=$?; set -e
    if [ $rc -ne 1 ] || ! grep -q "core target NeighSyncCore depends on \['CNetlink'\]" <<<"$out"; then
        echo "purity self-test: FAILED: a planted CNetlink dependency of NeighSyncCore was not caught (exit $rc):"
        echo "$out"; return 1
    fi
    echo "purity self-test: planted dependency caught: $out"
}

if [ "${1:-}" = --self-test ]; then
    self_test
else
    root=$(cd "${1:-$(dirname "$0")/..}" && pwd)
    if check "$root"; then
        echo "purity: IpNetCore, NeighSyncCore and CoreTestSupport import only the core modules and depend on" \
             "nothing else"
    else
        echo "purity: FAILED (DESIGN.md § Modules: the core targets import no C module, Glibc or Foundation)"
        exit 1
    fi
fi
