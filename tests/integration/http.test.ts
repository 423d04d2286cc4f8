// HTTP semantics across the proxy: headers both ways, Host, compression, HEAD, redirects.
import { afterEach, describe, expect, test } from "bun:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await upstream?.stop();
  sluice = upstream = undefined;
});

async function setup(
  handler: (req: Request) => Response | Promise<Response>,
  env: Record<string, string> = {},
) {
  upstream = startUpstream(handler);
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: upstream.url,
    SLUICE_OPENAI_BASE_URL: upstream.url,
    ...env,
  });
  return sluice;
}

describe("HTTP across the proxy", () => {
  test("upstream sees its own Host, no hop-by-hop headers, and anthropic-* headers unchanged", async () => {
    const proxy = await setup(() => Response.json({}));
    await fetch(`${proxy.url}/v1/messages?beta=true`, {
      method: "POST",
      body: MSG,
      headers: {
        connection: "keep-alive, x-hop",
        "x-hop": "secret-hop",
        "keep-alive": "timeout=5",
        "proxy-authorization": "Basic abc",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14",
        "x-claude-code-session-id": "sess-1",
      },
    });
    const seen = upstream!.seen[0]!;
    expect(seen.headers.get("host")).toBe(new URL(upstream!.url).host);
    expect(seen.headers.has("x-hop")).toBe(false);
    expect(seen.headers.has("keep-alive")).toBe(false);
    expect(seen.headers.has("proxy-authorization")).toBe(false);
    expect(seen.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(seen.headers.get("anthropic-beta")).toBe("claude-code-20250219,interleaved-thinking-2025-05-14");
    expect(seen.headers.get("x-claude-code-session-id")).toBe("sess-1");
    expect(seen.headers.get("via")).toMatch(/^1\.1 sluice-/);
    expect(seen.url).toEndWith("/v1/messages?beta=true");
  });

  test("hop-by-hop response headers do not reach the client", async () => {
    const proxy = await setup(
      () =>
        new Response("ok", {
          headers: { connection: "x-upstream-hop", "x-upstream-hop": "1", "x-kept": "1" },
        }),
    );
    const r = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: MSG });
    expect(r.headers.has("x-upstream-hop")).toBe(false);
    expect(r.headers.get("x-kept")).toBe("1");
  });

  test("a gzip response reaches a client that asked for it byte for byte, headers agreeing", async () => {
    const payload = JSON.stringify({ text: "hello ".repeat(500) });
    const zipped = gzipSync(payload);
    const proxy = await setup(
      () =>
        new Response(zipped, { headers: { "content-encoding": "gzip", "content-type": "application/json" } }),
    );
    const r = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: MSG,
      headers: { "accept-encoding": "gzip" },
      decompress: false,
    } as RequestInit);
    expect(r.headers.get("content-encoding")).toBe("gzip");
    const bytes = new Uint8Array(await r.arrayBuffer());
    // The very bytes upstream sent, not merely the same text after a gunzip.
    expect(Buffer.from(bytes).equals(Buffer.from(zipped))).toBe(true);
    expect(gunzipSync(bytes).toString()).toBe(payload);
    // And fetch's own decompression on the client side sees valid JSON.
    const again = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: MSG,
      headers: { "accept-encoding": "gzip" },
    });
    expect((await again.json()).text).toStartWith("hello");
  });

  test("a client that did not ask for compression gets identity from upstream", async () => {
    const proxy = await setup((req) => Response.json({ ae: req.headers.get("accept-encoding") }));
    const r = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: MSG,
      headers: { "accept-encoding": "" },
    });
    expect(upstream!.seen[0]!.headers.get("accept-encoding")).toBe("identity");
    expect(r.status).toBe(200);
  });

  test("HEAD keeps Content-Length and has no body", async () => {
    const proxy = await setup(
      () => new Response("0123456789", { headers: { "content-type": "text/plain" } }),
    );
    const r = await fetch(`${proxy.url}/v1/files/abc`, { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-length")).toBe("10");
    expect(await r.text()).toBe("");
  });

  test("redirects are handed back, not followed", async () => {
    const proxy = await setup((req) =>
      new URL(req.url).pathname === "/elsewhere"
        ? new Response("followed!")
        : new Response(null, { status: 302, headers: { location: "/elsewhere" } }),
    );
    const r = await fetch(`${proxy.url}/v1/models`, { redirect: "manual" });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/elsewhere");
    expect(upstream!.seen.map((s) => new URL(s.url).pathname)).toEqual(["/v1/models"]);
  });

  test("streamed chat completions ask upstream for usage; other bodies pass byte for byte", async () => {
    const proxy = await setup(() => Response.json({}));
    const chat = { model: "gpt-4.1", stream: true, messages: [{ role: "user", content: "hi" }] };
    await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(chat) });
    expect(JSON.parse(upstream!.seen[0]!.body).stream_options).toEqual({ include_usage: true });
    const raw =
      '{ "model": "claude",   "max_tokens": 5, "messages": [{"role":"user","content":"x"}], "new_field": 1 }';
    await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: raw });
    expect(upstream!.seen[1]!.body).toBe(raw);
  });
});

describe("Anthropic request validation", () => {
  test("a malformed /v1/messages gets a clear 400 in Anthropic's format and never reaches upstream", async () => {
    const proxy = await setup(() => Response.json({}));
    const r = await fetch(`${proxy.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ model: "claude", messages: "not a list" }),
    });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("messages");
    expect(body.error.message).toContain("max_tokens");
    const notJson = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: "hello" });
    expect(notJson.status).toBe(400);
    expect(upstream!.seen.length).toBe(0);
  });

  test("unknown fields, roles and block types pass through untouched (Claude Code's shape)", async () => {
    const proxy = await setup(() => Response.json({}));
    const claudeCode = JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 128000,
      thinking: { type: "adaptive", display: "omitted" },
      context_management: { edits: [] },
      output_config: { effort: "high" },
      metadata: { user_id: JSON.stringify({ device: "x" }) },
      system: [{ type: "text", text: "You are Claude Code", cache_control: { type: "ephemeral" } }],
      tools: [{ name: "Read", input_schema: { type: "object" }, defer_loading: true }],
      messages: [
        { role: "system", content: "reminder" },
        {
          role: "user",
          content: [
            { type: "brand_new_block", payload: 1 },
            { type: "text", text: "hi" },
          ],
        },
      ],
      stream: true,
    });
    const r = await fetch(`${proxy.url}/v1/messages?beta=true`, { method: "POST", body: claudeCode });
    expect(r.status).toBe(200);
    expect(upstream!.seen[0]!.body).toBe(claudeCode);
  });
});
