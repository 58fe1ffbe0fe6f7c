#!/usr/bin/env bash
# Downloads the harden release binary for this machine, verifies it and installs it as
# $HARDEN_ROOT/bin/harden. Used by action.yml; works on any machine with bash and curl.
#
#   HARDEN_ROOT          where to install (bin/harden below it)            required
#   HARDEN_VERSION       X.Y.Z to download; empty: the version in Cargo.toml next to this script
#   HARDEN_SRC           the checkout holding Cargo.toml (default: this script's repository)
#   HARDEN_REPOSITORY    owner/name on GitHub; empty: from Cargo.toml `repository`
#   HARDEN_RELEASE_URL   base URL of the release's files (default:
#                        https://github.com/OWNER/NAME/releases/download/vX.Y.Z); a file://
#                        URL installs from a local directory built by .ci/package.py
#   VERIFY_ATTESTATION   "true": also `gh attestation verify` the archive (needs gh and GH_TOKEN)
#   RUNNER_OS_NAME, RUNNER_ARCH_NAME   GitHub's runner.os / runner.arch; default: uname
#
# The archive's SHA-256 must match the published .sha256 file, or nothing is installed.
set -euo pipefail

die() { echo "::error title=harden::$*" >&2; exit 2; }

src="${HARDEN_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
root="${HARDEN_ROOT:?HARDEN_ROOT is required}"

# The [package] table comes first in Cargo.toml: its first `key = "value"` is the crate's.
cargo_field() {
    sed -n "s/^$1[[:space:]]*=[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" "$src/Cargo.toml" | head -n 1
}

version="${HARDEN_VERSION:-}"
[ -n "$version" ] || version="$(cargo_field version)"
version="${version#v}"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] || die "not a release version: '$version'"

repo="${HARDEN_REPOSITORY:-}"
if [ -z "$repo" ]; then
    url="$(cargo_field repository)"
    repo="${url#https://github.com/}"
    repo="${repo%/}"
fi
[[ "$repo" =~ ^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$ ]] || die "not a GitHub repository: '$repo'"

os="${RUNNER_OS_NAME:-$(uname -s)}"
arch="${RUNNER_ARCH_NAME:-$(uname -m)}"
case "$os" in
    Linux) os=linux ;;
    macOS | Darwin) os=macos ;;
    Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) die "no harden release for the OS '$os': set build-from-source: true" ;;
esac
case "$arch" in
    X64 | x86_64 | amd64) arch=x86_64 ;;
    ARM64 | aarch64 | arm64) arch=aarch64 ;;
    *) die "no harden release for the architecture '$arch': set build-from-source: true" ;;
esac
case "$os/$arch" in
    linux/*) target="$arch-unknown-linux-musl" ;;
    macos/*) target="$arch-apple-darwin" ;;
    # Windows on Arm runs x86_64 binaries under emulation.
    windows/*) target="x86_64-pc-windows-msvc" ;;
esac
if [ "$os" = windows ]; then
    archive="harden-$target.zip"
    exe="harden.exe"
else
    archive="harden-$target.tar.gz"
    exe="harden"
fi

base="${HARDEN_RELEASE_URL:-https://github.com/$repo/releases/download/v$version}"
case "$base" in
    https://* | file://*) ;;
    *) die "refusing to download over anything but https:// (or file:// for a local build): $base" ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "harden: downloading $archive ($version) from $base" >&2
for f in "$archive" "$archive.sha256"; do
    curl --proto '=https,file' --tlsv1.2 --fail --silent --show-error --location \
        --retry 3 --output "$work/$f" "$base/$f" || die "could not download $base/$f"
done

expected="$(cut -d ' ' -f 1 < "$work/$archive.sha256" | tr -d '\r\n')"
if command -v sha256sum >/dev/null 2>&1; then
    actual="$(sha256sum "$work/$archive" | cut -d ' ' -f 1)"
else
    actual="$(shasum -a 256 "$work/$archive" | cut -d ' ' -f 1)"
fi
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "$archive.sha256 holds no SHA-256"
[ "$actual" = "$expected" ] || die "checksum mismatch for $archive: expected $expected, got $actual"
echo "harden: sha256 $actual OK" >&2

if [ "${VERIFY_ATTESTATION:-false}" = "true" ]; then
    command -v gh >/dev/null 2>&1 || die "gh is needed to verify the attestation (or set verify-attestation: false)"
    gh attestation verify "$work/$archive" --repo "$repo" >&2 \
        || die "the build provenance attestation of $archive does not verify against $repo"
fi

mkdir -p "$work/x" "$root/bin"
if [ "$os" = windows ]; then
    if command -v unzip >/dev/null 2>&1; then
        unzip -q "$work/$archive" -d "$work/x"
    else
        7z x -y -o"$work/x" "$work/$archive" >/dev/null
    fi
else
    tar -xzf "$work/$archive" -C "$work/x"
fi
bin="$work/x/harden-$target/$exe"
[ -f "$bin" ] && [ ! -L "$bin" ] || die "$archive holds no harden-$target/$exe"
install -m 0755 "$bin" "$root/bin/$exe" 2>/dev/null || { cp "$bin" "$root/bin/$exe" && chmod 0755 "$root/bin/$exe"; }
echo "harden: installed $root/bin/$exe" >&2
