// The version printed by --version and /health: package.json's, or the one `make release`
// bakes in with --define SLUICE_VERSION.
import pkg from "../package.json" with { type: "json" };

declare const SLUICE_VERSION: string | undefined;

export const VERSION: string = typeof SLUICE_VERSION === "string" ? SLUICE_VERSION : pkg.version;
