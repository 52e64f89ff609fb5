#!/usr/bin/env bash
# Installs archive-lint the ways users do and uses it as installed:
#   - `cmake --install` into a prefix (and with DESTDIR), then runs the installed binary;
#   - the Debian package (`cpack --preset release`): its control fields and file list,
#     lintian (no errors; each warning must have a reason in lintian_reasons below);
#   - `apt-get install ./archive-lint_*.deb` into a fresh Debian 12 root (debootstrap
#     minbase from the machine's Debian mirror, in a chroot), then --version, man -w,
#     `check` on the bundled examples, a link check through the dlopen'ed libcurl that
#     the package Recommends, and the completions.
# Builds its own release tree (build/release); the argument (a binary) is not used.
# The debootstrapped root is kept in build/package-test/ for the next run in this checkout.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
work=$root/build/package-test
mkdir -p "$work"
started=$SECONDS
step() { echo "-- $* ($((SECONDS - started)) s)"; }
fail() { echo "FAIL: $*"; exit 1; }

# Why each lintian warning left is accepted; a warning not listed here fails the test.
declare -A lintian_reasons=(
  [initial-upload-closes-no-bugs]="the package is not uploaded to Debian, so there is no ITP bug for its first changelog entry to close"
)

# The Debian mirror apt is configured with (deb822 .sources or one-line .list).
debian_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i} /^deb / {print ($2 ~ /^\[/ ? $3 : $2)}' |
        grep -E '/debian/?$' | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# 1. A Debian 12 minbase root, made in the background while the package builds.
base=$work/bookworm-base
deboot_pid=""
if [[ ! -f $base/.complete ]]; then
  rm -rf "$base"
  mirror=$(debian_mirror)
  step "debootstrap --variant=minbase bookworm from $mirror (in the background)"
  (debootstrap --variant=minbase bookworm "$base" "$mirror" > "$work/debootstrap.log" 2>&1 && touch "$base/.complete") &
  deboot_pid=$!
fi

# 2. The release build and its package.
step "release build and cpack --preset release"
cmake --preset release > "$work/configure.log"
cmake --build --preset release > "$work/build.log" || { tail -n 40 "$work/build.log"; fail "release build"; }
rm -f build/release/archive-lint_*.deb
cpack --preset release > "$work/cpack.log" || { cat "$work/cpack.log"; fail "cpack"; }
debs=(build/release/archive-lint_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "expected one archive-lint_*.deb in build/release, got: ${debs[*]}"
deb=${debs[0]}
echo "ok: $deb ($(stat -c %s "$deb") bytes)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 3. cmake --install into a prefix, and into DESTDIR.
step "cmake --install"
cmake --install build/release --prefix "$tmp/prefix" > /dev/null
"$tmp/prefix/bin/archive-lint" rules > "$tmp/rules.txt"
grep -q '^front-matter/date-format ' "$tmp/rules.txt" || fail "installed 'archive-lint rules' lacks front-matter/date-format"
echo "ok: $tmp/prefix/bin/archive-lint rules: $(wc -l < "$tmp/rules.txt") rules"
for f in bin/archive-lint share/man/man1/archive-lint.1.gz share/bash-completion/completions/archive-lint \
         share/zsh/site-functions/_archive-lint share/fish/vendor_completions.d/archive-lint.fish \
         share/doc/archive-lint/README.md share/doc/archive-lint/ci.md share/doc/archive-lint/copyright \
         share/doc/archive-lint/checks/front-matter/date-format.md; do
  [[ -f $tmp/prefix/$f ]] || fail "cmake --install did not install $f"
done
echo "ok: man page, completions and docs under the prefix"
DESTDIR="$tmp/destdir" cmake --install build/release --prefix /opt/archive-lint > /dev/null
[[ -x $tmp/destdir/opt/archive-lint/bin/archive-lint && ! -e /opt/archive-lint ]] || fail "DESTDIR is not honoured"
echo "ok: DESTDIR=$tmp/destdir --prefix /opt/archive-lint"

# 4. The package's control fields and files.
step "control fields and contents"
field() { dpkg-deb -f "$deb" "$1"; }
version=$(sed -n 's/^project(archive-lint VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[[ $(field Version) == "$version-1" ]] || fail "Version $(field Version), not $version-1"
for f in Maintainer Section Homepage Description; do [[ -n $(field $f) ]] || fail "no $f field"; done
depends=$(field Depends)
for lib in libc6 libstdc++6 libyaml-cpp0 libfmt; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
done
# gumbo is the bench's parse floor only; the tool has its own HTML analysis.
[[ $depends != *libgumbo* ]] || fail "libgumbo must not be a Depends (only bench/ links it): $depends"
[[ $depends != *libcurl* ]] || fail "libcurl must not be a Depends (it is dlopen'ed): $depends"
[[ $(field Recommends) == *libcurl4* ]] || fail "Recommends lacks libcurl4: $(field Recommends)"
echo "ok: Depends: $depends"
echo "ok: Recommends: $(field Recommends)"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/files.txt"
for f in /usr/bin/archive-lint /usr/share/man/man1/archive-lint.1.gz \
         /usr/share/bash-completion/completions/archive-lint /usr/share/zsh/vendor-completions/_archive-lint \
         /usr/share/fish/vendor_completions.d/archive-lint.fish /usr/share/doc/archive-lint/copyright \
         /usr/share/doc/archive-lint/changelog.Debian.gz /usr/share/doc/archive-lint/README.md; do
  grep -qx "$f" "$tmp/files.txt" || fail "the package lacks $f"
done
! grep -q '/site-functions' "$tmp/files.txt" || fail "the package has a zsh site-functions directory"
echo "ok: $(grep -vc '/$' "$tmp/files.txt") files in their Debian places"

# 5. lintian: no error; every warning has a reason.
step "lintian"
lintian --tag-display-limit 0 --display-info "$deb" > "$tmp/lintian.txt" 2> "$tmp/lintian.err" || true
grep -v 'running with root privileges' "$tmp/lintian.err" >&2 || true
if grep -q '^E: ' "$tmp/lintian.txt"; then cat "$tmp/lintian.txt"; fail "lintian reports errors"; fi
warnings=0
while read -r line; do
  tag=$(awk '{print $3}' <<< "$line")
  [[ -n ${lintian_reasons[$tag]:-} ]] || { cat "$tmp/lintian.txt"; fail "lintian warning without a reason here: $line"; }
  echo "lintian warning (accepted): $line -- ${lintian_reasons[$tag]}"
  warnings=$((warnings + 1))
done < <(grep '^W: ' "$tmp/lintian.txt" || true)
grep '^I: ' "$tmp/lintian.txt" | sed 's/^/lintian info: /' || true
echo "ok: lintian: 0 errors, $warnings warnings"

# 6. The packaged zsh and fish completions parse (bash is checked inside the root).
dpkg-deb -x "$deb" "$tmp/unpacked"
zsh -n "$tmp/unpacked/usr/share/zsh/vendor-completions/_archive-lint" || fail "zsh -n"
fish --no-execute "$tmp/unpacked/usr/share/fish/vendor_completions.d/archive-lint.fish" || fail "fish --no-execute"
echo "ok: zsh -n and fish --no-execute on the packaged completions"
# zsh itself, on a pseudo-terminal: type a line and TAB, print what the line became.
cat > "$tmp/zsh-complete.zsh" <<'ZSH'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "PS1='>'; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w -n z "$2"$'\t'
sleep 1
zpty -w z $'\x05 # end'
sleep 1
out=""
while zpty -r -t z line; do out+=$line; done
print -r -- "$out" | tr -d '\r' | grep -ao "$3" | tail -n 1
zpty -d z
ZSH
zsh_complete() { timeout 30 zsh -f "$tmp/zsh-complete.zsh" "$tmp/unpacked/usr/share/zsh/vendor-completions" "$@"; }
out=$(zsh_complete 'archive-lint explain front-matter/date-f' 'archive-lint explain [a-z/-]*')
[[ $out == 'archive-lint explain front-matter/date-format' ]] || fail "zsh completion of a rule id gave '$out'"
out=$(zsh_complete 'archive-lint check --format sa' 'archive-lint check --format [a-z]*')
[[ $out == 'archive-lint check --format sarif' ]] || fail "zsh completion of --format gave '$out'"
echo "ok: zsh completes 'explain front-matter/date-f' and 'check --format sa'"

# 7. scripts/install-release (the composite action's first step) against a fake GitHub on
#    loopback: the ref v<version>, or a moving tag at the same commit, gets the asset for
#    this system; another commit, or a system without an asset, gets exit 3 (build instead).
step "scripts/install-release against a loopback GitHub"
asset=$(bash scripts/install-release --asset-name)
site=$tmp/site
mkdir -p "$site/api/repos/o/r/commits" "$site/dl/o/r/releases/download/v$version"
cp "$deb" "$site/dl/o/r/releases/download/v$version/$asset"
echo 1111111111111111111111111111111111111111 > "$site/api/repos/o/r/commits/v$version"
echo 1111111111111111111111111111111111111111 > "$site/api/repos/o/r/commits/v1"
echo 2222222222222222222222222222222222222222 > "$site/api/repos/o/r/commits/main"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$site" "$port" > "$tmp/http.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2> /dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" > /dev/null 2>&1 && break; sleep 0.1; done
fake_github() { GITHUB_API_URL=http://127.0.0.1:$port/api GITHUB_SERVER_URL=http://127.0.0.1:$port/dl "$@"; }
for ref in "v$version" v1; do
  got=$(fake_github bash scripts/install-release o/r "$ref" --download "$tmp/dl-$ref")
  cmp -s "$got" "$deb" || fail "install-release o/r $ref downloaded '$got', not the package"
  echo "ok: install-release o/r $ref -> $(basename "$got")"
done
for ref in main ""; do
  status=0
  fake_github bash scripts/install-release o/r "$ref" --download "$tmp/dl-other" 2> "$tmp/ir.err" || status=$?
  [[ $status -eq 3 ]] || { cat "$tmp/ir.err"; fail "install-release o/r '$ref' exited $status, not 3"; }
  echo "ok: install-release o/r '${ref}' -> exit 3 ($(cat "$tmp/ir.err"))"
done
rm "$site/dl/o/r/releases/download/v$version/$asset"
status=0
fake_github bash scripts/install-release o/r "v$version" --download "$tmp/dl-none" 2> "$tmp/ir.err" || status=$?
[[ $status -eq 3 ]] || fail "install-release without an asset for this system exited $status, not 3"
echo "ok: no asset for this system -> exit 3 ($(cat "$tmp/ir.err"))"
kill "$server_pid"

# 8. apt-get install of what install-release downloaded into the fresh root, then use it there.
if [[ -n $deboot_pid ]]; then
  step "waiting for debootstrap"
  wait "$deboot_pid" || { tail -n 30 "$work/debootstrap.log"; fail "debootstrap"; }
fi
step "apt-get install ./$(basename "$deb") in a fresh Debian 12 root"
chroot_dir=$work/root
rm -rf "$chroot_dir"
cp -a "$base" "$chroot_dir"
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
cp "$tmp/dl-v$version/$asset" "$chroot_dir/tmp/$(basename "$deb")"
cp -r examples "$chroot_dir/tmp/examples"
in_root() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
ls "$chroot_dir"/var/lib/apt/lists/*_Packages > /dev/null 2>&1 || in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$(basename "$deb")" man-db \
  > "$work/apt-install.log" 2>&1 || { tail -n 30 "$work/apt-install.log"; fail "apt-get install"; }
in_root dpkg-query -W -f='${Status}\n' libcurl4 | grep -q 'install ok installed' || fail "Recommends: libcurl4 not installed"
echo "ok: installed, with libcurl4 (Recommends)"

out=$(in_root archive-lint --version)
[[ $out == "archive-lint $version"* ]] || fail "--version printed '$out'"
echo "ok: archive-lint --version: $out"
out=$(in_root man -w archive-lint)
[[ $out == /usr/share/man/man1/archive-lint.1.gz ]] || fail "man -w archive-lint: '$out'"
echo "ok: man -w archive-lint: $out"
in_root env MANWIDTH=80 man archive-lint 2> "$tmp/man.err" | grep -q -- '--changed-since' || fail "man archive-lint lacks --changed-since"
[[ ! -s $tmp/man.err ]] || { cat "$tmp/man.err"; fail "man archive-lint printed warnings"; }
echo "ok: man archive-lint renders without warnings"

status=0
in_root sh -c 'cd /tmp/examples && archive-lint check --offline --color never' > "$tmp/check.txt" || status=$?
[[ $status -eq 1 ]] || { cat "$tmp/check.txt"; fail "check on the examples exited $status, not 1"; }
summary=$(tail -n 1 "$tmp/check.txt")
[[ $summary == *"problems"*"in 5 of 7 files." ]] || fail "unexpected summary: $summary"
echo "ok: archive-lint check --offline on examples/: exit 1, $summary"

# A dead link on loopback (port 9, discard: nothing listens): libcurl must load and report it.
mkdir -p "$chroot_dir/tmp/links/_posts"
printf -- '---\nlayout: post\ntitle: t\ndate: 2022-01-20 13:12:24 +0800\n---\n<p><a href="http://127.0.0.1:9/x">x</a></p>\n' \
  > "$chroot_dir/tmp/links/_posts/2022-01-20-a.md"
status=0
in_root sh -c 'cd /tmp/links && archive-lint links --allow-private --no-cache --retries 0 --timeout 5 --color never' \
  > "$tmp/links.txt" 2>&1 || status=$?
grep -q 'links/unreachable' "$tmp/links.txt" || { cat "$tmp/links.txt"; fail "no links/unreachable finding (exit $status)"; }
echo "ok: archive-lint links through the dlopen'ed libcurl: $(grep -o 'links/unreachable' "$tmp/links.txt" | head -n 1)"

in_root bash -n /usr/share/bash-completion/completions/archive-lint || fail "bash -n"
out=$(in_root bash -c 'source /usr/share/bash-completion/completions/archive-lint
  COMP_WORDS=(archive-lint explain front-matter/date-f); COMP_CWORD=2; _archive_lint; echo "${COMPREPLY[*]}"')
[[ $out == front-matter/date-format ]] || fail "bash completion of 'explain front-matter/date-f' gave '$out'"
echo "ok: bash completion in the root: explain front-matter/date-f -> $out"
step "done"
echo "package: all passed"
