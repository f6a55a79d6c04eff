#!/bin/sh
# Installs a released tfgate binary: picks the archive for this OS and
# architecture, verifies it against the release's SHA256SUMS, and installs
# the binary into PREFIX/bin.
#
#   curl -fsSL https://raw.githubusercontent.com/tfgate/tfgate/main/install.sh | sh
#   sh install.sh --version v0.1.0 --prefix /usr/local
#
# Options (or environment variables):
#   --version TAG     TFGATE_VERSION   a release tag (v0.1.0) or "latest" (default)
#   --prefix DIR      TFGATE_PREFIX    install into DIR/bin (default: $HOME/.local)
#   --target TRIPLE   TFGATE_TARGET    the archive's target (default: detected)
#                     TFGATE_RELEASES  where releases live (default: GitHub; a
#                                      mirror or file:// URL with the same layout:
#                                      download/TAG/FILE and latest/download/FILE)
#
# Nothing is installed unless the archive's SHA-256 matches the one the
# release lists; there is no option to skip the check.
set -eu

releases="${TFGATE_RELEASES:-https://github.com/tfgate/tfgate/releases}"
version="${TFGATE_VERSION:-latest}"
prefix="${TFGATE_PREFIX:-${HOME:-}/.local}"
target="${TFGATE_TARGET:-}"

say() { printf 'tfgate-install: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--version) [ $# -ge 2 ] || die "--version needs a value"; version="$2"; shift 2 ;;
	--version=*) version="${1#*=}"; shift ;;
	--prefix) [ $# -ge 2 ] || die "--prefix needs a value"; prefix="$2"; shift 2 ;;
	--prefix=*) prefix="${1#*=}"; shift ;;
	--target) [ $# -ge 2 ] || die "--target needs a value"; target="$2"; shift 2 ;;
	--target=*) target="${1#*=}"; shift ;;
	-h | --help)
		sed -n '2,18p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown option: $1 (see --help)" ;;
	esac
done
[ -n "$prefix" ] || die "no install prefix: set --prefix or HOME"

detect_target() {
	os=$(uname -s)
	arch=$(uname -m)
	case "$arch" in
	x86_64 | amd64) arch=x86_64 ;;
	aarch64 | arm64) arch=aarch64 ;;
	*) die "no release binary for the architecture $arch (build from source: cargo install tfgate)" ;;
	esac
	case "$os" in
	Linux) echo "$arch-unknown-linux-musl" ;;
	Darwin) echo "$arch-apple-darwin" ;;
	MINGW* | MSYS* | CYGWIN* | Windows_NT)
		[ "$arch" = x86_64 ] || die "no release binary for Windows on $arch"
		echo "x86_64-pc-windows-msvc"
		;;
	*) die "no release binary for the OS $os (build from source: cargo install tfgate)" ;;
	esac
}

# download URL FILE: curl, else wget (which cannot read file:// URLs).
download() {
	if command -v curl >/dev/null 2>&1; then
		case "$1" in
		https://*) curl --proto '=https' --tlsv1.2 -fsSL --retry 3 -o "$2" "$1" ;;
		*) curl -fsSL --retry 3 -o "$2" "$1" ;;
		esac
	elif command -v wget >/dev/null 2>&1; then
		wget -q -O "$2" "$1"
	else
		die "neither curl nor wget is installed"
	fi
}

# The checksum tool is chosen before anything is downloaded: without one
# nothing can be verified, and nothing is installed.
if command -v sha256sum >/dev/null 2>&1; then
	sha256_of() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
	sha256_of() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
	die "neither sha256sum nor shasum is installed: cannot verify the download"
fi

[ -n "$target" ] || target=$(detect_target)
case "$target" in
*-windows-*) ext=zip exe=.exe ;;
*) ext=tar.gz exe= ;;
esac

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t tfgate)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

if [ "$version" = latest ]; then
	# Every release carries a VERSION file naming its tag.
	download "$releases/latest/download/VERSION" "$tmp/VERSION" || die "cannot find the latest release at $releases"
	version=$(tr -d ' \r\n' <"$tmp/VERSION")
fi
case "$version" in
*[!A-Za-z0-9._+-]*) die "not a release tag: $version (expected e.g. v0.1.0)" ;;
v[0-9]*) ;;
[0-9]*) version="v$version" ;;
*) die "not a release tag: $version (expected e.g. v0.1.0)" ;;
esac

name="tfgate-$version-$target"
archive="$name.$ext"
say "downloading $archive"
download "$releases/download/$version/$archive" "$tmp/$archive" || die "cannot download $archive (is $version released for $target?)"
download "$releases/download/$version/SHA256SUMS" "$tmp/SHA256SUMS" || die "cannot download SHA256SUMS of $version"

# The line for exactly this file name (a name, two spaces or " *", the hash first).
expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "SHA256SUMS of $version does not list $archive"
actual=$(sha256_of "$tmp/$archive")
[ "$actual" = "$expected" ] || die "checksum mismatch for $archive: expected $expected, got $actual"
say "verified SHA-256 $actual"

mkdir "$tmp/x"
case "$ext" in
zip) command -v unzip >/dev/null 2>&1 || die "unzip is needed for $archive"; unzip -q "$tmp/$archive" -d "$tmp/x" ;;
*) tar -xzf "$tmp/$archive" -C "$tmp/x" ;;
esac
binary="$tmp/x/$name/tfgate$exe"
[ -f "$binary" ] || die "$archive holds no $name/tfgate$exe"

bindir="$prefix/bin"
mkdir -p "$bindir"
# Copied beside the destination, then renamed: a running tfgate is never half-overwritten.
cp "$binary" "$bindir/.tfgate$exe.new"
chmod 755 "$bindir/.tfgate$exe.new"
mv -f "$bindir/.tfgate$exe.new" "$bindir/tfgate$exe"
say "installed tfgate $version ($target) to $bindir/tfgate$exe"
case ":${PATH:-}:" in
*":$bindir:"*) ;;
*) say "note: $bindir is not on PATH" ;;
esac
