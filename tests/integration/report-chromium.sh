#!/usr/bin/env bash
# The dead-link report for real: a small archive whose links point at a
# loopback server, two `archive-lint links` runs sharing a cache, then the
# HTML report in headless Chromium: the DOM after the page's script ran, with
# JavaScript off, with a filter and sort in the fragment, and a screenshot.
# Nothing but 127.0.0.1 is contacted; every wait and every browser call is bounded.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null
  if [[ -n "${ARCHIVE_LINT_KEEP:-}" ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$browser" ]] || fail "chromium is not installed (bash scripts/bootstrap --test installs Debian's chromium)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port)
closed=$(free_port)   # nothing listens there: connection refused
mkdir -p "$work/www" "$work/archive/_posts"
echo "<p>alive</p>" > "$work/www/alive.html"
echo "<p>back soon</p>" > "$work/www/.comes-back.html"   # published between the runs
(cd "$work/www" && exec timeout 300 python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null && break
  sleep 0.1
done

# The archive: which links are dead is decided here, by what www/ serves.
base="http://127.0.0.1:$port"
post() {  # name title body...
  local f="$work/archive/_posts/$1.md" title=$2; shift 2
  printf -- '---\nlayout: post\ntitle: "%s"\ndate: 2024-03-01 10:00:00 +0800\n---\n' "$title" > "$f"
  for line in "$@"; do printf '%s\n' "$line" >> "$f"; done
}
post 2024-03-01-a 'Alive and dead' "<p><a href=\"$base/alive.html\">ok</a></p>" "<p><a href=\"$base/gone-1\">gone</a></p>"
post 2024-03-02-b 'Twice \"dead\" <b>not bold</b> & co' "<p>intro</p>" "<p><a href=\"$base/gone-1\">again</a></p>" \
  "<p><img src=\"http://localhost:$port/missing.png\"></p>"
post 2024-03-03-c 'Refused' "<p><a href=\"http://127.0.0.1:$closed/x\">refused</a></p>"
post 2024-03-04-d 'Comes back' "<p><a href=\"$base/comes-back.html\">later</a></p>"
cd "$work/archive"

links() { "$bin" links --allow-private --retries 0 --timeout 5 "$@"; }

# Run 1: both reports next to the findings.
set +e
links --report html=run1.html --report markdown=run1.md --format json --output findings.json 2>err.txt
rc=$?
set -e
[[ $rc -eq 1 ]] || { cat err.txt; fail "dead links must exit 1 (got $rc)"; }
[[ -s run1.html && -s run1.md && -s findings.json ]] || fail "run 1 did not write every output"
grep -q '| Newly dead since the last run | 4 |' run1.md || { cat run1.md; fail "run 1: four links are newly dead"; }

# Between the runs one link comes back.
mv "$work/www/.comes-back.html" "$work/www/comes-back.html"

# Run 2: the HTML report in place of the findings, the Markdown report beside it.
set +e
links --report html --output report.html --report markdown=report.md 2>err.txt >stdout.txt
rc=$?
set -e
[[ $rc -eq 1 ]] || { cat err.txt; fail "run 2 must still exit 1 (got $rc)"; }
[[ ! -s stdout.txt ]] || fail "with --report html --output, nothing else goes to stdout"
python3 - report.md "$base" "$closed" "$port" <<'PY' || { cat report.md; fail "the Markdown report"; }
import sys
md, base, closed, port = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4]
assert "| Dead | 2 |" in md and "| Unreachable | 1 |" in md, md
assert "| Newly dead since the last run | 0 |" in md
assert "| Recovered since the last run | 1 |" in md and f"`{base}/comes-back.html` — was dead for 1 run" in md
assert f"`{base}/gone-1` — HTTP 404; failing for less than an hour, 2 runs in a row" in md
assert "  - `_posts/2024-03-02-b.md` line 7 — Twice \\\"dead\\\" \\<b\\>not bold\\<\\/b\\> \\& co" in md
# Worst host first: 127.0.0.1:port has two places for gone-1.
assert md.index(f"#### `127.0.0.1:{port}`") < md.index(f"#### `localhost:{port}`")
assert len(md.encode()) <= 65536
PY
echo "ok: two runs share the cache: runs counted, recovery seen, Markdown escaped"

# The expected table, from what the script served: URL -> [(post, line)].
python3 - "$work/archive/_posts" "$base" "$closed" "$port" > expected.json <<'PY'
import json, os, re, sys
posts, base, closed, port = sys.argv[1:5]
dead = {f"{base}/gone-1", f"http://localhost:{port}/missing.png", f"http://127.0.0.1:{closed}/x"}
where = {u: [] for u in dead}
for name in sorted(os.listdir(posts)):
    for n, line in enumerate(open(os.path.join(posts, name), encoding="utf-8"), 1):
        for u in re.findall(r'(?:href|src)="([^"]+)"', line):
            if u in where: where[u].append(f"_posts/{name}:{n}")
print(json.dumps(where))
PY

chrome() {  # args...; bounded, with a throw-away profile and no background traffic
  local profile; profile=$(mktemp -d -p "$work")
  timeout -k 5 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
    --disable-default-apps --no-default-browser-check --hide-scrollbars --user-data-dir="$profile" "$@" \
    2>>"$work/chromium.log"
}
page="file://$work/archive/report.html"

chrome --dump-dom "$page" > dom.html || { tail -20 "$work/chromium.log"; fail "chromium --dump-dom"; }
python3 - dom.html expected.json <<'PY' || fail "the rendered DOM"
import json, re, sys
from html.parser import HTMLParser
dom = open(sys.argv[1], encoding="utf-8").read()
expected = json.load(open(sys.argv[2]))

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

class Page(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.rows = []; self.bars = []; self.rects = []; self.points = []
        self.polyline = False; self.html_class = None; self.filter_hidden = None; self.count = ""; self.in_count = False
        self.cell = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); ids = [x.get("id") for _, x in self.stack]
        if tag == "html": self.html_class = a.get("class")
        if tag == "tr" and a.get("class") == "link" and "dead-links" in ids: self.rows.append({"hidden": "hidden" in a, "cells": []})
        if tag == "td" and self.rows and "dead-links" in ids: self.cell = []; self.rows[-1]["cells"].append(self.cell)
        if "chart-hosts" in ids or a.get("id") == "chart-hosts":
            if tag == "g" and a.get("class") == "bar": self.bars.append(a)
            if tag == "rect": self.rects.append(float(a["width"]))
        if "chart-history" in ids:
            if tag == "circle" and a.get("class") == "point": self.points.append(a)
            if tag == "polyline": self.polyline = True
        if tag == "input" and a.get("id") == "dead-links-filter": self.filter_hidden = "hidden" in a
        if tag == "span" and a.get("id") == "dead-links-count": self.in_count = True
        if tag not in VOID: self.stack.append((tag, a))
    def handle_endtag(self, tag):
        if tag == "td": self.cell = None
        if tag == "span": self.in_count = False
        if all(t != tag for t, _ in self.stack): return
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag: break
    def handle_data(self, data):
        if self.cell is not None: self.cell.append(data)
        if self.in_count: self.count += data

p = Page(); p.feed(dom)
assert p.html_class == "js", f"the page's script did not run (html class {p.html_class})"
rows = {"".join(r["cells"][0]).replace("new", "").strip(): r for r in p.rows}
assert set(rows) == set(expected), f"rows {sorted(rows)} != dead links {sorted(expected)}"
for url, places in expected.items():
    posts = "".join(rows[url]["cells"][7])
    for place in places: assert place in posts, f"{url}: {place} not in {posts!r}"
    assert "".join(rows[url]["cells"][6]).strip() == str(len(places))
    assert "".join(rows[url]["cells"][3]).strip() == "2", "every dead link has failed two runs"
assert "".join(rows[[u for u in expected if "gone-1" in u][0]]["cells"][2]).startswith("HTTP 404")
assert not any(r["hidden"] for r in p.rows)
hosts = {re.match(r"https?://([^/]+)", u).group(1) for u in expected}
assert {b["data-host"] for b in p.bars} == hosts, p.bars
assert len(p.rects) >= len(hosts) and all(w > 0 for w in p.rects)
assert len(p.points) == 2 and p.polyline, "two runs: two points joined by a line"
assert [int(x["data-failing"]) for x in p.points] == [4, 3], p.points
assert p.filter_hidden is False, "the script shows the filter box"
assert p.count.strip() == f"{len(expected)} of {len(expected)} rows", p.count
print(f"ok: DOM has {len(p.rows)} dead-link rows, {len(p.bars)} host bars, {len(p.points)} history points")
PY

# With JavaScript off the tables are all there, the filter box is not. New
# headless Chromium ignores --disable-javascript, so the same page with its
# Content-Security-Policy set to script-src 'none' stands in: the browser then
# refuses the inline script (which also shows the policy is enforced).
sed "s/script-src 'unsafe-inline'/script-src 'none'/" report.html > nojs.html
[[ $(cmp -l report.html nojs.html 2>/dev/null | wc -l) -gt 0 ]] || fail "report.html has no script-src 'unsafe-inline' policy to tighten"
chrome --dump-dom "file://$work/archive/nojs.html" > dom-nojs.html || fail "chromium --dump-dom without JS"
python3 - dom-nojs.html expected.json <<'PY' || fail "the page without JavaScript"
import json, sys
dom, expected = open(sys.argv[1], encoding="utf-8").read(), json.load(open(sys.argv[2]))
assert 'class="no-js"' in dom
assert dom.count('<tr class="link"') == len(expected)
assert 'id="dead-links-filter"' in dom and 'hidden=""' in dom
assert dom.count('<g class="bar"') == 3 and dom.count('<circle class="point"') == 2
print("ok: readable without JavaScript")
PY

# A filter and a sort in the fragment, applied by the script.
chrome --dump-dom "$page#q=gone-1&sort=places:desc" > dom-filter.html || fail "chromium --dump-dom with a fragment"
python3 - dom-filter.html <<'PY' || fail "filtering and sorting in the browser"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
rows = re.findall(r'<tr class="link"[^>]*>', dom)
visible = [r for r in rows if "hidden" not in r]
assert len(rows) == 3 and len(visible) == 1, rows
body = dom[dom.index('<table id="dead-links"'):]
first = body[body.index('<tr class="link"'):]
assert "gone-1" in first[:first.index("</tr>")], "sorted by places, most first"
assert re.search(r'<th[^>]*data-key="places"[^>]*aria-sort="descending"|<th[^>]*aria-sort="descending"[^>]*data-key="places"', dom)
assert 'id="dead-links-filter"' in dom and "1 of 3 rows" in dom
print("ok: the fragment filters and sorts the table")
PY

shot=${ARCHIVE_LINT_SCREENSHOT:-$work/report.png}
chrome --window-size=1280,1600 --screenshot="$shot" "$page" >/dev/null || fail "chromium --screenshot"
python3 - "$shot" <<'PY' || fail "the screenshot"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1280, 1600), (w, h)
assert len(data) > 30000, f"{len(data)} bytes: too small for a rendered report"
print(f"ok: screenshot {w}x{h}, {len(data)} bytes")
PY
echo "ok: the HTML report renders in headless Chromium"

# The README's nightly command, as written (plus the loopback-only flags of
# links() above): one run writes both reports and SARIF. After the runs above,
# the dead links have failed 3 runs in a row, so --min-failures 3 lists them.
set +e
links --min-failures 3 \
  --report markdown=dead-links.md --report html=dead-links.html \
  --format sarif --sarif-category archive-lint/links --output links.sarif 2>err.txt
rc=$?
set -e
[[ $rc -eq 1 ]] || { cat err.txt; fail "the README's nightly command (exit $rc)"; }
[[ -s dead-links.md && -s dead-links.html ]] || fail "the README's nightly command wrote no reports"
python3 - links.sarif dead-links.md <<'PY' || fail "the README's nightly command output"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["automationDetails"]["id"] == "archive-lint/links/", run.get("automationDetails")
assert any(r["ruleId"] == "links/dead" for r in run["results"])
md = open(sys.argv[2], encoding="utf-8").read()
assert "gone-1" in md, "a link dead for three runs must be listed"
PY
echo "ok: the README's nightly command writes the Markdown and HTML reports and SARIF"
