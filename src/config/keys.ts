// The [[keys]] table: one entry per client key with its name, how the key is given (a SHA-256
// digest, a variable that holds it, or the plain key) and its optional budgets, rate limits and
// model allow-list. Validated with the rest of the configuration, so a bad entry is reported
// together with every other bad setting; the key itself never appears in a message.
import { createHash } from "node:crypto";
import * as v from "valibot";

const HEX64 = /^[0-9a-fA-F]{64}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

const money = v.pipe(v.number("must be a number of USD"), v.minValue(0, "must not be negative"));
const perMinute = v.pipe(
  v.number("must be a whole number"),
  v.integer("must be a whole number"),
  v.minValue(1, "must be at least 1"),
);

export const keySchema = v.strictObject({
  name: v.pipe(
    v.string("must be a string"),
    v.trim(),
    v.regex(NAME, "must be 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"),
  ),
  key_sha256: v.optional(v.pipe(v.string(), v.trim(), v.regex(HEX64, "must be 64 hex digits"))),
  key_env: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")),
  ),
  key: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
  budget_usd_day: v.optional(money),
  budget_usd_month: v.optional(money),
  requests_per_minute: v.optional(perMinute),
  tokens_per_minute: v.optional(perMinute),
  models: v.optional(v.array(v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty")))),
});
export type KeyInput = v.InferOutput<typeof keySchema>;

/** A validated [[keys]] entry, as the gate, the budgets and the limits use it. */
export interface KeyPolicy {
  name: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
  /** How the key was given; `plain` makes `sluice check` warn. */
  source: "sha256" | "env" | "plain";
  budgetUsdDay?: number;
  budgetUsdMonth?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** Allowed model globs; absent means every model. */
  models?: string[];
}

export const sha256Hex = (s: string): string => createHash("sha256").update(s).digest("hex");

/**
 * Checks valibot cannot express: exactly one way of giving the key, the named variable is set,
 * no name twice (also against SLUICE_API_KEYS), no key twice.
 */
export function keyProblems(
  keys: KeyInput[],
  env: Record<string, string | undefined>,
  apiKeyNames: string[],
): string[] {
  const problems: string[] = [];
  const names = new Map<string, string>(apiKeyNames.map((n) => [n, "SLUICE_API_KEYS"]));
  const digests = new Map<string, number>();
  keys.forEach((k, i) => {
    const where = `keys[${i}]`;
    const given = [k.key_sha256, k.key_env, k.key].filter((x) => x !== undefined).length;
    if (given !== 1) problems.push(`${where}: give exactly one of key_sha256, key_env or key`);
    const seen = names.get(k.name);
    if (seen !== undefined) problems.push(`${where}.name: "${k.name}" is already used by ${seen}`);
    else names.set(k.name, `keys[${i}]`);
    if (k.key_env !== undefined && !env[k.key_env]) {
      problems.push(`${where}.key_env: ${k.key_env} is not set or empty`);
    }
    const digest = given === 1 ? digestOf(k, env) : undefined;
    if (digest !== undefined) {
      const other = digests.get(digest);
      if (other !== undefined) problems.push(`${where}: same key as keys[${other}]`);
      else digests.set(digest, i);
    }
  });
  return problems;
}

/**
 * The [[keys]] entries as far as they can be read when the table as a whole did not validate,
 * so name and key clashes are reported together with the field errors.
 */
export function readableKeys(raw: unknown): KeyInput[] {
  if (!Array.isArray(raw)) return [];
  const text = (x: unknown) => (typeof x === "string" && x.trim() !== "" ? x.trim() : undefined);
  return raw.flatMap((e): KeyInput[] => {
    if (typeof e !== "object" || e === null) return [];
    const o = e as Record<string, unknown>;
    const name = text(o.name);
    if (name === undefined) return [];
    const sha = text(o.key_sha256);
    const env = text(o.key_env);
    const key = typeof o.key === "string" && o.key !== "" ? o.key : undefined;
    return [
      {
        name,
        ...(sha !== undefined && /^[0-9a-fA-F]{64}$/.test(sha) ? { key_sha256: sha } : {}),
        ...(sha !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha) ? { key_sha256: "" } : {}),
        ...(env !== undefined ? { key_env: env } : {}),
        ...(key !== undefined ? { key } : {}),
      },
    ];
  });
}

function digestOf(k: KeyInput, env: Record<string, string | undefined>): string | undefined {
  if (k.key_sha256 !== undefined) return k.key_sha256 === "" ? undefined : k.key_sha256.toLowerCase();
  if (k.key !== undefined) return sha256Hex(k.key);
  const value = k.key_env !== undefined ? env[k.key_env] : undefined;
  return value ? sha256Hex(value.trim()) : undefined;
}

/** Entries that passed keyProblems, in the shape the rest of sluice uses. */
export function toKeyPolicies(keys: KeyInput[], env: Record<string, string | undefined>): KeyPolicy[] {
  return keys.map((k) => ({
    name: k.name,
    sha256: digestOf(k, env) ?? "",
    source: k.key_sha256 !== undefined ? "sha256" : k.key_env !== undefined ? "env" : "plain",
    ...(k.budget_usd_day !== undefined ? { budgetUsdDay: k.budget_usd_day } : {}),
    ...(k.budget_usd_month !== undefined ? { budgetUsdMonth: k.budget_usd_month } : {}),
    ...(k.requests_per_minute !== undefined ? { requestsPerMinute: k.requests_per_minute } : {}),
    ...(k.tokens_per_minute !== undefined ? { tokensPerMinute: k.tokens_per_minute } : {}),
    ...(k.models !== undefined ? { models: k.models } : {}),
  }));
}
