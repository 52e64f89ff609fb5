#!/usr/bin/env bash
# The pre-commit hooks, run by the real pre-commit framework with try-repo:
# a staged broken post fails with the finding shown, the fixed post passes.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v pre-commit >/dev/null || { echo "FAIL: pre-commit is not installed (scripts/bootstrap --test installs it)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export PRE_COMMIT_HOME="$work/pre-commit-home" XDG_CACHE_HOME="$work/cache"

# try-repo needs the hook repository as a git repository: use this one, or a
# snapshot of the work tree when it is not (e.g. an unpacked tarball).
hook_repo="$root"
if ! git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  hook_repo="$work/hooks"
  cp -r "$root" "$hook_repo" && rm -rf "$hook_repo/build"
  git -C "$hook_repo" init -q && git -C "$hook_repo" add -A && git -C "$hook_repo" -c user.name=t -c user.email=t@example.invalid commit -qm snapshot
fi

cd "$work"
git init -q -b main site && cd site
git config user.email t@example.invalid && git config user.name t
mkdir _posts && cp "$root"/examples/_posts/2022-01-20-*.md "$root"/examples/_posts/2022-01-21-*.md _posts/
cp "$root"/examples/.archive-lint.yml .
git add -A && git commit -qm "archive"

run_hook() {  # hook-id -> output in out.txt, returns pre-commit's status
  PATH="$(dirname "$bin"):$PATH" pre-commit try-repo "$hook_repo" "$1" > out.txt 2>&1
}

for hook in archive-lint archive-lint-from-source; do
  cat > _posts/2022-03-01-NW202203010000000001.md <<'POST'
---
layout: post
title: "他说"好"的"
date: 2022-03-01 10:00:00 +0800
categories: kejiribao
tags: 科技日报新闻
---
<p>正文。</p><p class="em_media">（文章来源：科技日报）</p>

<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202203010000000001>

[返回科技日报新闻](//finews.withounder.com/category/kejiribao.html)｜[返回首页](//finews.withounder.com/)
POST
  git add _posts/2022-03-01-NW202203010000000001.md
  if run_hook "$hook"; then cat out.txt; fail "$hook: a staged broken post passed"; fi
  grep -q "_posts/2022-03-01-NW202203010000000001.md:3:.*front-matter/yaml-syntax" out.txt || { cat out.txt; fail "$hook: finding not shown"; }
  echo "ok: $hook fails on the staged broken post and shows file:line"

  sed -i 's/^title: .*/title: "他说“好”的"/' _posts/2022-03-01-NW202203010000000001.md
  git add _posts/2022-03-01-NW202203010000000001.md
  run_hook "$hook" || { cat out.txt; fail "$hook: the fixed post still fails"; }
  echo "ok: $hook passes once the post is fixed"
  git reset -q --hard HEAD && rm -f _posts/2022-03-01-NW202203010000000001.md
done

# The README's snippet (examples/pre-commit-config.yaml), installed as a user
# would, with the repository URL and rev pointed at this checkout.
rev=$(git -C "$hook_repo" rev-parse HEAD)
sed -e "s|https://github.com/archive-lint/archive-lint|$hook_repo|" -e "s|rev: v0.1.0|rev: $rev|" \
  "$root/examples/pre-commit-config.yaml" > .pre-commit-config.yaml
git add .pre-commit-config.yaml && git commit -qm "pre-commit config"
PATH="$(dirname "$bin"):$PATH" pre-commit install >/dev/null
printf -- '---\nlayout: post\ntitle: "x"\ndate: 2022-13-01 10:00:00 +0800\n---\n<p>x</p>\n' > _posts/2022-03-02-NW202203020000000001.md
git add _posts/2022-03-02-NW202203020000000001.md
if PATH="$(dirname "$bin"):$PATH" git commit -qm "broken post" > out.txt 2>&1; then cat out.txt; fail "the installed hook let a broken post be committed"; fi
grep -q "front-matter/date-invalid" out.txt || { cat out.txt; fail "the installed hook did not show the finding"; }
echo "ok: the README's .pre-commit-config.yaml snippet blocks a broken commit"

# The links hook, as a user would configure it (manual stage): it checks only the
# links the change adds. A loopback server answers 404 for everything, so the
# test needs --allow-private, which the hook's args carry.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$work/www" && echo ok > "$work/www/alive.html"
(cd "$work/www" && exec timeout 120 python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break; sleep 0.1; done
git reset -q --hard HEAD
# --exclude: every host but 127.0.0.1 (RE2 has no lookahead: the complement is spelt out).
cat >> .pre-commit-config.yaml <<CFG
      - id: archive-lint-links
        args: [--allow-private, --no-cache, --timeout, "5", --retries, "0", --exclude, '^https?://([^1]|1[^2]|12[^7]|127[^.]|127\.[^0]|127\.0[^.]|127\.0\.[^0]|127\.0\.0[^.]|127\.0\.0\.[^1]|127\.0\.0\.1[^:/])']
CFG
git add .pre-commit-config.yaml && git commit -qm "links hook" --no-verify
post=_posts/2022-01-20-NW202201202254890865.md
printf '\n<p><a href="http://127.0.0.1:%s/gone.html">失效链接</a></p>\n' "$port" >> "$post"
git add "$post"
if PATH="$(dirname "$bin"):$PATH" pre-commit run archive-lint-links --hook-stage manual > out.txt 2>&1; then
  cat out.txt; fail "archive-lint-links passed with a dead link added"
fi
grep -q "links/dead" out.txt && grep -q "gone.html" out.txt || { cat out.txt; fail "archive-lint-links did not report the added dead link"; }
echo "ok: archive-lint-links reports an added dead link"
sed -i "s|/gone.html|/alive.html|" "$post" && git add "$post"
PATH="$(dirname "$bin"):$PATH" pre-commit run archive-lint-links --hook-stage manual > out.txt 2>&1 || { cat out.txt; fail "archive-lint-links failed on a live link"; }
echo "ok: archive-lint-links passes once the added link works"
