#!/bin/sh
# siaga agent installer for Linux and macOS, served by the collector next to the executables:
#
#   curl -fsSL https://collector.example:8443/downloads/install.sh \
#     | sudo SIAGA_ENROLL_SECRET='...' sh -s -- --collector https://collector.example:8443 --site hq
#
# Downloads siaga-agent-<os>-<arch> and SHA256SUMS from <collector>/downloads/ (or
# SIAGA_DOWNLOAD_URL), refuses a file whose checksum differs, then runs
# `siaga-agent install` with the remaining options (--site, --group, --tags, --ca-file,
# --release-key, --enroll-secret-file, ...). The secret comes from SIAGA_ENROLL_SECRET or
# --enroll-secret-file. The collector's /v1/install prints this line filled in for it.
set -eu

fail() {
  echo "siaga install: $*" >&2
  exit 1
}

collector=""
ca_file=""
want=""
for arg in "$@"; do
  case "$want" in
    collector) collector=$arg ;;
    ca) ca_file=$arg ;;
  esac
  want=""
  case "$arg" in
    --collector) want=collector ;;
    --collector=*) collector=${arg#--collector=} ;;
    --ca-file) want=ca ;;
    --ca-file=*) ca_file=${arg#--ca-file=} ;;
  esac
done
[ -n "$collector" ] || fail "pass --collector <url>"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) fail "no build for $(uname -s); on Windows use the MSI" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  arm64 | aarch64)
    # Apple silicon runs the x64 build under Rosetta 2; there is no Linux arm64 build yet.
    [ "$os" = darwin ] || fail "no build for Linux on $(uname -m)"
    arch=x64
    ;;
  *) fail "no build for $(uname -m)" ;;
esac
name="siaga-agent-$os-$arch"
base=${SIAGA_DOWNLOAD_URL:-${collector%/}/downloads}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
umask 077

fetch() {
  if command -v curl >/dev/null 2>&1; then
    if [ -n "$ca_file" ]; then curl -fsSL --cacert "$ca_file" -o "$2" "$1"; else curl -fsSL -o "$2" "$1"; fi
  elif command -v wget >/dev/null 2>&1; then
    if [ -n "$ca_file" ]; then wget -q --ca-certificate="$ca_file" -O "$2" "$1"; else wget -q -O "$2" "$1"; fi
  else
    fail "needs curl or wget"
  fi || fail "download of $1 failed"
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS"
fetch "$base/$name" "$tmp/siaga-agent"
expected=$(awk -v f="$name" '$2 == f { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS lists no $name"
actual=$(sha256_of "$tmp/siaga-agent")
[ "$expected" = "$actual" ] || fail "checksum of $name is $actual, SHA256SUMS says $expected: not installing"
chmod 755 "$tmp/siaga-agent"

if [ "$os" = darwin ] && ! codesign --verify "$tmp/siaga-agent" >/dev/null 2>&1; then
  # An executable built on Linux carries an invalid signature: sign it for this Mac (ad hoc).
  codesign --remove-signature "$tmp/siaga-agent" 2>/dev/null || true
  codesign --sign - --force "$tmp/siaga-agent" || fail "codesign failed"
fi

if [ -n "${SIAGA_ENROLL_SECRET:-}" ]; then
  printf '%s\n' "$SIAGA_ENROLL_SECRET" > "$tmp/enroll-secret"
  set -- "$@" --enroll-secret-file "$tmp/enroll-secret"
fi
"$tmp/siaga-agent" install "$@"
