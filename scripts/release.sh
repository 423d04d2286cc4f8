#!/usr/bin/env bash
# `make release`: compiles sluice for each release target with the version baked in, packs each
# binary with the deploy files into dist/sluice-<version>-<os>-<arch>.tar.gz and writes
# dist/SHA256SUMS (RELEASE_DIR instead of dist/). Promises: the host's binary is run and must
# print `sluice <version>`, or nothing is packed; the version is `git describe` (v prefix
# dropped), or package.json's version plus the commit when no tag exists; SLUICE_VERSION
# overrides both. Targets: RELEASE_TARGETS (default "bun-linux-x64 bun-linux-arm64"); Bun
# fetches a foreign target's runtime from the npm registry the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

BUN="${BUN:-.tools/node_modules/.bin/bun}"
TARGETS="${RELEASE_TARGETS:-bun-linux-x64 bun-linux-arm64}"
OUT="${RELEASE_DIR:-dist}"
# Same as `make build`, plus no .env / bunfig.toml from the working directory at run time:
# a service binary must not change behaviour with the directory it is started from.
BUILD_FLAGS=(--compile --minify --sourcemap --no-compile-autoload-dotenv --no-compile-autoload-bunfig)

say() { printf 'release: %s\n' "$*"; }
die() { printf 'release: %s\n' "$*" >&2; exit 1; }

pkg_version() { sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' package.json | head -n 1; }

# "-dirty" when tracked files differ from HEAD. Computed with --no-optional-locks rather than
# `git describe --dirty`, which may rewrite the index while someone else is using the repo.
dirty() {
  [[ -n "$(git --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null)" ]] && printf -- '-dirty'
  return 0
}

describe_version() {
  local described
  if described="$(git describe --tags --match 'v[0-9]*' 2>/dev/null)"; then
    printf '%s%s' "${described#v}" "$(dirty)"
  elif described="$(git rev-parse --short HEAD 2>/dev/null)"; then
    printf '%s+g%s%s' "$(pkg_version)" "$described" "$(dirty)"
  else
    pkg_version
  fi
}

VERSION="${SLUICE_VERSION:-$(describe_version)}"
[[ "$VERSION" =~ ^[0-9A-Za-z.+_-]+$ ]] || die "unusable version \"$VERSION\""

host_target() {
  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch="$(uname -m)" ;;
  esac
  printf 'bun-%s-%s' "$(uname -s | tr '[:upper:]' '[:lower:]')" "$arch"
}
HOST="$(host_target)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"
rm -f "$OUT/SHA256SUMS"
archives=()

for target in $TARGETS; do
  name="sluice-$VERSION-${target#bun-}"
  stage="$work/$name"
  mkdir -p "$stage/deploy"
  say "building $name"
  "$BUN" build "${BUILD_FLAGS[@]}" --target="$target" \
    --define "SLUICE_VERSION=\"$VERSION\"" src/index.ts src/scrub/scrub-worker.ts src/ledger/sqlite-worker.ts --outfile "$stage/sluice" >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; die "build for $target failed"; }
  rm -f "$stage/sluice.map"
  if [[ "$target" == "$HOST" ]]; then
    printed="$("$stage/sluice" --version)"
    [[ "$printed" == "sluice $VERSION" ]] || die "$name prints \"$printed\", expected \"sluice $VERSION\""
    say "$name --version: $printed"
  fi
  cp deploy/sluice.service deploy/sluice.toml.example deploy/sluice.env.example deploy/install.sh "$stage/deploy/"
  for doc in README.md LICENSE docs/DEPLOY.md; do
    if [[ -f "$doc" ]]; then cp "$doc" "$stage/"; fi
  done
  tar -C "$work" -czf "$OUT/$name.tar.gz" "$name"
  archives+=("$name.tar.gz")
done

(cd "$OUT" && sha256sum "${archives[@]}" >SHA256SUMS)
say "wrote $OUT/SHA256SUMS:"
sed 's/^/  /' "$OUT/SHA256SUMS"
