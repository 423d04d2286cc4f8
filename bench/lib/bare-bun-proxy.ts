// The floor for any proxy written on Bun: Bun.serve handing each request to fetch and the
// answer straight back, nothing else (no routing, limits, observation or metrics). Run by the
// benchmark as a separate process: `bun bench/lib/bare-bun-proxy.ts` with PORT and UPSTREAM set.
const upstream = process.env.UPSTREAM ?? "http://127.0.0.1:8787";

Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  async fetch(req) {
    const url = new URL(req.url);
    const headers = new Headers(req.headers);
    headers.delete("host");
    const res = await fetch(upstream + url.pathname + url.search, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? null : await req.arrayBuffer(),
      decompress: false,
      redirect: "manual",
    } as RequestInit);
    return new Response(res.body, { status: res.status, headers: res.headers });
  },
});
