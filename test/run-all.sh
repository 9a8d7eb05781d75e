#!/usr/bin/env bash
# `npm test`: the unit and the integration projects side by side, in two vitest processes.
# One vitest runs its projects' groups one after the other, and the integration files run one
# at a time (they share the harness's droplet) while mostly waiting on sshd, dockerd, duplicity
# and throttled uploads: the unit files use the CPU meanwhile. Fails if either project fails.
# Arguments go to both (a filter that matches no file of one project is not a failure there).
set -u
export NODE_OPTIONS=--openssl-legacy-provider
status=$(mktemp)
trap 'rm -f "$status"' EXIT
{
  npx vitest run --project integration --passWithNoTests "$@" 2>&1
  echo $? >"$status"
} | sed -u 's/^/[integration] /' &
reader=$!
npx vitest run --project unit --passWithNoTests "$@"
unit=$?
wait "$reader"
integration=$(cat "$status")
echo "unit: exit $unit; integration: exit ${integration:-none}"
[ "$unit" = 0 ] && [ "${integration:-1}" = 0 ]
