// Whose credentials a gated request carries upstream. A client that presents its internal key in
// x-sluice-key keeps its own Authorization / x-api-key / x-goog-api-key / ?key= (a Claude
// subscription token, a per-user provider key): they go upstream when sluice has no key of its
// own there. Any other way of presenting the internal key means the client's credential headers
// hold it, so they are all dropped, as always. The internal key itself is never forwarded.
import type { KeyGate } from "./auth.ts";

/** The header that carries only the internal key, so the others can stay the client's own. */
export const SLUICE_KEY_HEADER = "x-sluice-key";

/**
 * True when the gate admitted the request by x-sluice-key and none of its other credentials is
 * an internal key (checked the gate's constant-time way): those may then go upstream.
 */
export function keepsOwnCredentials(gate: KeyGate, headers: Headers, query: string): boolean {
  if (!gate.enabled || !headers.has(SLUICE_KEY_HEADER)) return false;
  const only = new Headers({ [SLUICE_KEY_HEADER]: headers.get(SLUICE_KEY_HEADER) ?? "" });
  if (gate.check(only, "") === undefined) return false;
  const rest = new Headers(headers);
  rest.delete(SLUICE_KEY_HEADER);
  return gate.check(rest, query) === undefined;
}
