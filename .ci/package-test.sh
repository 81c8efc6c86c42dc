#!/usr/bin/env bash
# The Debian package and the OCI image, checked from the outside (run by `make test` after `make deb image`):
#  - the .deb's control fields, its exact file list, and the binary extracted from it (`dpkg-deb -x`): --version,
#    validate --offline of an example, the commented example conffile, /etc/neighsync never a desired state as
#    shipped, the units' ExecStart; apt can resolve its Depends (simulated install); lintian ran in `make deb`;
#  - the image: labels, entrypoint, exactly the binary and its ldd libraries inside, and `buildah run --isolation
#    chroot` of --version and of validate --offline on the ConfigMap's per-node files mounted at /etc/neighsync.
# Usage: .ci/package-test.sh DEB IMAGE
set -euo pipefail
deb="$(realpath "${1:?usage: package-test.sh DEB IMAGE}")"
image="${2:?usage: package-test.sh DEB IMAGE}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
ctr=""
cleanup() {
    if [ -n "$ctr" ]; then buildah umount "$ctr" >/dev/null 2>&1 || true; buildah rm "$ctr" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
# expect_eq WHAT EXPECTED ACTUAL
expect_eq() { if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }

# ---- the Debian package ----
x="$work/deb"
dpkg-deb -x "$deb" "$x"
bin="$x/usr/sbin/neighsync"
version="$("$bin" --version)" || { fail "the packaged binary does not run"; version=""; }
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && pass "packaged neighsync --version: $version" \
    || fail "packaged neighsync --version printed '$version'"
arch="$(dpkg --print-architecture)"
expect_eq "file name" "neighsync_${version}_${arch}.deb" "$(basename "$deb")"
expect_eq "Package" neighsync "$(dpkg-deb -f "$deb" Package)"
expect_eq "Version" "$version" "$(dpkg-deb -f "$deb" Version)"
expect_eq "Architecture" "$arch" "$(dpkg-deb -f "$deb" Architecture)"
depends="$(dpkg-deb -f "$deb" Depends)"
depends_names="$(tr ',|' '\n\n' <<<"$depends" | sed -E 's/^ +//; s/[ (].*//')"
for lib in libc6 libmnl0 libyaml-0-2; do
    grep -qx "$lib" <<<"$depends_names" && pass "Depends names $lib" || fail "Depends '$depends' lacks $lib"
done
[[ "$depends" != *swift* ]] && pass "Depends has no Swift runtime" || fail "Depends names a Swift package: $depends"
expect_eq "conffiles" "/etc/neighsync/neighsync.yaml.example" "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)"

# The exact file list (directories included), so nothing is missing and nothing slipped in.
expected_files="./
./etc/
./etc/neighsync/
./etc/neighsync/neighsync.yaml.example
./usr/
./usr/lib/
./usr/lib/systemd/
./usr/lib/systemd/system/
./usr/lib/systemd/system/neighsync-apply.service
./usr/lib/systemd/system/neighsync-apply.timer
./usr/lib/systemd/system/neighsync.service
./usr/sbin/
./usr/sbin/neighsync
./usr/share/
./usr/share/bash-completion/
./usr/share/bash-completion/completions/
./usr/share/bash-completion/completions/neighsync
./usr/share/doc/
./usr/share/doc/neighsync/
./usr/share/doc/neighsync/changelog.gz
./usr/share/doc/neighsync/copyright
./usr/share/fish/
./usr/share/fish/vendor_completions.d/
./usr/share/fish/vendor_completions.d/neighsync.fish
./usr/share/man/
./usr/share/man/man8/
./usr/share/man/man8/neighsync.8.gz
./usr/share/zsh/
./usr/share/zsh/vendor-completions/
./usr/share/zsh/vendor-completions/_neighsync"
actual_files="$(dpkg-deb -c "$deb" | awk '{print $6}' | LC_ALL=C sort)"
if [ "$actual_files" == "$(LC_ALL=C sort <<<"$expected_files")" ]; then pass "file list ($(wc -l <<<"$actual_files") entries)"
else fail "file list differs:"; diff <(LC_ALL=C sort <<<"$expected_files") <(echo "$actual_files") >&2 || true; fi
bad_owner="$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')"
[ -z "$bad_owner" ] && pass "every file owned by root/root" || fail "not root/root: $bad_owner"
modes="$(dpkg-deb -c "$deb" | awk '{print $1, $6}' | grep -vE '^(drwxr-xr-x .*/|-rw-r--r-- .*[^/])$' || true)"
expect_eq "modes (0755 directories, 0644 files, except the binary)" "-rwxr-xr-x ./usr/sbin/neighsync" "$modes"

# The packaged binary works from the extracted tree.
if "$bin" validate --offline -f "$root/examples/dual-stack-routers.yaml" >/dev/null; then
    pass "packaged neighsync validate --offline -f examples/dual-stack-routers.yaml"
else fail "packaged neighsync rejects examples/dual-stack-routers.yaml"; fi
for shell in bash zsh fish; do
    f="$(find "$x/usr/share" -path "*/*completion*/*" \( -name neighsync -o -name _neighsync -o -name neighsync.fish \) | grep -c "$shell")"
    expect_eq "one $shell completion" 1 "$f"
done
grep -q -- '--watch' "$x/usr/share/bash-completion/completions/neighsync" && pass "bash completion knows --watch" \
    || fail "bash completion lacks --watch"
zcat "$x/usr/share/man/man8/neighsync.8.gz" | grep -q '^\.Dt NEIGHSYNC 8' && pass "man page neighsync(8)" \
    || fail "man page lacks .Dt NEIGHSYNC 8"
zcat "$x/usr/share/doc/neighsync/changelog.gz" | head -1 | grep -q "^neighsync ($version) " \
    && pass "changelog names $version" || fail "changelog does not start with neighsync ($version)"
head -1 "$x/usr/share/doc/neighsync/copyright" \
    | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/$' \
    && pass "copyright is DEP-5" || fail "copyright lacks the DEP-5 Format line"

# /etc/neighsync as shipped is no desired state (nothing can be applied by accident), and its example, once
# uncommented, is a valid one.
out="$("$bin" validate --offline -f "$x/etc/neighsync" 2>&1)" && fail "/etc/neighsync as shipped validates: $out" \
    || { [[ "$out" == *"no *.yaml or *.yml files"* ]] && pass "/etc/neighsync as shipped holds no desired state" \
         || fail "unexpected message for the shipped /etc/neighsync: $out"; }
grep -vqE '^(#.*)?$' "$x/etc/neighsync/neighsync.yaml.example" && fail "the example conffile has uncommented lines" \
    || pass "the example conffile is comments only"
sed -n '/^# version: 1$/,$p' "$x/etc/neighsync/neighsync.yaml.example" | sed -E 's/^# ?//' > "$work/uncommented.yaml"
"$bin" validate --offline -f "$work/uncommented.yaml" >/dev/null && pass "the example conffile, uncommented, validates" \
    || fail "the example conffile, uncommented, does not validate"

# Units: the packaged path, no /usr/local left, and the watch unit's command line accepted by the packaged binary
# (a missing file and an absent namespace, so nothing is touched: it must fail on those only).
for unit in neighsync.service neighsync-apply.service neighsync-apply.timer; do
    u="$x/usr/lib/systemd/system/$unit"
    grep -q /usr/local "$u" && fail "$unit still names /usr/local" || pass "$unit has no /usr/local path"
done
for unit in neighsync.service neighsync-apply.service; do
    exec_line="$(grep '^ExecStart=' "$x/usr/lib/systemd/system/$unit")"
    read -r -a argv <<<"${exec_line#ExecStart=}"
    expect_eq "$unit ExecStart binary" /usr/sbin/neighsync "${argv[0]}"
    args=("${argv[@]:1}")
    for i in "${!args[@]}"; do [ "${args[$i]}" == /etc/neighsync ] && args[$i]=/nonexistent/neighsync-test.yaml; done
    out="$("$bin" "${args[@]}" --netns neighsync-test-absent 2>&1)" && rc=0 || rc=$?
    [ "$rc" == 1 ] && [[ "$out" != *Usage:* && ( "$out" == *nonexistent* || "$out" == *neighsync-test-absent* ) ]] \
        && pass "$unit command line accepted by the packaged binary" || fail "$unit command line: exit $rc: $out"
done

# apt can install it here: every Depends resolvable (simulated; nothing is installed).
if apt-get install --simulate -qq "$deb" >"$work/apt.log" 2>&1 && grep -q '^Inst neighsync ' "$work/apt.log"; then
    pass "apt-get install --simulate ./$(basename "$deb")"
else fail "apt-get install --simulate: $(cat "$work/apt.log")"; fi

# ---- the OCI image ----
buildah inspect --type image "$image" > "$work/inspect.json"
# config KEY: one field of the image's OCI config, as JSON.
config() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["OCIv1"]["config"].get(sys.argv[2])))' \
    "$work/inspect.json" "$1"; }
