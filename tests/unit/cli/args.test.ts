// sluice's command line as the user types it: the command, --flag value, --flag=value, bare
// switches, --help/--version anywhere, and serve/check flags that are exactly the settings.
import { describe, expect, test } from "bun:test";
import { flagString, parseArgv, settingFlags } from "../../../src/cli/args.ts";

const parsed = (argv: string[]) => {
  const r = parseArgv(argv);
  if ("error" in r) throw new Error(r.error);
  return { command: r.command, flags: Object.fromEntries(r.flags), positionals: r.positionals };
};

describe("parseArgv", () => {
  test("no command means serve", () => {
    expect(parsed([])).toEqual({ command: "serve", flags: {}, positionals: [] });
    expect(parsed(["--port", "9000"])).toEqual({
      command: "serve",
      flags: { port: "9000" },
      positionals: [],
    });
  });

  test("each command is recognised by name; an unknown one is an error naming it", () => {
    for (const c of ["serve", "certs", "mock-upstream", "check", "help", "version"] as const) {
      expect(parsed([c]).command).toBe(c);
    }
    expect(parseArgv(["serv"])).toEqual({ error: 'unknown command "serv"' });
  });

  test("--flag value, --flag=value and a bare --switch", () => {
    expect(parsed(["check", "--config", "a.toml", "--log-level=debug", "--offline"]).flags).toEqual({
      config: "a.toml",
      "log-level": "debug",
      offline: true,
    });
  });

  test("a flag followed by another flag is a switch, not its value", () => {
    expect(parsed(["--no-tls", "--port", "1"]).flags).toEqual({ "no-tls": true, port: "1" });
  });

  test("--flag=value keeps everything after the first =, and may be empty", () => {
    expect(parsed(["--api-keys=a=k1,b=k2", "--upstream-key="]).flags).toEqual({
      "api-keys": "a=k1,b=k2",
      "upstream-key": "",
    });
  });

  test("a value may start with a single dash", () => {
    expect(parsed(["--port", "-1"]).flags).toEqual({ port: "-1" });
  });

  test("words that are not flags are positionals, in order", () => {
    expect(parsed(["certs", "one", "--dir", "d", "two"])).toEqual({
      command: "certs",
      flags: { dir: "d" },
      positionals: ["one", "two"],
    });
  });

  test("--help and -h anywhere ask for the help of the command given", () => {
    expect(parsed(["check", "--config", "x", "--help"])).toEqual({
      command: "help",
      flags: { for: "check" },
      positionals: [],
    });
    expect(parsed(["-h"]).flags).toEqual({ for: "serve" });
  });

  test("--version and -v anywhere print the version", () => {
    expect(parsed(["serve", "--port", "1", "--version"]).command).toBe("version");
    expect(parsed(["-v"]).command).toBe("version");
  });

  test("a later repeat of a flag wins", () => {
    expect(parsed(["--port", "1", "--port=2"]).flags).toEqual({ port: "2" });
  });
});

describe("settingFlags", () => {
  const flags = (o: Record<string, string | true>) => new Map(Object.entries(o));

  test("kebab-case flags are the settings of the same snake_case name", () => {
    expect(settingFlags(flags({ port: "9000", "log-level": "debug", "retry-max": "3" }))).toEqual({
      settings: { port: "9000", log_level: "debug", retry_max: "3" },
      errors: [],
    });
  });

  test("--no-tls turns TLS off", () => {
    expect(settingFlags(flags({ "no-tls": true }))).toEqual({ settings: { tls: false }, errors: [] });
  });

  test("every unknown flag and every valueless setting is reported, none thrown", () => {
    expect(settingFlags(flags({ prot: "1", "log-level": true, bogus: true }))).toEqual({
      settings: {},
      errors: ["unknown flag --prot", "--log-level needs a value", "unknown flag --bogus"],
    });
  });

  test("flags the command handles itself are left alone", () => {
    expect(settingFlags(flags({ config: "a.toml", port: "1" }), ["config"])).toEqual({
      settings: { port: "1" },
      errors: [],
    });
  });
});

describe("flagString", () => {
  test("gives a flag's value, and nothing for a bare switch or a missing flag", () => {
    const f = new Map<string, string | true>([
      ["config", "a.toml"],
      ["offline", true],
    ]);
    expect(flagString(f, "config")).toBe("a.toml");
    expect(flagString(f, "offline")).toBeUndefined();
    expect(flagString(f, "dir")).toBeUndefined();
  });
});
