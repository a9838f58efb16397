import type { Context, Hono, NotFoundHandler } from "hono";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";
import { handleError } from "../middleware/handle-error";

/** What Hono's router keeps per route: the handler and the route it was registered as. */
type Matched = [[unknown, { method: string; path: string }], unknown];

/**
 * The app's not-found handler: a path that some route serves, asked with
 * another method, is a 405 `method_not_allowed` listing the methods it takes
 * (which the error handler sends as `Allow`, as RFC 9110 requires of a 405);
 * any other path is a 404. Wildcard routes do not count (the task catch-all
 * answers the methods it was registered for itself). It answers through the
 * error handler rather than throwing: Hono runs this handler outside its
 * middleware's error boundary, so a throw would skip their work after
 * `next()` (CORS's `Vary: Origin`).
 *
 * @example
 * app.notFound(rejectUnrouted(app));
 */
export function rejectUnrouted(app: Hono<AppEnv>): NotFoundHandler<AppEnv> {
  // Read on the first unrouted request, when every route is registered.
  let methods: string[] | undefined;
  return (c: Context<AppEnv>) => {
    const { path, method } = c.req;
    methods ??= [...new Set(app.routes.map((route) => route.method).filter((name) => name !== "ALL"))];
    const allow = listMethods(app, methods, path);
    const error =
      allow.length > 0 && !allow.includes(method)
        ? new ApiError("method_not_allowed", `${method} is not allowed on ${path}; it takes ${allow.join(", ")}`, { allow })
        : new ApiError("not_found", `no route for ${method} ${path}`);
    return handleError(error, c);
  };
}

/**
 * The `methods` whose routes match `path`, asked of the app's own router (so the
 * answer can never differ from routing), with HEAD wherever GET is: Hono
 * answers HEAD from a GET route.
 */
function listMethods(app: Hono<AppEnv>, methods: readonly string[], path: string): string[] {
  const allowed = methods.filter((method) =>
    (app.router.match(method, path)[0] as Matched[]).some(([[, route]]) => route.method !== "ALL" && !route.path.endsWith("*")),
  );
  if (allowed.includes("GET")) allowed.push("HEAD");
  return allowed.sort();
}
