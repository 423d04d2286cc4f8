// Structured logs: one JSON object per line (or a short human line on a terminal), written to
// standard output through log-sink.ts, off the request path.
// Callers pass fields, never request bodies or keys; redact() guards the few places that
// print configuration or error text that might carry one.

import { withoutCredentials } from "./config/credentials.ts";
import { stdoutSink } from "./log-sink.ts";

export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  enabled(level: Level): boolean;
}

export interface LoggerOptions {
  level: Level;
  format: "auto" | "json" | "pretty";
  write?: (line: string) => void;
  now?: () => Date;
}

const COLOR: Record<Level, string> = {
  debug: "\x1b[90m",
  info: "\x1b[36m",
  warn: "\x1b[33m",
  error: "\x1b[31m",
};

export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? stdoutSink().write;
  const now = opts.now ?? (() => new Date());
  // One ISO string per millisecond: a busy proxy writes many lines in the same one.
  let isoAt = Number.NaN;
  let iso = "";
  const isoNow = () => {
    const d = now();
    if (d.getTime() !== isoAt) {
      isoAt = d.getTime();
      iso = d.toISOString();
    }
    return iso;
  };
  const pretty = opts.format === "pretty" || (opts.format === "auto" && process.stdout.isTTY === true);
  const min = ORDER[opts.level];
  const emit = (level: Level, msg: string, fields?: Fields) => {
    if (ORDER[level] < min) return;
    if (pretty) {
      const time = now().toISOString().slice(11, 23);
      const rest = fields
        ? Object.entries(fields)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
            .join(" ")
        : "";
      const line = `${time} ${COLOR[level]}${level.toUpperCase().padEnd(5)}\x1b[0m ${msg}${rest ? ` ${rest}` : ""}`;
      write(withoutCredentials(line));
    } else if (fields === undefined || "time" in fields || "level" in fields || "msg" in fields) {
      // Every line, whatever a caller passed: a URL's user and password never reach a log.
      write(withoutCredentials(JSON.stringify({ time: isoNow(), level, msg, ...fields })));
    } else {
      // The same line without copying the fields into a new object first.
      const rest = JSON.stringify(fields);
      const head = `{"time":"${isoNow()}","level":"${level}","msg":${JSON.stringify(msg)}`;
      write(withoutCredentials(rest.length > 2 ? `${head},${rest.slice(1)}` : `${head}}`));
    }
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    enabled: (level) => ORDER[level] >= min,
  };
}

/** A logger that drops everything (tests, mock upstream). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  enabled: () => false,
};
