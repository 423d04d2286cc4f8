// Owns the mock upstream's server-side fault table: faults set with POST /__mock/faults that
// pick requests by the key they carry, the model they ask for, or their path, wherever they
// come from. That is what a proxy in front needs: its own upstream keys and translated requests
// carry none of the client's x-mock-* headers. Promises: parsing is pure and names what is
// wrong; each fault counts its own requests, the last status repeats; reset() forgets all.

const MAX_FAULTS = 100;

export interface Fault {
  /** The credential the request carries (x-api-key, Bearer, x-goog-api-key). */
  key?: string;
  /** The model asked for (body `model`, or the Gemini path). */
  model?: string;
  /** The request path, e.g. /v1/chat/completions. */
  path?: string;
  /** Statuses for the 1st, 2nd ... matching request; the last one repeats. */
  status: number[];
  /** retry-after on 429/503/529 answers. */
  retryAfter?: string;
}

export interface FaultRequest {
  key: string;
  model?: string;
  path: string;
}

export type FaultsResult = { ok: true; faults: Fault[] } | { ok: false; message: string };

/** `{"faults": [{"key": "sk-a", "status": [429], "retryAfter": "30"}, ...]}`. */
export function parseFaults(body: unknown): FaultsResult {
  const list = (body as { faults?: unknown } | null)?.faults;
  if (!Array.isArray(list) || list.length > MAX_FAULTS)
    return { ok: false, message: `faults must be an array of at most ${MAX_FAULTS} objects` };
  const faults: Fault[] = [];
  for (const [i, raw] of list.entries()) {
    const f = raw as Record<string, unknown> | null;
    const statuses = typeof f?.status === "number" ? [f.status] : f?.status;
    if (
      !Array.isArray(statuses) ||
      statuses.length === 0 ||
      statuses.some((s) => !Number.isInteger(s) || s < 200 || s > 599)
    )
      return { ok: false, message: `faults[${i}].status must be a status or a list of statuses (200-599)` };
    const fault: Fault = { status: statuses as number[] };
    for (const name of ["key", "model", "path", "retryAfter"] as const) {
      const value = f?.[name];
      if (value === undefined) continue;
      if (typeof value !== "string") return { ok: false, message: `faults[${i}].${name} must be a string` };
      fault[name] = value;
    }
    faults.push(fault);
  }
  return { ok: true, faults };
}

/** The credential a request carries, in whichever header its API uses; "" when none. */
export function presentedKey(headers: Headers): string {
  const auth = headers.get("authorization");
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  return headers.get("x-api-key")?.trim() ?? headers.get("x-goog-api-key")?.trim() ?? "";
}

export class FaultTable {
  #faults: Fault[] = [];
  #counts: number[] = [];

  set(faults: Fault[]): void {
    this.#faults = faults;
    this.#counts = faults.map(() => 0);
  }

  get faults(): Fault[] {
    return this.#faults;
  }

  /** The status the first matching fault gives this request, with its retry-after. */
  next(r: FaultRequest): { status: number; retryAfter?: string } | undefined {
    const i = this.#faults.findIndex(
      (f) =>
        (f.key === undefined || f.key === r.key) &&
        (f.model === undefined || f.model === r.model) &&
        (f.path === undefined || f.path === r.path),
    );
    const fault = this.#faults[i];
    if (!fault) return undefined;
    const n = this.#counts[i] ?? 0;
    this.#counts[i] = n + 1;
    const status = fault.status[Math.min(n, fault.status.length - 1)]!;
    return fault.retryAfter === undefined ? { status } : { status, retryAfter: fault.retryAfter };
  }

  reset(): void {
    this.set([]);
  }
}
