#!/usr/bin/env bash
# make demo: the built-in mock upstream, sluice routed to it over TLS, a little traffic,
# and what to try next. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./dist/sluice
MOCK_PORT=${MOCK_PORT:-8787}
PORT=${SLUICE_PORT:-8443}
DASH=${SLUICE_DASHBOARD_PORT:-9090}
DIR=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$DIR"' EXIT INT TERM

$BIN certs --dir certs >/dev/null
$BIN mock-upstream --port "$MOCK_PORT" >"$DIR/mock.log" 2>&1 &
MOCK="http://127.0.0.1:$MOCK_PORT"
SLUICE_ANTHROPIC_BASE_URL=$MOCK SLUICE_OPENAI_BASE_URL=$MOCK SLUICE_GEMINI_BASE_URL=$MOCK \
  SLUICE_PORT=$PORT SLUICE_DASHBOARD_PORT=$DASH SLUICE_LOG_FORMAT=pretty BUN_CONFIG_MAX_HTTP_REQUESTS=4096 \
  $BIN serve >"$DIR/sluice.log" 2>&1 &

URL="https://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -fsS --cacert certs/server.crt "$URL/health" >/dev/null 2>&1 && break
  sleep 0.1
done

ask() { curl -sS --cacert certs/server.crt "$URL$1" -H 'content-type: application/json' "${@:2}"; echo; }
echo "== Anthropic Messages (JSON)"
ask /v1/messages -H 'anthropic-version: 2023-06-01' \
  -d '{"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"Hello from the sluice demo"}]}'
echo "== Anthropic Messages (stream, first events)"
ask /v1/messages -H 'anthropic-version: 2023-06-01' \
  -d '{"model":"claude-haiku-4-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Stream please"}]}' | head -12 || true
echo "== OpenAI Chat Completions"
ask /v1/chat/completions -d '{"model":"gpt-4.1","messages":[{"role":"user","content":"Hello OpenAI side"}]}'
echo "== Gemini generateContent"
ask "/v1beta/models/gemini-2.5-flash:generateContent" -d '{"contents":[{"parts":[{"text":"Hello Gemini side"}]}]}'
echo "== an overloaded upstream, retried by sluice (529, 529, then 200)"
ask /v1/messages -H 'anthropic-version: 2023-06-01' -H 'x-mock-status: 529,529,200' -H "x-mock-key: demo-$$" \
  -d '{"model":"claude-sonnet-4-5","max_tokens":50,"messages":[{"role":"user","content":"retry me"}]}'

cat <<TXT

sluice is running at $URL (mock upstream at $MOCK).
  dashboard:  http://127.0.0.1:$DASH/dashboard
  metrics:    curl http://127.0.0.1:$DASH/metrics
  logs:       tail -f $DIR/sluice.log

Try it with a real client (it talks to the mock, so no key or network is needed):
  export NODE_EXTRA_CA_CERTS=$PWD/certs/server.crt
  export ANTHROPIC_BASE_URL=$URL ANTHROPIC_API_KEY=demo
  claude -p "hello"        # or any Anthropic / OpenAI SDK script

Press Ctrl-C to stop.
TXT
wait
