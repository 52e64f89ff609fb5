#!/usr/bin/env bash
# Validates action.yml, the project's workflows and the example workflows with
# @action-validator/cli (schema validation of actions and workflows).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/build/tools"
mkdir -p "$tools"
validator="$tools/node_modules/.bin/action-validator"
if [[ ! -x "$validator" ]]; then
  # npm's own error (a registry or TLS problem) is shown, not swallowed by set -e.
  if ! (cd "$tools" && npm install --no-audit --no-fund @action-validator/cli >"$tools/npm.log" 2>&1); then
    tail -20 "$tools/npm.log"; echo "FAIL: npm install @action-validator/cli failed (log above)"; exit 1
  fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The validator tells a workflow from an action by its directory.
mkdir -p "$work/.github/workflows"
status=0
validate() {  # file, as-path
  cp "$1" "$work/$2"
  if (cd "$work" && "$validator" "$2" > "$work/log.txt" 2>&1); then
    echo "ok: $1"
  else
    echo "FAIL: $1"; cat "$work/log.txt"; status=1
  fi
}
validate "$root/action.yml" action.yml
for f in "$root"/.github/workflows/*.yml "$root"/examples/workflows/*.yml; do
  validate "$f" ".github/workflows/$(basename "$f")"
done
# The validator must be able to fail.
printf 'name: broken\non: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "a" b\n' > "$work/.github/workflows/broken.yml"
if (cd "$work" && "$validator" .github/workflows/broken.yml >/dev/null 2>&1); then
  echo "FAIL: the validator accepted a broken workflow"; status=1
else
  echo "ok: the validator rejects a broken workflow"
fi
exit $status
