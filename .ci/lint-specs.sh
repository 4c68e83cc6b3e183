#!/usr/bin/env bash
# Lint every OpenAPI document in spec/*.yaml with the pinned Redocly CLI (.ci/package.json)
# and the repository's root .redocly.yaml. Works from any working directory.
#
# Exit status: non-zero if Redocly reports any error, or any warning about a spec or about
# .redocly.yaml (the specs are kept at zero warnings; set LINT_ALLOW_WARNINGS=1 to report
# warnings without failing).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# Install the pinned toolchain from the lockfile only when it is not there yet.
if [[ ! -d .ci/node_modules ]]; then
  echo "lint-specs: installing pinned Node tooling (npm ci --prefix .ci)" >&2
  npm ci --prefix .ci --no-audit --no-fund
fi

redocly=".ci/node_modules/.bin/redocly"
if [[ ! -x "$redocly" ]]; then
  echo "lint-specs: $redocly not found; remove .ci/node_modules and re-run" >&2
  exit 1
fi

shopt -s nullglob
specs=(spec/*.yaml)
shopt -u nullglob
if (( ${#specs[@]} == 0 )); then
  echo "lint-specs: no spec/*.yaml files found" >&2
  exit 1
fi

# No telemetry or update checks: CI only reaches package registries.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

status=0
"$redocly" lint --config .redocly.yaml "${specs[@]}" 2>&1 | tee "$log" || status=$?

if (( status != 0 )); then
  echo "lint-specs: FAILED (redocly exit status $status)" >&2
  exit "$status"
fi

if grep -Eq '(You have|Your config has) [0-9]+ warnings?' "$log"; then
  if [[ "${LINT_ALLOW_WARNINGS:-0}" == "1" ]]; then
    echo "lint-specs: warnings reported (allowed by LINT_ALLOW_WARNINGS=1)" >&2
  else
    echo "lint-specs: FAILED (warnings reported; the specs are kept at zero warnings)" >&2
    exit 1
  fi
fi

echo "lint-specs: OK (${#specs[@]} specs, 0 errors, 0 warnings)"
