// Wrong admin keys per client address, so nobody can guess SLUICE_ADMIN_KEY at speed. An address
// that sent `maxFailures` wrong keys within one window (counted from its first wrong key) is
// refused until that window ends, without its key being checked, so even the right key waits.
// Promises: pure apart from the clock it is given; memory is bounded whatever the traffic (at most
// `maxAddresses` addresses are tracked, and a new one evicts the address whose window began
// first); a right key at the login form forgets the address.

export interface LoginLimitOptions {
  /** Wrong keys an address may send per window; the attempt after them is refused. Default 10. */
  maxFailures?: number;
  /** Length of an address's window, from its first wrong key. Default 5 minutes. */
  windowMs?: number;
  /** Addresses tracked at once. Default 10,000. */
  maxAddresses?: number;
  /** Milliseconds on a clock that never goes back. Default performance.now. */
  now?: () => number;
  /** Called once when an address reaches its limit, with how long it is locked out. */
  onLock?: (address: string, forMs: number) => void;
}

export interface LoginLimit {
  /**
   * Seconds `addr` must wait before a key from it is checked again (at least 1), or 0 when it
   * may try now. A non-zero answer counts as one refused attempt.
   */
  check(addr: string): number;
  /** Records a wrong key from `addr`. */
  fail(addr: string): void;
  /** Forgets `addr` (it gave the right key at the login form). */
  succeed(addr: string): void;
  /** Addresses tracked now; never more than maxAddresses. */
  tracked(): number;
  /** Attempts refused since start. */
  refused(): number;
}

export const LOGIN_LIMIT_DEFAULTS = { maxFailures: 10, windowMs: 5 * 60_000, maxAddresses: 10_000 };

interface Window {
  failures: number;
  since: number;
}

export function createLoginLimit(opts: LoginLimitOptions = {}): LoginLimit {
  const maxFailures = opts.maxFailures ?? LOGIN_LIMIT_DEFAULTS.maxFailures;
  const windowMs = opts.windowMs ?? LOGIN_LIMIT_DEFAULTS.windowMs;
  const maxAddresses = opts.maxAddresses ?? LOGIN_LIMIT_DEFAULTS.maxAddresses;
  const now = opts.now ?? (() => performance.now());
  // A window is only ever inserted when it begins, so the Map's order is the order of `since`:
  // the first entry is both the oldest and the first to expire.
  const windows = new Map<string, Window>();
  let refused = 0;

  const expired = (w: Window, t: number) => t - w.since >= windowMs;

  /** The address's window if it is still running; an ended one is dropped. */
  function current(addr: string, t: number): Window | undefined {
    const w = windows.get(addr);
    if (w && expired(w, t)) {
      windows.delete(addr);
      return undefined;
    }
    return w;
  }

  /** Drops ended windows from the front, then the oldest running ones beyond the cap. */
  function makeRoom(t: number): void {
    for (const [addr, w] of windows) {
      if (!expired(w, t) && windows.size < maxAddresses) return;
      windows.delete(addr);
    }
  }

  return {
    check(addr) {
      const t = now();
      const w = current(addr, t);
      if (!w || w.failures < maxFailures) return 0;
      refused++;
      return Math.max(1, Math.ceil((w.since + windowMs - t) / 1000));
    },
    fail(addr) {
      const t = now();
      const w = current(addr, t);
      if (w) {
        w.failures++;
        if (w.failures === maxFailures) opts.onLock?.(addr, w.since + windowMs - t);
        return;
      }
      makeRoom(t);
      windows.set(addr, { failures: 1, since: t });
      if (maxFailures === 1) opts.onLock?.(addr, windowMs);
    },
    succeed(addr) {
      windows.delete(addr);
    },
    tracked: () => windows.size,
    refused: () => refused,
  };
}

/**
 * Where a request came from, by its TCP peer; X-Forwarded-For is never read (anyone can send it).
 * IPv6 peers are counted by their /64, the block one host or customer usually holds, so an
 * attacker cannot take a fresh address per guess; IPv4-mapped IPv6 counts as the IPv4 address.
 */
export function clientAddress(
  server: { requestIP(req: Request): { address: string } | null } | null | undefined,
  req: Request,
): string {
  const address = server?.requestIP(req)?.address;
  return address === undefined ? "unknown" : addressBlock(address);
}

/** An IPv4 address as it is; an IPv6 address as its /64 ("2001:db8:1:2::/64"). */
export function addressBlock(address: string): string {
  const plain = address.replace(/%.*$/, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped) return mapped[1]!;
  if (!plain.includes(":")) return plain;
  const [head = "", tail] = plain.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const width = (gs: string[]) => gs.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const zeros = Array<string>(Math.max(0, 8 - width(front) - width(back))).fill("0");
  const prefix = [...front, ...zeros, ...back].slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ""));
  return `${prefix.join(":")}::/64`;
}
