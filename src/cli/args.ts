// Command-line parsing: `sluice [command] [--flag value | --flag=value | --switch]...`.
// Flags of `serve` and `check` map one-to-one onto settings (kebab-case of the TOML name),
// so every setting can be given on the command line; --no-tls is short for --tls off.
import { SETTING_NAMES, type SettingName } from "../config/schema.ts";

export const COMMANDS = [
  "serve",
  "certs",
  "mock-upstream",
  "check",
  "keys",
  "usage",
  "help",
  "version",
] as const;
export type Command = (typeof COMMANDS)[number];

export interface ParsedArgs {
  command: Command;
  flags: Map<string, string | true>;
  positionals: string[];
}

export function parseArgv(argv: string[]): ParsedArgs | { error: string } {
  const args = [...argv];
  let command: Command = "serve";
  const first = args[0];
  if (first !== undefined && !first.startsWith("-")) {
    if (!(COMMANDS as readonly string[]).includes(first)) return { error: `unknown command "${first}"` };
    command = first as Command;
    args.shift();
  }
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--version" || a === "-v") return { command: "version", flags, positionals };
    if (a === "--help" || a === "-h")
      return { command: "help", flags: new Map([["for", command]]), positionals };
    if (!a.startsWith("--")) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    if (eq !== -1) flags.set(name, a.slice(eq + 1));
    else {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith("--")) {
        flags.set(name, next);
        i++;
      } else flags.set(name, true);
    }
  }
  return { command, flags, positionals };
}

/** Flags of serve/check turned into settings; unknown flags are errors. */
export function settingFlags(flags: Map<string, string | true>, allowed: string[] = []) {
  const settings: Partial<Record<SettingName, string | boolean>> = {};
  const errors: string[] = [];
  for (const [flag, value] of flags) {
    if (allowed.includes(flag)) continue;
    if (flag === "no-tls") {
      settings.tls = false;
      continue;
    }
    const name = flag.replaceAll("-", "_") as SettingName;
    if (!SETTING_NAMES.includes(name)) {
      errors.push(`unknown flag --${flag}`);
      continue;
    }
    if (value === true) errors.push(`--${flag} needs a value`);
    else settings[name] = value;
  }
  return { settings, errors };
}

export function flagString(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === "string" ? v : undefined;
}
