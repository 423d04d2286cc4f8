// The system tools some tests drive: Chromium for the dashboard, systemd-analyze for the unit,
// curl for the README's curl line. Locally a missing one skips the tests that need it, with a
// line saying how to install it. In CI (CI=true) it is a failure instead: a green CI run that
// quietly skipped the dashboard would prove nothing about the dashboard.
import { test } from "bun:test";

export const IN_CI = process.env.CI === "true";

/**
 * Whether `name` is there. When it is not: in CI a failing test says so; elsewhere a warning
 * does, and the caller skips (describe.skipIf / test.skipIf on the answer).
 */
export function needTool(name: string, present: boolean, install: string): boolean {
  if (present) return true;
  const message = `${name} is missing (${install})`;
  if (IN_CI) {
    test(`${name} is installed (CI=true: a missing tool fails rather than skips)`, () => {
      throw new Error(`${message}; make test-tools installs it`);
    });
  } else {
    console.warn(`${message}: skipping the tests that need it`);
  }
  return false;
}
