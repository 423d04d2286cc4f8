// `sluice usage [--since 7d|YYYY-MM-DD] [--by key|model|day|session|provider]
// [--format table|csv|json] [--config FILE] [--database-url URL]`: reads the ledger that the
// configuration names, also while sluice serves (SQLite's WAL lets a reader in beside the
// writer). It never creates a database nor changes one.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfig } from "../config/load.ts";
import { openPostgresStore } from "../ledger/postgres.ts";
import { FORMATS, type Format, parseGroup, parseSince, render, report } from "../ledger/report.ts";
import { openSqliteStore } from "../ledger/sqlite.ts";
import type { LedgerStore } from "../ledger/store.ts";
import { flagString } from "./args.ts";

const USAGE =
  "usage: sluice usage [--since 7d|YYYY-MM-DD] [--by key|model|day|session|provider] [--format table|csv|json] [--config FILE] [--database-url URL]\n";

const fail = (msg: string): number => {
  process.stderr.write(`sluice usage: ${msg}\n`);
  return 2;
};

export async function runUsage(positionals: string[], flags: Map<string, string | true>): Promise<number> {
  if (positionals.length > 0) return fail(`unexpected argument ${positionals[0]}\n${USAGE}`);
  for (const f of flags.keys()) {
    if (!["since", "by", "format", "config", "database-url"].includes(f))
      return fail(`unknown flag --${f}\n${USAGE}`);
  }
  const since = parseSince(flagString(flags, "since") ?? "7d", Date.now());
  if (typeof since !== "number") return fail(since.error);
  const by = parseGroup(flagString(flags, "by") ?? "key");
  if (typeof by !== "string") return fail(by.error);
  const format = (flagString(flags, "format") ?? "table") as Format;
  if (!FORMATS.includes(format)) return fail(`format must be one of: ${FORMATS.join(", ")}`);
  const dbFlag = flagString(flags, "database-url");
  const loaded = loadConfig({
    ...(dbFlag !== undefined ? { flags: { database_url: dbFlag } } : {}),
    configPath: flagString(flags, "config"),
    env: process.env,
  });
  if (!loaded.ok) return fail(`invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join("\n")}`);
  const target = loaded.config.ledger;
  if (target.kind === "off") return fail("the ledger is off (SLUICE_DATABASE_URL=off): nothing was recorded");
  let store: LedgerStore;
  if (target.kind === "sqlite") {
    if (!existsSync(target.path))
      return fail(`no ledger at ${resolve(target.path)} yet (sluice creates it on start)`);
    store = openSqliteStore(target.path, { busyTimeoutMs: 5000 });
  } else store = openPostgresStore(target.url);
  try {
    const groups = await store.usage({ since, by });
    process.stdout.write(render(report(since, by, groups), format));
    return 0;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/no such table/i.test(msg) || /does not exist/i.test(msg))
      return fail("the ledger has no usage table yet");
    return fail(`cannot read the ledger at ${store.where}: ${msg}`);
  } finally {
    await store.close();
  }
}
