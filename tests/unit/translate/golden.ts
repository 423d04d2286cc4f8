// Loads the golden fixtures of tests/fixtures/translate/<kind>/*.json. With
// SLUICE_UPDATE_GOLDEN=1 a test writes what it computed into `expected` instead of comparing
// (review the diff before keeping it).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const FIXTURES = join(import.meta.dir, "../../fixtures/translate");
export const updating = process.env.SLUICE_UPDATE_GOLDEN === "1";

export interface Golden<T> {
  name: string;
  path: string;
  data: T & { case: string; expected: unknown };
}

export function goldens<T>(kind: string): Golden<T>[] {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      return { name: f.replace(/\.json$/, ""), path, data: JSON.parse(readFileSync(path, "utf8")) };
    });
}

/** Writes `actual` as the expected value (update mode). */
export function record<T>(golden: Golden<T>, actual: unknown): void {
  writeFileSync(golden.path, `${JSON.stringify({ ...golden.data, expected: actual }, null, 2)}\n`);
}
