// OpenTelemetry settings: SLUICE_OTEL_* and the standard OTEL_* names (SLUICE_ wins), the
// traces URL built as the OTLP exporter spec says, header and resource lists with %-escapes,
// and bad entries reported by position, never by value.
import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../../src/config/load.ts";
import { parseKeyValueList, tracesUrl } from "../../../src/config/otel.ts";

const load = (env: Record<string, string>) => loadConfig({ env, defaultFiles: [] });

describe("OpenTelemetry settings", () => {
  test("off by default", () => {
    const r = load({});
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.otel).toEqual({
      tracesUrl: "",
      headers: {},
      serviceName: "sluice",
      resourceAttributes: {},
      captureContent: false,
    });
  });

  test("the standard OTEL_* names turn export on; SLUICE_OTEL_* win over them", () => {
    const std = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/",
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Basic%20cGs6c2s=,x-langfuse-ingestion-version=4",
      OTEL_SERVICE_NAME: "gateway",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=prod,team=ml",
    });
    if (!std.ok) throw new Error(std.errors.join());
    expect(std.config.otel).toEqual({
      tracesUrl: "http://collector:4318/v1/traces",
      headers: { Authorization: "Basic cGs6c2s=", "x-langfuse-ingestion-version": "4" },
      serviceName: "gateway",
      resourceAttributes: { "deployment.environment.name": "prod", team: "ml" },
      captureContent: false,
    });
    expect(std.sources.otel_endpoint).toBe("env");
    const both = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://standard:4318",
      SLUICE_OTEL_ENDPOINT: "https://cloud.langfuse.com/api/public/otel",
      SLUICE_OTEL_CAPTURE_CONTENT: "on",
    });
    if (!both.ok) throw new Error(both.errors.join());
    expect(both.config.otel.tracesUrl).toBe("https://cloud.langfuse.com/api/public/otel/v1/traces");
    expect(both.config.otel.captureContent).toBe(true);
  });

  test("a traces endpoint is used as given and wins over the base one", () => {
    const r = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:4318/custom/path",
    });
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.config.otel.tracesUrl).toBe("http://b:4318/custom/path");
  });

  test("a bad endpoint or switch stops start-up, naming the setting", () => {
    const r = load({ SLUICE_OTEL_ENDPOINT: "collector:4318", SLUICE_OTEL_CAPTURE_CONTENT: "maybe" });
    expect(r.ok).toBe(false);
    const text = r.ok ? "" : r.errors.join("\n");
    expect(text).toContain("SLUICE_OTEL_ENDPOINT: must be a URL like http://host:4318 (empty = off)");
    expect(text).toContain("SLUICE_OTEL_CAPTURE_CONTENT");
  });

  test("bad header entries are named by position, never by value", () => {
    const r = load({ SLUICE_OTEL_HEADERS: "Authorization=Bearer%ZZsecret-token,justtext,bad name=1" });
    expect(r.ok).toBe(false);
    const text = r.ok ? "" : r.errors.join("\n");
    expect(text).toContain("SLUICE_OTEL_HEADERS: entry 1 (Authorization) has a bad %-escape");
    expect(text).toContain("SLUICE_OTEL_HEADERS: entry 2 is not name=value");
    expect(text).toContain('SLUICE_OTEL_HEADERS: "bad name" is not a header name');
    expect(text).not.toContain("secret-token");
  });
});

describe("tracesUrl and parseKeyValueList", () => {
  test("/v1/traces is appended once", () => {
    expect(tracesUrl("http://c:4318", "")).toBe("http://c:4318/v1/traces");
    expect(tracesUrl("http://c:4318/v1/traces", "")).toBe("http://c:4318/v1/traces");
    expect(tracesUrl("", "")).toBe("");
  });

  test("entries are trimmed, values %-decoded, empty entries skipped", () => {
    expect(parseKeyValueList(" a = 1 ,, b=x%3Dy ,c=")).toEqual({
      value: { a: "1", b: "x=y", c: "" },
      problems: [],
    });
  });
});
