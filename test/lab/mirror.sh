#!/usr/bin/env bash
# Prints the Debian mirror this machine's own apt sources use for $1 (default bookworm), so no mirror host is
# ever written into the repository. LAB_MIRROR overrides it.
set -euo pipefail
suite=${1:-bookworm}
if [ -n "${LAB_MIRROR:-}" ]; then echo "$LAB_MIRROR"; exit 0; fi
{
  # one-line format: deb [options] URI SUITE COMPONENTS...
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
    | sed -E 's/\[[^]]*\]//' | awk -v s="$suite" '$1=="deb" && $3==s {print $2}'
  # deb822 format: stanzas separated by blank lines
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    awk -v s="$suite" '
      function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " s " ") && uri != "") print uri; types=suites=uri="" }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types=$0 }
      /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites=$0 }
      /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); split($0, u, " "); uri=u[1] }
      END { flush() }' "$f"
  done
} | head -n1 | grep . || { echo "no apt source for $suite found; set LAB_MIRROR" >&2; exit 1; }
