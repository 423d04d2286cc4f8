// The bare proxy of bare-bun-proxy.ts, routed by Elysia the way sluice's main app routes its
// catch-all (`.all("/*", handler, { parse: "none" })`): the difference between the two is what
// Elysia itself costs per request. Run by bench/cpu.ts with PORT and UPSTREAM set.
import { Elysia } from "elysia";

const upstream = process.env.UPSTREAM ?? "http://127.0.0.1:8787";

new Elysia()
  .get("/health", () => "ok")
  .all(
    "/*",
    async ({ request }) => {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const res = await fetch(upstream + url.pathname + url.search, {
        method: request.method,
        headers,
        body: request.method === "GET" || request.method === "HEAD" ? null : await request.arrayBuffer(),
        decompress: false,
        redirect: "manual",
      } as RequestInit);
      return new Response(res.body, { status: res.status, headers: res.headers });
    },
    { parse: "none" },
  )
  .listen({
    hostname: "127.0.0.1",
    port: Number(process.env.PORT ?? 0),
    reusePort: false,
    development: false,
  });
