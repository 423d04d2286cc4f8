#!/usr/bin/env bash
# Installs Claude Code (@anthropic-ai/claude-code, pinned) into its own prefix for
# `make test-claude-code`, only when that exact version is missing. Prints the path of the
# `claude` executable on stdout; progress and timing go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${CLAUDE_CODE_VERSION:-2.1.329}
PREFIX=${CLAUDE_CODE_PREFIX:-.tools/claude-code}
BIN="$PREFIX/node_modules/.bin/claude"

installed_version() {
  [ -x "$BIN" ] || return 1
  node -p "require('./$PREFIX/node_modules/@anthropic-ai/claude-code/package.json').version" 2>/dev/null
}

if [ "$(installed_version || true)" != "$VERSION" ]; then
  echo "installing @anthropic-ai/claude-code@$VERSION into $PREFIX/ (a large native binary)" >&2
  mkdir -p "$PREFIX"
  start=$(date +%s)
  npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --loglevel=error \
    "@anthropic-ai/claude-code@$VERSION" >&2
  echo "installed in $(($(date +%s) - start)) s" >&2
fi

# The package's bin is a native executable; check it runs here before any test relies on it.
"$BIN" --version >&2
echo "$PWD/$BIN"
