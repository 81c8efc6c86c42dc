#!/usr/bin/env bash
# Builds the libFuzzer targets with swiftc directly (SwiftPM cannot make a -sanitize=fuzzer executable without
# building the test targets that way too) and runs each for FUZZ_SECONDS from the committed seed corpus.
#   yaml-fuzz      Tests/Fuzz/YAMLLoaderFuzz.swift (DesiredStateLoader.load(data:fileName:))
#   snapshot-fuzz  Tests/Fuzz/SnapshotReaderFuzz.swift (SnapshotReader.parse: snapshots, ip -j neigh/link show)
#   plan-fuzz      Tests/Fuzz/PlanFileReaderFuzz.swift (PlanFileReader.read: saved plans)
#   netlink-fuzz   Tests/Fuzz/NetlinkDecoderFuzz.swift compiled into IpNet (datagram split, acks, neigh/link codecs)
# The first three link one libNeighSync.a and one libNeighSyncCore.a built with -enable-testing (they @testable
# import NeighSync), over libIpNet.a and libIpNetCore.a; every module gets SwiftPM's -package-name, so `package`
# declarations are visible across them as in `swift build`.
# New corpus entries go to .build-fuzz/corpus/ (never into the committed seeds); crashes to fuzz-artifacts/.
# Exit 1 on any crash, leak, timeout or out-of-memory; the input is in fuzz-artifacts/ (reproduce: BINARY FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
OUT=.build-fuzz
ARTIFACTS="$PWD/fuzz-artifacts"
FLAGS=(-parse-as-library -sanitize=fuzzer,address -O -g -package-name neighsync -I Sources/CNetlink -I Sources/CYAML)
TARGETS=(yaml snapshot plan netlink)
mkdir -p "$OUT/lib" "$ARTIFACTS"
for t in "${TARGETS[@]}"; do mkdir -p "$OUT/corpus/$t"; done

sources() { find "Sources/$1" -name '*.swift' | sort; }

build() {
    local lib="$OUT/lib"
    swiftc "${FLAGS[@]}" -module-name IpNetCore -emit-library -static -emit-module \
        -emit-module-path "$lib/IpNetCore.swiftmodule" $(sources IpNetCore) -o "$lib/libIpNetCore.a" || return 1
    swiftc "${FLAGS[@]}" -I "$lib" -module-name IpNet $(sources IpNet) Tests/Fuzz/NetlinkDecoderFuzz.swift \
        "$lib/libIpNetCore.a" -lmnl -o "$OUT/netlink-fuzz" || return 1
    swiftc "${FLAGS[@]}" -I "$lib" -module-name IpNet -emit-library -static -emit-module \
        -emit-module-path "$lib/IpNet.swiftmodule" $(sources IpNet) -o "$lib/libIpNet.a" || return 1
    swiftc "${FLAGS[@]}" -I "$lib" -enable-testing -module-name NeighSyncCore -emit-library -static -emit-module \
        -emit-module-path "$lib/NeighSyncCore.swiftmodule" $(sources NeighSyncCore) -o "$lib/libNeighSyncCore.a" \
        || return 1
    swiftc "${FLAGS[@]}" -I "$lib" -enable-testing -module-name NeighSync -emit-library -static -emit-module \
        -emit-module-path "$lib/NeighSync.swiftmodule" $(sources NeighSync) -o "$lib/libNeighSync.a" || return 1
    local t
    for t in yaml:YAMLLoaderFuzz snapshot:SnapshotReaderFuzz plan:PlanFileReaderFuzz; do
        swiftc "${FLAGS[@]}" -I "$lib" -module-name "${t%%:*}_fuzz" "Tests/Fuzz/${t#*:}.swift" \
            "$lib/libNeighSync.a" "$lib/libNeighSyncCore.a" "$lib/libIpNet.a" "$lib/libIpNetCore.a" -lmnl -lyaml \
            -o "$OUT/${t%%:*}-fuzz" || return 1
    done
}
echo "fuzz: building (swiftc ${FLAGS[*]}; log $OUT/build.log)"
build >"$OUT/build.log" 2>&1 || { grep -E 'error:' "$OUT/build.log" | head -20; echo "fuzz: build failed"; exit 1; }

status=0
run() {  # name max_len
    local name=$1 maxlen=$2 log="$OUT/$1.log"
    echo "fuzz: $name for ${SECONDS_EACH}s (max_len $maxlen, rss limit 2048 MB)"
    # The Swift backtracer is off: libFuzzer/ASan print the trace and write the input.
    if SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        "$OUT/$name-fuzz" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
        -max_len="$maxlen" -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$name-" \
        "$OUT/corpus/$name" "Tests/Fuzz/corpus/$name" >"$log" 2>&1; then
        local runs cov
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
        echo "fuzz: $name clean: $runs runs, $cov, corpus $(ls "$OUT/corpus/$name" | wc -l) new inputs"
    else
        status=1
        echo "fuzz: $name FAILED; log $log; input:"
        ls -t "$ARTIFACTS"/"$name"-* 2>/dev/null | head -1
        grep -E 'ERROR|runtime failure|Fatal error|==[0-9]+==' "$log" | head -5 || true
    fi
}
run yaml 16384
run snapshot 16384
run plan 16384
run netlink 65536
exit $status
