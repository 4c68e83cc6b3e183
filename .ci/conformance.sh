#!/usr/bin/env bash
# Conformance run of the generated vendor clients against Prism mock servers.
#
# Starts one `prism mock --errors` per spec in spec/ on 127.0.0.1 (free ports), waits until each
# answers, then runs the `conformance` binary (tests/conformance/main.rs), which calls every
# generated operation with realistic, spec-valid arguments and fails on any non-success status
# or undecodable response. Prism validates every request against its spec (request validation
# is on by default; `--errors` also turns violations in its own responses into errors).
#
# Works from any working directory. Installs the pinned Node tooling (.ci/package.json and
# .ci/package-lock.json) with `npm ci --prefix .ci` when .ci/node_modules is missing.
# Every Prism started here is stopped by its own PID on exit.
#
# Exit status: 0 when every call passes; non-zero otherwise (1 for a failed call, or the
# status of whatever step failed). On failure, each Prism's validation messages are printed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log() { echo "conformance: $*" >&2; }

# Spec file stem -> the binary's flag.
specs=(cinnox zingle crm_contacts conga)
declare -A flag_of=([cinnox]=--cinnox [zingle]=--zingle [crm_contacts]=--crm-contacts [conga]=--conga)

readonly START_TIMEOUT_S=90

# The list above must name every spec: a new spec needs a flag and calls in the binary.
shopt -s nullglob
found=()
for file in spec/*.yaml; do
  stem="${file#spec/}"
  found+=("${stem%.yaml}")
done
shopt -u nullglob
if [[ "$(printf '%s\n' "${found[@]}" | sort)" != "$(printf '%s\n' "${specs[@]}" | sort)" ]]; then
  log "spec/*.yaml (${found[*]}) differs from the specs this run covers (${specs[*]})"
  exit 1
fi

# --- Node tooling ------------------------------------------------------------------------------
if [[ ! -d .ci/node_modules ]]; then
  log "installing pinned Node tooling (npm ci --prefix .ci)"
  SCARF_ANALYTICS=false npm ci --prefix .ci --no-audit --no-fund
fi
prism=".ci/node_modules/.bin/prism"
if [[ ! -x "$prism" ]]; then
  log "$prism not found; remove .ci/node_modules and re-run"
  exit 1
fi
log "Prism $("$prism" --version)"

# --- the conformance binary --------------------------------------------------------------------
log "building the conformance binary"
cargo build --quiet -p openapi-rustgen-tests --bin conformance

# --- Prism servers -----------------------------------------------------------------------------
work="$(mktemp -d)"
pids=()
failed=0

stop_prisms() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    # Give each up to ~5 s to exit, then force it.
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

show_prism_logs() {
  local name
  for name in "${specs[@]}"; do
    [[ -f "$work/$name.log" ]] || continue
    echo "----- Prism log for spec/$name.yaml (requests, validation and errors) -----" >&2
    grep -E 'HTTP SERVER|VALIDATOR|✖|error|Error|violation' "$work/$name.log" >&2 || tail -n 40 "$work/$name.log" >&2
  done
}

on_exit() {
  local status=$?
  stop_prisms
  if (( status != 0 || failed != 0 )); then
    show_prism_logs
  fi
  rm -rf "$work"
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Free ports, distinct: hold all of them open at once, then release them for Prism.
mapfile -t ports < <(node -e '
  const net = require("net");
  const n = Number(process.argv[1]);
  const servers = [];
  const next = () => {
    if (servers.length === n) {
      for (const s of servers) console.log(s.address().port);
      for (const s of servers) s.close();
      return;
    }
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => { servers.push(s); next(); });
  };
  next();
' "${#specs[@]}")
if (( ${#ports[@]} != ${#specs[@]} )); then
  log "could not find ${#specs[@]} free ports"
  exit 1
fi

declare -A url_of
for i in "${!specs[@]}"; do
  name="${specs[$i]}"
  port="${ports[$i]}"
  "$prism" mock --host 127.0.0.1 --port "$port" --errors "spec/$name.yaml" >"$work/$name.log" 2>&1 &
  pids+=("$!")
  url_of[$name]="http://127.0.0.1:$port"
  log "prism mock spec/$name.yaml on port $port (pid $!)"
done

# Wait until each Prism accepts connections (and has said it is listening).
deadline=$((SECONDS + START_TIMEOUT_S))
for i in "${!specs[@]}"; do
  name="${specs[$i]}"
  port="${ports[$i]}"
  until grep -q 'Prism is listening' "$work/$name.log" 2>/dev/null \
    && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      log "Prism for spec/$name.yaml exited early:"
      cat "$work/$name.log" >&2
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      log "Prism for spec/$name.yaml did not start within ${START_TIMEOUT_S}s:"
      cat "$work/$name.log" >&2
      exit 1
    fi
    sleep 0.2
  done
done
log "all ${#specs[@]} Prism servers are up"

# --- the run -----------------------------------------------------------------------------------
args=()
for name in "${specs[@]}"; do
  args+=("${flag_of[$name]}" "${url_of[$name]}")
done
status=0
cargo run --quiet -p openapi-rustgen-tests --bin conformance -- "${args[@]}" || status=$?
if (( status != 0 )); then
  failed=1
  log "FAILED (conformance exit status $status)"
  exit "$status"
fi
log "OK: every operation of every spec conforms"
