#!/usr/bin/env bash
# Validates archive-lint's SARIF with Microsoft's SARIF multitool, with its
# default rules and with GitHub's ingestion rules (--rule-kind Ghas). Any
# error or warning fails. Inputs: the bundled examples and a gen-archive archive.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/build/tools"
mkdir -p "$tools"
if [[ ! -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]]; then
  # npm's own error (a registry or TLS problem) is shown, not swallowed by set -e.
  if ! (cd "$tools" && npm install --no-audit --no-fund @microsoft/sarif-multitool >"$tools/npm.log" 2>&1); then
    tail -20 "$tools/npm.log"; echo "FAIL: npm install @microsoft/sarif-multitool failed (log above)"; exit 1
  fi
  chmod u+x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
fi
multitool="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin" check --offline --config "$root/examples/.archive-lint.yml" --format sarif --output "$work/examples.sarif" || [[ $? -eq 1 ]]
inputs=("$work/examples.sarif")
python3 "$root/bench/gen-archive" "$work/archive" --posts 300 --seed 7 >/dev/null
printf 'extends: news-archive\n' > "$work/archive/.archive-lint.yml"
(cd "$work/archive" && "$bin" check _posts --offline --format sarif --output "$work/gen.sarif") || [[ $? -eq 1 ]]
inputs+=("$work/gen.sarif")
: > "$work/empty-archive.md"
# Also the empty-results case.
mkdir -p "$work/clean/_posts"
cp "$root/examples/_posts/2022-01-20-NW202201202254890865.md" "$root/examples/_posts/2022-01-21-NW202201210000000001.md" "$work/clean/_posts/"
(cd "$work/clean" && "$bin" check _posts --offline --format sarif --output "$work/clean.sarif")
inputs+=("$work/clean.sarif")

# The validator must be able to fail: a result URI that breaks SARIF1004.
python3 - "$work/examples.sarif" "$work/broken.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "file:///abs/post.md"
json.dump(log, open(sys.argv[2], "w"))
PY
"$multitool" validate "$work/broken.sarif" --output "$work/broken-out.sarif" --level "Error;Warning" >/dev/null 2>&1 || true
if ! grep -q SARIF1004 "$work/broken-out.sarif"; then
  echo "FAIL: the validator did not flag a deliberately broken SARIF file"; exit 1
fi
echo "ok: the validator flags a deliberately broken file (SARIF1004)"

status=0
for f in "${inputs[@]}"; do
  grep -q '"results"' "$f" || { echo "FAIL: $f has no results array"; status=1; }
  for kind in default Ghas; do
    rm -f "$work/out.sarif"
    args=(validate "$f" --output "$work/out.sarif" --level "Error;Warning")
    [[ $kind == Ghas ]] && args+=(--rule-kind Ghas)
    "$multitool" "${args[@]}" > "$work/log.txt" 2>&1 || true
    # The log of validation is itself SARIF: count results that are errors or warnings.
    count=$(python3 - "$work/out.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
bad = [r for run in log.get("runs", []) for r in run.get("results", []) if r.get("level", "warning") in ("error", "warning")]
for r in bad:
    print(r.get("ruleId"), r.get("message", {}).get("text", "")[:300], file=sys.stderr)
print(len(bad))
PY
)
    if [[ "$count" != 0 ]]; then
      echo "FAIL: $(basename "$f") ($kind rules): $count errors/warnings"; cat "$work/log.txt" | tail -20; status=1
    else
      echo "ok: $(basename "$f") validates with no error or warning ($kind rules)"
    fi
  done
done
exit $status
