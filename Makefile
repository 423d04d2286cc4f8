# sluice — every target installs what it needs (Bun from the npm registry, then packages).
BUN_VERSION := 1.4.5
TOOLS := .tools
BUN := $(TOOLS)/node_modules/.bin/bun
DEPS := node_modules/.sluice-deps
SRC := $(shell find src -name '*.ts') package.json

.PHONY: test-tools deps run demo test test-unit check lint typecheck build bench bench-cpu certs install-service clean help

help:
	@echo "make run | demo | test | check | build | bench | bench-cpu | soak | certs | release | install-service | test-claude-code | clean"

$(BUN):
	@echo "installing bun $(BUN_VERSION) from the npm registry into $(TOOLS)/"
	@mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-save --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)
	@$(BUN) --version >/dev/null

$(DEPS): $(BUN) package.json bun.lock
	$(BUN) install --frozen-lockfile
	@touch $(DEPS)

deps: $(DEPS)

certs/server.crt: | $(DEPS)
	$(BUN) run src/index.ts certs

certs: $(DEPS)
	$(BUN) run src/index.ts certs

run: $(DEPS) certs/server.crt
	BUN_CONFIG_MAX_HTTP_REQUESTS=$${BUN_CONFIG_MAX_HTTP_REQUESTS:-4096} $(BUN) run src/index.ts serve

# The scrub and ledger workers are entry points of their own: a compiled binary carries only what is listed.
ENTRYPOINTS := src/index.ts src/scrub/scrub-worker.ts src/ledger/sqlite-worker.ts

dist/sluice: $(DEPS) $(SRC)
	$(BUN) build --compile --minify --sourcemap --no-compile-autoload-dotenv --no-compile-autoload-bunfig $(ENTRYPOINTS) --outfile dist/sluice
	@ls -lh dist/sluice

build: dist/sluice

demo: dist/sluice
	./scripts/demo.sh

# Debian packages some tests drive: Chromium for the dashboard's browser test (never a browser
# download), systemd for `systemd-analyze verify` of the unit, curl for the README's curl line,
# and PostgreSQL and Redis for the ledger and fleet tests (each test starts its own server,
# unprivileged, on a free port; the packages' own services are not needed).
# Installed once, when missing. Without them those tests skip, or fail when CI=true.
test-tools:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v systemd-analyze >/dev/null 2>&1 || missing="$$missing systemd"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing (apt-get)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "could not install$$missing: the tests that need them skip (and fail when CI=true)"; \
	fi

test: $(DEPS) dist/sluice test-tools
	$(BUN) test --timeout 30000

test-unit: $(DEPS)
	$(BUN) test --timeout 30000 tests/unit

lint: $(DEPS)
	node_modules/.bin/biome check .

typecheck: $(DEPS)
	node_modules/.bin/tsc --noEmit -p .

check: lint typecheck test

bench: $(DEPS) dist/sluice
	$(BUN) run bench/run.ts

# CPU time per request of sluice against the bare Bun proxy (bench/cpu.ts; targets as arguments).
bench-cpu: $(DEPS) dist/sluice
	$(BUN) run bench/cpu.ts $(TARGETS)

clean:
	rm -rf dist tests/output bench/output bench/.deps

# Deployment and load targets (deploy/, scripts/release.sh, bench/soak.ts).
.PHONY: release soak

# Binary, systemd unit + drop-in, /etc/sluice skeleton and certs; PREFIX / DESTDIR as usual.
install-service: dist/sluice
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" ./deploy/install.sh

# dist/sluice-<version>-<os>-<arch>.tar.gz + dist/SHA256SUMS, version from git describe.
release: $(DEPS)
	BUN="$(BUN)" ./scripts/release.sh

# Bounded soak (SOAK_SECONDS, default 120) of the compiled binary on loopback.
soak: $(DEPS) dist/sluice
	$(BUN) run bench/soak.ts

# Claude Code itself, each version of CLAUDE_CODE_VERSIONS (the pinned one and the newest
# release checked; a ~400 MB native binary npm installs into .tools/claude-code-<version> in a
# few seconds), driven through dist/sluice to the mock: the story matrix of tests/claude-code,
# passthrough and translated. A missing install fails here; plain `make test` skips these tests.
CLAUDE_CODE_VERSIONS := 2.1.329 2.1.332
.PHONY: test-claude-code
test-claude-code: $(DEPS) dist/sluice
	@for v in $(CLAUDE_CODE_VERSIONS); do \
	  bin=$$(CLAUDE_CODE_VERSION=$$v CLAUDE_CODE_PREFIX=.tools/claude-code-$$v ./scripts/install-claude-code.sh) || exit 1; \
	  echo "== Claude Code $$v"; \
	  CLAUDE_CODE_BIN=$$bin CLAUDE_CODE_VERSION=$$v SLUICE_REQUIRE_CLAUDE_CODE=1 \
	    $(BUN) test --timeout 120000 tests/claude-code || exit 1; \
	done

# Mutation testing with StrykerJS over `bun test` on the pure modules (stryker.config.mjs has
# the table). Not part of CI: slow on 2 cores. `make mutate MODULE=translate-stream` runs one;
# each keeps an incremental file in reports/mutation/, so a rerun tests only mutants whose source
# changed; the command runner cannot see test changes, so after new tests use FORCE=1.
# Scores and what the survivors taught: docs/TESTING.md.
MUTATE_MODULES := retry headers pricing usage cli routing translate-request translate-response \
  translate-stream translate-estimate scrub-detectors scrub-core scrub-restore
.PHONY: mutate
mutate: $(DEPS)
	@for m in $(or $(MODULE),$(MUTATE_MODULES)); do \
	  echo "== mutate $$m"; \
	  MUTATE_MODULE=$$m node_modules/.bin/stryker run $(if $(FORCE),--force) stryker.config.mjs || exit 1; \
	done
