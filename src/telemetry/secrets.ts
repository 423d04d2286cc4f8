// Every credential sluice is configured with, for the last-line sweep of telemetry payloads
// (Langfuse traces, captured span content): none of them may ever leave in one.
import type { Config } from "../config/types.ts";

export function configuredSecrets(config: Config): string[] {
  return [
    ...config.apiKeys.map((k) => k.key),
    ...Object.values(config.upstreams).flatMap((u) => u.apiKeys),
    ...Object.values(config.providers).flatMap((p) => p.apiKeys),
    ...Object.values(config.otel.headers),
    config.adminKey,
    config.scrub.hmacKey,
    config.langfuse.secretKey,
  ].filter((s) => s !== "");
}
