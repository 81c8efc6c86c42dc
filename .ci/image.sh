#!/usr/bin/env bash
# make image: builds the OCI image neighsync:VERSION with buildah, FROM scratch, holding the release binary at
# /usr/sbin/neighsync, the shared libraries `ldd` lists for it (libc, libmnl, libyaml, the dynamic loader, …) at the
# paths ldd names, and nothing else; entrypoint /usr/sbin/neighsync; org.opencontainers.image.* labels.
# The image lands in buildah's local storage (root: /var/lib/containers/storage); push it with
#   buildah push neighsync:VERSION docker://REGISTRY/neighsync:VERSION
# Usage: .ci/image.sh NEIGHSYNC [NAME]   (NAME defaults to neighsync:VERSION; prints the image's name last)
# Set STORAGE_DRIVER=vfs where overlay mounts are not allowed (buildah reads that variable).
set -euo pipefail
bin="$(realpath "${1:?usage: image.sh NEIGHSYNC [NAME]}")"
root="$(cd "$(dirname "$0")/.." && pwd)"
umask 022

if readelf -d "$bin" | grep -E 'NEEDED.*(libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime)'; then
    echo "image.sh: $bin needs the Swift runtime's shared libraries (above); build it with 'make release'" >&2
    exit 1
fi
version="$("$bin" --version)"
name="${2:-neighsync:$version}"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
# The source label: the clone's origin when it has one (git@host:path spelled as https://host/path).
source_url="$(git -C "$root" remote get-url origin 2>/dev/null | sed -E 's|^git@([^:]+):|https://\1/|; s|\.git$||' || true)"
source_url="${source_url:-https://example.invalid/neighsync}"

stage="$(mktemp -d)"
ctr=""
cleanup() { [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1; rm -rf "$stage"; }
trap cleanup EXIT

# The root file system: the binary, then each library at the path ldd resolves it to (symlinks followed, so the
# file is there under the name the loader looks for). A library ldd cannot find fails the build.
install -d "$stage/usr/sbin"
install -m 0755 "$bin" "$stage/usr/sbin/neighsync"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$stage/usr/sbin/neighsync"
if ldd "$bin" | grep -q 'not found'; then ldd "$bin" >&2; echo "image.sh: a library is missing" >&2; exit 1; fi
for lib in $(ldd "$bin" | grep -oE '/[^ ]+'); do
    install -d "$stage$(dirname "$lib")"
    cp -L "$lib" "$stage$lib"
    chmod 0644 "$stage$lib"
done
chmod 0755 "$stage$(readelf -l "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')"
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

ctr="$(buildah from scratch)"
buildah copy --quiet "$ctr" "$stage" / >/dev/null
created="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
buildah config \
    --entrypoint '["/usr/sbin/neighsync"]' --cmd '' \
    --env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    --workingdir / \
    --label org.opencontainers.image.title=neighsync \
    --label "org.opencontainers.image.description=Declarative reconciler for the Linux kernel neighbor table (ARP/NDP) over rtnetlink" \
    --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.revision=$revision" \
    --label "org.opencontainers.image.source=$source_url" \
    --label org.opencontainers.image.licenses=NOASSERTION \
    --label "org.opencontainers.image.created=$created" \
    "$ctr"
# Reproducible: the commit's time as the image's creation time (and the layer's file times), no builder-version label;
# the same sources give the same image ID, so a rebuild leaves no dangling image behind.
old="$(buildah inspect --type image --format '{{.FromImageID}}' "$name" 2>/dev/null || true)"
buildah commit --quiet --format oci --timestamp "$SOURCE_DATE_EPOCH" --identity-label=false --rm "$ctr" "$name" >/dev/null
ctr=""
new="$(buildah inspect --type image --format '{{.FromImageID}}' "$name")"
if [ -n "$old" ] && [ "$old" != "$new" ]; then buildah rmi "$old" >/dev/null 2>&1 || true; fi
echo "image $name: $(du -sb "$stage" | cut -f1) bytes uncompressed (binary and $(ldd "$bin" | grep -cE '/[^ ]+') libraries)"
echo "$name"
