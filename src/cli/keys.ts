// `sluice keys new NAME [--budget-usd-day N] [--budget-usd-month N] [--requests-per-minute N]
// [--tokens-per-minute N] [--models GLOB,GLOB]`: makes a fresh random key, prints it once and the
// [[keys]] lines to paste, which hold only its SHA-256 digest. sluice never stores the key.
import { randomBytes } from "node:crypto";
import * as v from "valibot";
import { keySchema, sha256Hex } from "../config/keys.ts";

const NUMERIC = {
  "budget-usd-day": "budget_usd_day",
  "budget-usd-month": "budget_usd_month",
  "requests-per-minute": "requests_per_minute",
  "tokens-per-minute": "tokens_per_minute",
} as const;

const USAGE =
  "usage: sluice keys new NAME [--budget-usd-day N] [--budget-usd-month N] [--requests-per-minute N] [--tokens-per-minute N] [--models GLOB,GLOB]\n";

/** 32 random bytes, URL-safe: fits every header style and shell without quoting. */
export const newKey = (): string => `sk-sluice-${randomBytes(32).toString("base64url")}`;

/** The [[keys]] stanza for a key; options the user did not give are shown commented out. */
export function stanza(entry: v.InferOutput<typeof keySchema>): string {
  const line = (name: string, value: unknown, example: string) =>
    value === undefined ? `# ${name} = ${example}` : `${name} = ${JSON.stringify(value)}`;
  return [
    "[[keys]]",
    `name = ${JSON.stringify(entry.name)}`,
    `key_sha256 = "${entry.key_sha256}"`,
    line("budget_usd_day", entry.budget_usd_day, "20"),
    line("budget_usd_month", entry.budget_usd_month, "300"),
    line("requests_per_minute", entry.requests_per_minute, "60"),
    line("tokens_per_minute", entry.tokens_per_minute, "400000"),
    line("models", entry.models, '["claude-sonnet-*"]'),
  ].join("\n");
}

export function runKeys(positionals: string[], flags: Map<string, string | true>): number {
  const [verb, name, ...rest] = positionals;
  if (verb !== "new" || name === undefined || rest.length > 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const key = newKey();
  const raw: Record<string, unknown> = { name, key_sha256: sha256Hex(key) };
  const errors: string[] = [];
  for (const [flag, value] of flags) {
    const field = (NUMERIC as Record<string, string>)[flag];
    if (
      field !== undefined &&
      typeof value === "string" &&
      value.trim() !== "" &&
      Number.isFinite(Number(value))
    )
      raw[field] = Number(value);
    else if (flag === "models" && typeof value === "string")
      raw.models = value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    else errors.push(field ? `--${flag} needs a number` : `unknown flag --${flag}`);
  }
  const parsed = v.safeParse(keySchema, raw);
  if (!parsed.success) {
    for (const issue of parsed.issues) errors.push(`${v.getDotPath(issue) ?? "key"}: ${issue.message}`);
  }
  if (errors.length > 0 || !parsed.success) {
    process.stderr.write(`sluice keys: ${errors.join("; ")}\n${USAGE}`);
    return 2;
  }
  process.stderr.write(
    `A new key for "${name}". It is shown only this once; sluice keeps only its SHA-256.\n\n`,
  );
  process.stdout.write(`${key}\n`);
  process.stderr.write(
    "\nAdd these lines to sluice.toml, then reload (kill -HUP, or systemctl reload sluice):\n\n",
  );
  process.stdout.write(`\n${stanza(parsed.output)}\n`);
  return 0;
}
