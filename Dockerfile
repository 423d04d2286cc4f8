# syntax=docker/dockerfile:1
# sluice in a container: one stage compiles the single binary with Bun, the runtime stage is
# Debian slim (the binary needs glibc, nothing else) with a non-root user and a HEALTHCHECK
# that the binary runs itself (BUN_BE_BUN=1 turns it into the bun CLI), so no curl is installed.
#
#   docker build --build-arg SLUICE_VERSION="$(git describe --tags --always --dirty)" -t sluice .
#   docker run --rm -p 8443:8443 --stop-timeout 45 -e SLUICE_ANTHROPIC_API_KEY=... sluice
#
# Keep the Bun version equal to BUN_VERSION in the Makefile.

FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json bun.lock bunfig.toml tsconfig.json ./
RUN bun install --frozen-lockfile --production
COPY src ./src
# Empty: --version prints package.json's version.
ARG SLUICE_VERSION=""
# Same flags as scripts/release.sh: no .env or bunfig.toml is read from the working directory.
RUN set -eu; \
    define=""; \
    if [ -n "$SLUICE_VERSION" ]; then define="--define=SLUICE_VERSION=\"${SLUICE_VERSION#v}\""; fi; \
    bun build --compile --minify --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
      $define src/index.ts src/scrub/scrub-worker.ts src/ledger/sqlite-worker.ts --outfile /out/sluice; \
    /out/sluice --version

FROM debian:bookworm-slim AS runtime
RUN groupadd --system --gid 10001 sluice \
 && useradd --system --uid 10001 --gid sluice --home-dir /var/lib/sluice --create-home \
      --shell /usr/sbin/nologin sluice \
 && install -d -o sluice -g sluice -m 0750 /var/lib/sluice/certs
COPY --from=build /out/sluice /usr/local/bin/sluice
COPY deploy/healthcheck.ts /usr/local/lib/sluice/healthcheck.ts

# The working directory holds the self-signed certificate sluice generates on first start
# (certs/server.crt). Mount real ones and point SLUICE_TLS_CERT / SLUICE_TLS_KEY at them, or
# run SLUICE_TLS=off behind a TLS terminator. A config file can be mounted at /etc/sluice/sluice.toml.
# It also holds the usage ledger (sluice.db, SQLite): the volume keeps spend and budgets across
# container restarts (docker run -v sluice-data:/var/lib/sluice ...).
WORKDIR /var/lib/sluice
VOLUME /var/lib/sluice
ENV SLUICE_HOST=0.0.0.0 \
    SLUICE_PORT=8443 \
    SLUICE_LOG_FORMAT=json \
    BUN_CONFIG_MAX_HTTP_REQUESTS=4096
USER 10001:10001
EXPOSE 8443
STOPSIGNAL SIGTERM
# Probes /health on the admin listener (127.0.0.1:9090 inside the container), or on the main
# listener when SLUICE_DASHBOARD_PORT=0. Draining answers 503, so a stopping container is unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/bin/env", "BUN_BE_BUN=1", "/usr/local/bin/sluice", "/usr/local/lib/sluice/healthcheck.ts"]
ENTRYPOINT ["/usr/local/bin/sluice"]
CMD ["serve"]
