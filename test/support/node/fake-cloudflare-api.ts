/**
 * A local stand-in for the few Cloudflare API routes `npm run deploy` reads
 * through wrangler, so the real wrangler CLI can run against it
 * (CLOUDFLARE_API_BASE_URL) and the deploy's parsers meet wrangler's real
 * output. The answers follow the API's envelope ({ success, errors, result });
 * the error codes are the API's documented ones, not captured from it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** What the stand-in account holds. */
export interface FakeApiAccount {
  buckets: string[];
  queues: string[];
  /** Worker name → its secret names; a Worker not here does not exist (API error 10007). */
  secrets: Record<string, string[]>;
  /** "bucket/key" → body. */
  objects: Record<string, string>;
}

/**
 * Starts the stand-in on 127.0.0.1; `baseUrl` is what CLOUDFLARE_API_BASE_URL takes.
 *
 * @example
 * const api = await startFakeCloudflareApi({ buckets: ["zeroshot-models"], queues: [], secrets: {}, objects: {} });
 * await api.close();
 */
export async function startFakeCloudflareApi(account: FakeApiAccount): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/^\/client\/v4\/accounts\/[^/]+/, "");
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const ok = (result: unknown) => send(200, { success: true, errors: [], messages: [], result });
    const fail = (status: number, code: number, message: string) =>
      send(status, { success: false, errors: [{ code, message }], messages: [], result: null });
    request.resume();
    if (path === "/r2/buckets" && request.method === "GET") {
      return ok({ buckets: account.buckets.map((name) => ({ name, creation_date: "2026-05-01T10:00:00.000Z" })) });
    }
    if (path === "/r2/buckets" && request.method === "POST") {
      return fail(409, 10004, "The bucket you tried to create already exists, and you own it.");
    }
    if (path === "/queues" && request.method === "GET") {
      const name = url.searchParams.get("name");
      const page = Number(url.searchParams.get("page") ?? "1");
      const names = name ? account.queues.filter((queue) => queue === name) : page === 1 ? account.queues : [];
      return ok(names.map((queue) => describeQueue(queue)));
    }
    const worker = /^\/workers\/scripts\/([^/]+)\/secrets$/.exec(path);
    if (worker) {
      const names = account.secrets[worker[1] ?? ""];
      if (!names) return fail(404, 10007, "This Worker does not exist on your account.");
      return ok(names.map((name) => ({ name, type: "secret_text" })));
    }
    const object = /^\/r2\/buckets\/([^/]+)\/objects\/(.+)$/.exec(path);
    if (object) {
      const body = account.objects[`${object[1]}/${decodeURIComponent(object[2] ?? "")}`];
      if (body === undefined) return fail(404, 10007, "The specified key does not exist.");
      response.writeHead(200, { "content-type": "application/octet-stream" });
      return response.end(body);
    }
    fail(404, 7003, `the stand-in has no route ${request.method} ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/client/v4`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function describeQueue(name: string) {
  return {
    queue_id: `q-${name}`,
    queue_name: name,
    created_on: "2026-05-01T10:00:00Z",
    modified_on: "2026-05-01T10:00:00Z",
    producers_total_count: 0,
    consumers_total_count: 0,
    producers: [],
    consumers: [],
  };
}
