#!/usr/bin/env bash
# make deb: builds neighsync_VERSION_ARCH.deb from an already built release binary with Debian's own tools:
# dpkg-shlibdeps (Depends from the libraries the binary links), dpkg-gencontrol (DEBIAN/control from
# .ci/debian/control and a changelog made for this version), dpkg-deb --build, then lintian (fails on errors).
# Usage: .ci/deb.sh NEIGHSYNC MANPAGE OUTDIR   (prints the .deb's path last)
set -euo pipefail
bin="$(realpath "${1:?usage: deb.sh NEIGHSYNC MANPAGE OUTDIR}")"
man="$(realpath "${2:?usage: deb.sh NEIGHSYNC MANPAGE OUTDIR}")"
out="$(realpath "${3:-.}")"
root="$(cd "$(dirname "$0")/.." && pwd)"
umask 022

# The package carries the release binary only: one that needs the Swift runtime's shared libraries (a plain
# `swift build`, or `make man` run after `make release`) would not start on a host without a Swift toolchain.
if readelf -d "$bin" | grep -E 'NEEDED.*(libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime)'; then
    echo "deb.sh: $bin needs the Swift runtime's shared libraries (above); build it with 'make release'" >&2
    exit 1
fi
version="$("$bin" --version)"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "deb.sh: unexpected version '$version'" >&2; exit 1; }
arch="$(dpkg --print-architecture)"
# Reproducible dates: the last commit's time when building from git.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
pkg="$work/debian/neighsync"

cp "$root/.ci/debian/control" "$work/debian/control"
cat > "$work/debian/changelog" <<EOF
neighsync ($version) unstable; urgency=medium

  * neighsync $version, built from commit $commit.

 -- neighsync contributors <neighsync@example.org>  $(date -u -R -d "@$SOURCE_DATE_EPOCH")
EOF

# Binary (stripped of symbols: the Swift metadata sections it needs at run time are allocated sections and stay).
install -d "$pkg/usr/sbin"
install -m 0755 "$bin" "$pkg/usr/sbin/neighsync"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$pkg/usr/sbin/neighsync"

# Man page and completions (the completions come from the binary itself).
install -d "$pkg/usr/share/man/man8" "$pkg/usr/share/bash-completion/completions" \
    "$pkg/usr/share/zsh/vendor-completions" "$pkg/usr/share/fish/vendor_completions.d"
gzip -9n < "$man" > "$pkg/usr/share/man/man8/neighsync.8.gz"
# bash-completion sources its files: no #! line (lintian: bash-completion-with-hashbang).
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' > "$pkg/usr/share/bash-completion/completions/neighsync"
"$bin" --generate-completion-script zsh > "$pkg/usr/share/zsh/vendor-completions/_neighsync"
"$bin" --generate-completion-script fish > "$pkg/usr/share/fish/vendor_completions.d/neighsync.fish"

# systemd units and timer, installed but not enabled: the binary's packaged path, and the enable hint in place of
# the examples' copy-then-enable one.
install -d "$pkg/usr/lib/systemd/system"
for unit in neighsync.service neighsync-apply.service neighsync-apply.timer; do
    sed -e 's|/usr/local/bin/neighsync|/usr/sbin/neighsync|g' \
        -e 's|^# Install: cp .*&& systemctl enable|# Installed by the neighsync package, not enabled: systemctl enable|' \
        "$root/examples/systemd/$unit" > "$pkg/usr/lib/systemd/system/$unit"
    chmod 0644 "$pkg/usr/lib/systemd/system/$unit"
done

# /etc/neighsync: the desired state's home. Its one file is a conffile that is not read (only *.yaml and *.yml
# are) and holds only comments (a file without `version` is not a desired state), so nothing is applied by accident.
install -d "$pkg/etc/neighsync"
{
    echo "# neighsync desired state: copy this file to /etc/neighsync/neighbors.yaml (or split it into several"
    echo "# *.yaml files in /etc/neighsync), uncomment and edit it, check it with"
    echo "#   neighsync validate -f /etc/neighsync && neighsync plan -f /etc/neighsync"
    echo "# then enable neighsync.service (watch mode) or neighsync-apply.timer (every minute). See neighsync(8)."
    echo "#"
    sed -e 's/^/# /' -e 's/ *$//' "$root/examples/dual-stack-routers.yaml"
} > "$pkg/etc/neighsync/neighsync.yaml.example"
chmod 0644 "$pkg/etc/neighsync/neighsync.yaml.example"

# Documentation: the machine-readable copyright file and the changelog. The version has no Debian revision (this is
# a native package: the source is the package's), so the changelog is changelog.gz, not changelog.Debian.gz
# (lintian: wrong-name-for-changelog-of-native-package).
install -d "$pkg/usr/share/doc/neighsync"
install -m 0644 "$root/.ci/debian/copyright" "$pkg/usr/share/doc/neighsync/copyright"
gzip -9n < "$work/debian/changelog" > "$pkg/usr/share/doc/neighsync/changelog.gz"

# Control data: Depends from the linked libraries, then the control file, conffiles and checksums.
(
    cd "$work"
    install -d "$pkg/DEBIAN"
    dpkg-shlibdeps -Tdebian/neighsync.substvars "$pkg/usr/sbin/neighsync"
    dpkg-gencontrol -pneighsync -Pdebian/neighsync -Tdebian/neighsync.substvars -fdebian/files
)
echo /etc/neighsync/neighsync.yaml.example > "$pkg/DEBIAN/conffiles"
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\n' | LC_ALL=C sort | xargs md5sum) > "$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"
find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

deb="$out/neighsync_${version}_${arch}.deb"
mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'

# lintian: errors fail the build; warnings and informational tags are printed (LINTIAN_ARGS adds options, e.g. --info).
if command -v lintian >/dev/null; then
    rc=0
    lintian --fail-on error --display-info ${LINTIAN_ARGS:-} "$deb" > "$work/lintian.log" 2>&1 || rc=$?
    grep -v '^running with root privileges' "$work/lintian.log" || true
    if [ "$rc" != 0 ] || grep -q '^E: ' "$work/lintian.log"; then
        echo "deb.sh: lintian reports errors for $deb (exit $rc)" >&2
        exit 1
    fi
else
    echo "deb.sh: lintian is not installed; not checked" >&2
fi
echo "$deb"