labels="$(config Labels)"
for key in title description version source licenses created revision; do
    python3 -c 'import json,sys; v=(json.loads(sys.argv[1]) or {}).get("org.opencontainers.image."+sys.argv[2]); sys.exit(0 if v else 1)' \
        "$labels" "$key" && pass "label org.opencontainers.image.$key" || fail "label org.opencontainers.image.$key missing: $labels"
done
expect_eq "label version" "$version" \
    "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["org.opencontainers.image.version"])' "$labels")"
expect_eq "entrypoint" '["/usr/sbin/neighsync"]' "$(config Entrypoint)"

ctr="$(buildah from "$image")"
mnt="$(buildah mount "$ctr")"
ibin="$mnt/usr/sbin/neighsync"
# Exactly the binary and the libraries ldd lists for it, at the paths ldd names (no shell, no package manager).
expected="$( { echo /usr/sbin/neighsync; ldd "$ibin" | grep -oE '/[^ ]+'; } | LC_ALL=C sort)"
actual="$(cd "$mnt" && find . ! -type d -printf '/%P\n' | LC_ALL=C sort)"
if [ "$expected" == "$actual" ]; then pass "image holds exactly: $(tr '\n' ' ' <<<"$actual")"
else fail "image contents differ:"; diff <(echo "$expected") <(echo "$actual") >&2 || true; fi
for lib in libc.so libmnl.so libyaml-0.so ld-linux; do
    grep -q "/$lib" <<<"$actual" && pass "image has $lib" || fail "image lacks $lib"
