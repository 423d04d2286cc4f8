// Requests sluice refuses before anything else runs, each with a 4xx in the client's format
// instead of a 500 from somewhere deeper: methods a proxy must not relay (TRACE echoes the
// request, credentials included, back through every hop; CONNECT asks for a tunnel sluice is
// not), a path whose percent-encoding does not decode, and header values with control bytes
// (RFC 9110 5.5 allows none but tab; an upstream or a log line may choke on them). Pure.
import { type ProxyError, proxyError } from "../errors.ts";

const REFUSED_METHODS = new Set(["TRACE", "TRACK", "CONNECT"]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control bytes is the point.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export function requestProblem(method: string, path: string, headers: Headers): ProxyError | undefined {
  if (REFUSED_METHODS.has(method.toUpperCase()))
    return proxyError("method_not_allowed", `${method.toUpperCase()} is not relayed`);
  if (path.includes("%")) {
    try {
      decodeURIComponent(path);
    } catch {
      return proxyError("bad_request", "the request path has broken percent-encoding");
    }
  }
  for (const [name, value] of headers) {
    // The header's name only: its value may be a key.
    if (CONTROL.test(value)) return proxyError("bad_request", `header ${name} holds a control character`);
  }
  return undefined;
}
