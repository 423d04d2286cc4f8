// The text of `sluice --help`.
import { VERSION } from "../version.ts";

export const HELP = `sluice ${VERSION} — HTTPS proxy for LLM APIs (Anthropic, OpenAI, Gemini)

usage:
  sluice [serve] [flags]          run the proxy (default command)
  sluice certs [--dir certs] [--host NAME]... [--force]
                                  write a self-signed server.crt / server.key
  sluice mock-upstream [--port 8787] [--host 127.0.0.1] [--latency-ms N] [--gap-ms N] [--events N]
                                  a fake Anthropic + OpenAI + Gemini upstream for demos and tests
  sluice check [--config FILE] [--offline]
                                  validate configuration, show effective settings, probe upstreams
  sluice keys new NAME [--budget-usd-day N] [--budget-usd-month N] [--requests-per-minute N]
                  [--tokens-per-minute N] [--models GLOB,GLOB]
                                  print a fresh client key once, and the [[keys]] lines to paste
  sluice usage [--since 7d|YYYY-MM-DD] [--by key|model|day|session|provider]
               [--format table|csv|json] [--config FILE] [--database-url URL]
                                  spend and tokens from the ledger (also while sluice serves)
  sluice --version | --help

serve flags:
  --config FILE         TOML file (else $SLUICE_CONFIG, ./sluice.toml, /etc/sluice/sluice.toml)
  --host H --port N     main HTTPS listener (default 0.0.0.0:8443)
  --dashboard-port N    plain-HTTP admin listener on 127.0.0.1 (default 9090, 0 = off)
  --tls-cert F --tls-key F
  --no-tls              serve plain HTTP (behind a TLS terminator)
  --log-level L         debug, info, warn, error
  Every setting is also a flag (--read-timeout 120), an environment variable
  (SLUICE_READ_TIMEOUT=120) and a TOML key (read_timeout = 120).
  Precedence: flag > environment > file > default. See README.md for the list.

point a client at it:
  export NODE_EXTRA_CA_CERTS=$PWD/certs/server.crt
  export ANTHROPIC_BASE_URL=https://127.0.0.1:8443
  export OPENAI_BASE_URL=https://127.0.0.1:8443/v1
`;
