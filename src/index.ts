#!/usr/bin/env bun
// Entry point: parse argv, run the subcommand, exit with its code.
import { parseArgv } from "./cli/args.ts";
import { runCerts } from "./cli/certs.ts";
import { runCheck } from "./cli/check.ts";
import { HELP } from "./cli/help.ts";
import { runKeys } from "./cli/keys.ts";
import { runMockUpstream } from "./cli/mock-upstream.ts";
import { runServe } from "./cli/serve.ts";
import { runUsage } from "./cli/usage.ts";
import { VERSION } from "./version.ts";

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgv(argv);
  if ("error" in parsed) {
    process.stderr.write(`sluice: ${parsed.error}\n\n${HELP}`);
    return 2;
  }
  switch (parsed.command) {
    case "version":
      process.stdout.write(`sluice ${VERSION}\n`);
      return 0;
    case "help":
      process.stdout.write(HELP);
      return 0;
    case "serve":
      if (parsed.positionals.length > 0) {
        process.stderr.write(`sluice: unexpected argument ${parsed.positionals[0]}\n`);
        return 2;
      }
      return runServe(parsed.flags);
    case "check":
      return runCheck(parsed.flags);
    case "certs":
      return runCerts(argv.slice(1));
    case "keys":
      return runKeys(parsed.positionals, parsed.flags);
    case "usage":
      return runUsage(parsed.positionals, parsed.flags);
    case "mock-upstream":
      return runMockUpstream(argv.slice(1));
  }
}

// serve and mock-upstream resolve only after a signal and a drain, so exiting here is final.
process.exit(await main(process.argv.slice(2)));
