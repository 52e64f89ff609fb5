#!/usr/bin/env bash
# The CI gate on content pull requests, end to end with real git: baseline,
# --changed-since, --format github, --shard and merge.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
count() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["diagnostics"]) if "diagnostics" in d else len(d["runs"][0]["results"]))' "$1"; }

cd "$work"
git init -q -b main repo && cd repo
git config user.email ci@example.invalid && git config user.name ci
mkdir _posts && cp "$root"/examples/_posts/*.md _posts/ && cp "$root"/examples/.archive-lint.yml .
git add -A && git commit -qm "archive"

# 1. A baseline accepts today's findings.
set +e; "$bin" check --offline --quiet >/dev/null; rc=$?; set -e
[[ $rc -eq 1 ]] || fail "the example archive should have findings (exit $rc)"
"$bin" baseline --offline 2>/dev/null
[[ -f .archive-lint-baseline.json ]] || fail "baseline file not written"
"$bin" check --offline --baseline .archive-lint-baseline.json --quiet || fail "baselined findings still fail"
echo "ok: baseline accepts existing findings"

# 2. Edits above a finding do not revive it: fingerprints ignore line numbers.
post=_posts/2021-02-28-NW202102280000000004.md
python3 - "$post" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, encoding="utf-8").read().split("\n")
lines.insert(2, "author: 编辑部")          # inside the front matter, above the bad date
open(p, "w", encoding="utf-8").write("\n".join(lines))
PY
"$bin" check --offline --baseline .archive-lint-baseline.json --quiet || fail "a line inserted above revived a baselined finding"
echo "ok: inserting lines above a baselined finding keeps it accepted"
git add -A && git commit -qm "edit" && git add .archive-lint-baseline.json && git commit -qm baseline --allow-empty -q

# 3. A content PR: only the files it changes are checked, and only new problems fail.
git checkout -q -b pr
cat > _posts/2022-02-01-NW202202010000000009.md <<'POST'
---
layout: post
title: "新增一篇"
date: 2022-02-01 25:10:00 +0800
categories: kejiribao
tags: 科技日报新闻
---
<p>正文。</p>
POST
git add -A && git commit -qm "new post"
set +e
"$bin" check --offline --changed-since main --baseline .archive-lint-baseline.json --format json --output pr.json; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "the new broken post must fail the gate (exit $rc)"
python3 - pr.json <<'PY' || fail "the PR report must hold only the new post's finding"
import json, sys
d = json.load(open(sys.argv[1]))["diagnostics"]
paths = {x["path"] for x in d}
assert paths == {"_posts/2022-02-01-NW202202010000000009.md"}, paths
assert any(x["rule"] == "front-matter/date-invalid" and x["start"]["line"] == 4 for x in d), d
PY
echo "ok: --changed-since reports only the new post"

set +e; "$bin" check --offline --changed-since main --format github > gh.txt; set -e
grep -q '^::error file=_posts/2022-02-01-NW202202010000000009.md,line=4,col=7,' gh.txt || { cat gh.txt; fail "github annotations"; }
echo "ok: --format github prints workflow commands"

set +e; "$bin" check --offline --changed-since no-such-ref >/dev/null 2>err.txt; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q "no-such-ref" err.txt || fail "a bad ref must be a clear error with exit 2"

# 4. Shards split the archive disjointly and merge back into one run.
set +e
"$bin" check --offline --format json --output all.json
"$bin" check --offline --shard 1/2 --format json --output s1.json
"$bin" check --offline --shard 2/2 --format json --output s2.json
"$bin" check --offline --shard 1/2 --format sarif --output s1.sarif
"$bin" check --offline --shard 2/2 --format sarif --output s2.sarif
"$bin" check --offline --format sarif --output all.sarif
set -e
"$bin" merge s1.json s2.json --output merged.json
"$bin" merge s1.sarif s2.sarif --output merged.sarif
[[ $(count merged.json) -eq $(count all.json) ]] || fail "merged JSON count differs from a single run"
[[ $(count merged.sarif) -eq $(count all.sarif) ]] || fail "merged SARIF count differs from a single run"
[[ $(count s1.json) -gt 0 && $(count s2.json) -gt 0 ]] || echo "note: one shard happened to be clean"
python3 - s1.json s2.json all.json <<'PY' || fail "shards overlap or miss files"
import json, sys
s1, s2, a = (json.load(open(p))["diagnostics"] for p in sys.argv[1:])
p1 = {d["path"] for d in s1}; p2 = {d["path"] for d in s2}
assert not (p1 & p2), p1 & p2
assert p1 | p2 == {d["path"] for d in a}
PY
set +e; "$bin" merge s1.json s1.sarif >/dev/null 2>&1; rc=$?; set -e
[[ $rc -eq 2 ]] || fail "mixing SARIF and JSON must be refused"
echo "ok: --shard splits disjointly and merge reassembles the run"

# 5. For links, --changed-since checks only the links the change adds. A
# loopback server answers 404 for everything; the old post's dead link must
# not be reported, the new post's must.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
mkdir -p www && (cd www && timeout 120 python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break; sleep 0.1; done
git checkout -q main && git checkout -q -b links-pr
printf '\n<p><a href="http://127.0.0.1:%s/old-dead">旧链接</a></p>\n' "$port" >> _posts/2022-01-20-NW202201202254890865.md
git commit -qam "an old dead link, already on the base branch" && git branch -qf main HEAD
printf '\n<p><a href="http://127.0.0.1:%s/new-dead">新链接</a></p>\n' "$port" >> _posts/2022-01-21-NW202201210000000001.md
git commit -qam "a new dead link"
set +e
# Every host but 127.0.0.1 is excluded (RE2 has no lookahead: the complement is spelt out).
"$bin" links --changed-since main --allow-private --no-cache --timeout 5 --retries 0 \
  --exclude '^https?://([^1]|1[^2]|12[^7]|127[^.]|127\.[^0]|127\.0[^.]|127\.0\.[^0]|127\.0\.0[^.]|127\.0\.0\.[^1]|127\.0\.0\.1[^:/])' --format json --output links.json
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "a new dead link must fail (exit $rc)"
python3 - links.json <<'PY' || fail "links --changed-since must report the added link only"
import json, sys
d = json.load(open(sys.argv[1]))["diagnostics"]
urls = [x["message"] for x in d if x["rule"] == "links/dead"]
assert len(urls) == 1 and "/new-dead" in urls[0], urls
PY
echo "ok: links --changed-since checks only the added link"
