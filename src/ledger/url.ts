// SLUICE_DATABASE_URL and SLUICE_REDIS_URL in sluice's terms: which ledger store to open, and
// how a URL is shown without its password. Pure: nothing here opens anything.

export type LedgerTarget =
  | { kind: "off" }
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; url: string };

/** `off`, `sqlite://PATH` (relative to the working directory; `sqlite:///abs` is absolute), or `postgres://...`. */
export function parseDatabaseUrl(raw: string): LedgerTarget | { error: string } {
  const text = raw.trim();
  if (text === "" || text.toLowerCase() === "off") return { kind: "off" };
  const lower = text.toLowerCase();
  if (lower.startsWith("sqlite:")) {
    const path = text.slice("sqlite:".length).replace(/^\/\//, "");
    if (path === "") return { error: "sqlite:// needs a file path, like sqlite://sluice.db" };
    return { kind: "sqlite", path };
  }
  if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { error: "is not a valid postgres:// URL" };
    }
    if (url.hostname === "")
      return { error: "postgres:// needs a host, like postgres://user:pass@host:5432/db" };
    return { kind: "postgres", url: text };
  }
  return { error: "must be off, sqlite://PATH or postgres://user:password@host:port/database" };
}

/** Empty (off) or `redis://` / `rediss://` with a host. */
export function redisUrlProblem(raw: string): string | undefined {
  const text = raw.trim();
  if (text === "") return undefined;
  if (!/^(redis|rediss|valkey|valkeys):\/\//i.test(text)) return "must start with redis:// or rediss://";
  try {
    if (new URL(text).hostname === "") return "needs a host, like redis://127.0.0.1:6379";
  } catch {
    return "is not a valid redis:// URL";
  }
  return undefined;
}

/** The URL with its password replaced, for logs and `sluice check`. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password === "") return raw;
    url.password = "***";
    return url.toString();
  } catch {
    return raw.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
  }
}
