// Owns the record of what reached the mock: the last 200 requests with method, path, query,
// headers, body (cut at 64 KB), arrival time, answered status and whether the client left
// early. Promises: bounded memory; entries are live objects the server updates in place.

import type { RecordedRequest } from "./types.ts";

export const MAX_RECORDED = 200;
export const MAX_BODY_CHARS = 64 * 1024;

export class RequestLog {
  readonly entries: RecordedRequest[] = [];

  record(req: Request, url: URL, id: string, body: string, receivedAt: number): RecordedRequest {
    const headers: Record<string, string> = {};
    req.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const entry: RecordedRequest = {
      id,
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: body.length > MAX_BODY_CHARS ? body.slice(0, MAX_BODY_CHARS) : body,
      bodyTruncated: body.length > MAX_BODY_CHARS,
      receivedAt,
      status: 0,
      aborted: false,
    };
    this.entries.push(entry);
    if (this.entries.length > MAX_RECORDED) this.entries.splice(0, this.entries.length - MAX_RECORDED);
    return entry;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
