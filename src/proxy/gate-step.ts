// The internal key gate (SLUICE_API_KEYS) with the brute-force limit the admin login has: an
// address that sent too many wrong keys in a window gets 429 with retry-after, its key not even
// checked (so a guesser cannot learn when it hits), counted on /metrics. Wraps the gate's check
// without changing it (auth.ts owns how keys are compared). Addresses are the TCP peer's, never
// X-Forwarded-For (see src/admin/login-limit.ts).

import { clientAddress, createLoginLimit, type LoginLimit } from "../admin/login-limit.ts";
import { type ProxyError, proxyError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { KeyGate } from "./auth.ts";

type PeerServer = { requestIP(req: Request): { address: string } | null } | null | undefined;

export function createGateLimit(log: Logger): LoginLimit {
  return createLoginLimit({
    onLock: (address, forMs) =>
      log.warn("key gate: too many wrong keys; address locked out", {
        address,
        seconds: Math.ceil(forMs / 1000),
      }),
  });
}

/** The key's name, or why the request is refused (401, or 429 while its address is locked out). */
export function passGate(
  gate: KeyGate,
  limit: LoginLimit,
  req: Request,
  query: string,
  server: PeerServer,
): string | ProxyError {
  const address = clientAddress(server, req);
  const wait = limit.check(address);
  if (wait > 0) {
    return {
      ...proxyError(
        "too_many_wrong_keys",
        `too many wrong sluice API keys from this address; try again in ${wait} s (until then every key is refused)`,
      ),
      retryAfterSec: wait,
    };
  }
  const name = gate.check(req.headers, query);
  if (name !== undefined) return name;
  limit.fail(address);
  return proxyError(
    "unauthorized",
    "missing or invalid sluice API key (Authorization: Bearer, x-api-key, x-goog-api-key or x-sluice-key)",
  );
}
