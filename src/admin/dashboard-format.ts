// Browser-side number and time formatting for the dashboard. `formatKit` runs in the page: its
// source is inlined by dashboard-page.ts, so it must stay self-contained (no imports, no
// references outside its own body).

export interface Fmt {
  /** 1234 → "1.2k", 0.5 → "0.5". */
  num(n: number): string;
  /** Whole numbers with thousands separators. */
  int(n: number): string;
  /** Dollars with enough digits to tell small costs apart. */
  usd(n: number): string;
  /** 850 → "850 ms", 1500 → "1.5 s"; null → "–". */
  ms(n: number | null | undefined): string;
  /** Bytes with binary units. */
  bytes(n: number): string;
  /** 0.125 → "12.5%"; null → "–". */
  pct(n: number | null): string;
  /** Epoch ms → local HH:MM:SS. */
  time(ms: number): string;
  /** Seconds → "3h 12m" style. */
  duration(s: number): string;
  /** Epoch ms → "12s ago". */
  ago(ms: number, now: number): string;
}

export function formatKit(): Fmt {
  const trim = (s: string) => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);
  const num = (n: number): string => {
    const a = Math.abs(n);
    if (a >= 1e9) return `${trim((n / 1e9).toFixed(1))}G`;
    if (a >= 1e6) return `${trim((n / 1e6).toFixed(1))}M`;
    if (a >= 1e4) return `${trim((n / 1e3).toFixed(1))}k`;
    if (a >= 100 || Number.isInteger(n)) return String(Math.round(n));
    if (a >= 10) return trim(n.toFixed(1));
    return trim(n.toFixed(2));
  };
  const dash = "\u2013";
  return {
    num,
    int: (n) => Math.round(n).toLocaleString("en-US"),
    usd(n) {
      if (n === 0) return "$0";
      if (n < 0.0001) return "<$0.0001";
      if (n < 0.01) return `$${n.toFixed(4)}`;
      if (n < 100) return `$${n.toFixed(2)}`;
      return `$${Math.round(n).toLocaleString("en-US")}`;
    },
    ms(n) {
      if (n === null || n === undefined) return dash;
      if (n < 1000) return `${Math.round(n)} ms`;
      if (n < 60_000) return `${trim((n / 1000).toFixed(n < 10_000 ? 2 : 1))} s`;
      return `${trim((n / 60_000).toFixed(1))} min`;
    },
    bytes(n) {
      const units = ["B", "KiB", "MiB", "GiB", "TiB"];
      let v = n;
      let u = 0;
      while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u++;
      }
      return `${u === 0 || v >= 100 ? Math.round(v) : trim(v.toFixed(1))} ${units[u]}`;
    },
    pct: (n) => (n === null ? dash : `${trim((n * 100).toFixed(n < 0.1 ? 1 : 0))}%`),
    time(ms) {
      const d = new Date(ms);
      const p = (x: number) => String(x).padStart(2, "0");
      return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    },
    duration(s) {
      if (s < 60) return `${Math.floor(s)}s`;
      if (s < 3600) return `${Math.floor(s / 60)}m ${Math.floor(s % 60)}s`;
      if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
      return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
    },
    ago(ms, now) {
      const s = Math.max(0, Math.round((now - ms) / 1000));
      if (s < 60) return `${s}s ago`;
      if (s < 3600) return `${Math.floor(s / 60)}m ago`;
      return `${Math.floor(s / 3600)}h ago`;
    },
  };
}
