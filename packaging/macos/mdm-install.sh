#!/bin/sh
# siaga agent for macOS through an MDM (Jamf Pro, Kandji, Mosyle, ...): upload this script as a
# policy script that runs as root. Jamf passes its parameters as $4 onwards:
#   $4 collector URL   $5 enroll secret   $6 site   $7 group   $8 tags (a,b)   $9 release key
# Other MDMs: set SIAGA_COLLECTOR_URL, SIAGA_ENROLL_SECRET, SIAGA_SITE, SIAGA_GROUP, SIAGA_TAGS,
# SIAGA_RELEASE_KEY (the release key turns on automatic updates).
# It fetches the collector's install.sh, which checks the download's SHA-256 and installs the
# LaunchDaemon dev.siaga.agent. Re-running it updates the configuration.
set -eu

collector=${4:-${SIAGA_COLLECTOR_URL:-}}
secret=${5:-${SIAGA_ENROLL_SECRET:-}}
site=${6:-${SIAGA_SITE:-}}
group=${7:-${SIAGA_GROUP:-}}
tags=${8:-${SIAGA_TAGS:-}}
release_key=${9:-${SIAGA_RELEASE_KEY:-}}
[ -n "$collector" ] || { echo "siaga: no collector URL (parameter 4 or SIAGA_COLLECTOR_URL)" >&2; exit 1; }
[ -n "$secret" ] || { echo "siaga: no enroll secret (parameter 5 or SIAGA_ENROLL_SECRET)" >&2; exit 1; }

set -- --collector "$collector"
if [ -n "$site" ]; then set -- "$@" --site "$site"; fi
if [ -n "$group" ]; then set -- "$@" --group "$group"; fi
if [ -n "$tags" ]; then set -- "$@" --tags "$tags"; fi
if [ -n "$release_key" ]; then set -- "$@" --release-key "$release_key"; fi

script=$(mktemp)
trap 'rm -f "$script"' EXIT
curl -fsSL -o "$script" "${collector%/}/downloads/install.sh"
SIAGA_ENROLL_SECRET=$secret sh "$script" "$@"
