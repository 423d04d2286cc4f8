// UTC calendar periods for budgets: which day and month a moment falls in, when each began and
// how long until each resets. Pure; every function takes the time as epoch milliseconds.

const DAY_MS = 86_400_000;

export const dayStart = (ts: number): number => Math.floor(ts / DAY_MS) * DAY_MS;

export function monthStart(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextMonthStart(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Whole seconds (at least 1) until the next UTC midnight. */
export const secondsToNextDay = (ts: number): number =>
  Math.max(1, Math.ceil((dayStart(ts) + DAY_MS - ts) / 1000));

/** Whole seconds (at least 1) until the first of next UTC month. */
export const secondsToNextMonth = (ts: number): number =>
  Math.max(1, Math.ceil((nextMonthStart(ts) - ts) / 1000));