done
buildah umount "$ctr" >/dev/null

expect_eq "buildah run neighsync --version" "$version" \
    "$(buildah run --isolation chroot "$ctr" -- neighsync --version)"
# The ConfigMap's per-node files, mounted where the DaemonSet mounts them.
python3 - "$root/examples/kubernetes/configmap.yaml" "$work/etc" <<'EOF'
import os, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
os.makedirs(sys.argv[2])
for k, v in d["data"].items():
    open(os.path.join(sys.argv[2], k), "w").write(v)
EOF
cp "$root/examples/dual-stack-routers.yaml" "$work/etc/"
printf 'version: 1\nneighbors:\n  - address: 192.0.2.300\n    interface: veth0\n    physicalAddress: "02:00:00:00:00:01"\n' \
    > "$work/bad.yml"
mv "$work/bad.yml" "$work/etc/bad.yml"
for f in $(cd "$work/etc" && ls *.yaml); do
    if out="$(buildah run --isolation chroot -v "$work/etc:/etc/neighsync:ro" "$ctr" -- \
        neighsync validate --offline -f "/etc/neighsync/$f" 2>&1)"; then
        pass "in the image: neighsync validate --offline -f /etc/neighsync/$f"
    else fail "in the image: validate /etc/neighsync/$f: $out"; fi
done
out="$(buildah run --isolation chroot -v "$work/etc:/etc/neighsync:ro" "$ctr" -- \
    neighsync validate --offline -f /etc/neighsync/bad.yml 2>&1)" && rc=0 || rc=$?
[ "$rc" == 1 ] && [[ "$out" == *"/etc/neighsync/bad.yml:3"*"192.0.2.300"* ]] \
    && pass "in the image: an invalid file is rejected with its position" || fail "in the image: bad.yml: exit $rc: $out"

# ---- neither is built from a binary that needs the Swift runtime's shared libraries (the debug build does) ----
debug_bin="$root/.build/debug/neighsync"
if [ -x "$debug_bin" ] && readelf -d "$debug_bin" | grep -q 'NEEDED.*libswiftCore'; then
    for script in deb.sh image.sh; do
        if [ "$script" == deb.sh ]; then args=("$debug_bin" "$root/README.md" "$work/refused")
        else args=("$debug_bin" localhost/neighsync-refused:test); fi
        out="$(bash "$root/.ci/$script" "${args[@]}" 2>&1)" && rc=0 || rc=$?
        [ "$rc" != 0 ] && [[ "$out" == *"needs the Swift runtime's shared libraries"* ]] && [ ! -e "$work/refused" ] \
            && pass "$script refuses the debug binary" || fail "$script with the debug binary: exit $rc: $out"
    done
else
    echo "note: no debug binary linking libswiftCore at $debug_bin; the refusal check did not run"
fi

if [ "$failures" != 0 ]; then echo "package-test: $failures failure(s)" >&2; exit 1; fi
echo "package-test: all checks passed"
