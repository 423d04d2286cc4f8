// What the walk needs from a leg (pass or translated): the request to send for a given key,
// and how to turn the upstream's answer into the client's response. A leg never sends
// anything itself; the walk (walk.ts) owns sending, retries, keys and moving on.
import type { UpstreamRequest } from "./http-client.ts";
import type { Sent } from "./send.ts";

export interface PreparedLeg {
  /** The body as this target gets it (after scrubbing and translation), for the observers. */
  body: Uint8Array;
  /** host[:port] of the target, for error messages. */
  host: string;
  /** Request features this target cannot take (translated legs). */
  dropped?: string[];
  /** The upstream request, carrying `key` as sluice's credential (undefined: none of sluice's). */
  request(key: string | undefined): UpstreamRequest;
  /** Relays (or translates) the upstream's answer as the client's response. */
  answer(sent: Sent): Response | Promise<Response>;
}
