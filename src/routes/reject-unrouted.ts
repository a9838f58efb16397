import type { Context, Hono, NotFoundHandler } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import type { AppEnv } from "../config/env";
import { ApiError } from "../errors/api-error";

/** Methods a route answers; Hono answers HEAD from a GET route. */
type Methods = readonly string[];

/**
 * The app's not-found handler: a path that some route serves, asked with
 * another method, is a 405 `method_not_allowed` listing the methods it takes
 * (which the error handler sends as `Allow`, as RFC 9110 requires of a 405);
 * any other path is a 404. Routes ending in a wildcard are left out: they
 * answer their own paths (the task catch-all says which task is unknown).
 *
 * @example
 * app.notFound(rejectUnrouted(app));
 */
export function rejectUnrouted(app: Hono<AppEnv>): NotFoundHandler<AppEnv> {
  let index: RegExpRouter<string> | undefined;
  return (c: Context<AppEnv>) => {
    // Built on the first unrouted request, when every route is registered.
    index ??= indexMethods(app);
    const { path, method } = c.req;
    const allow = listMethods(index, path);
    if (allow.length > 0 && !allow.includes(method)) {
      throw new ApiError("method_not_allowed", `${method} is not allowed on ${path}; it takes ${allow.join(", ")}`, { allow });
    }
    throw new ApiError("not_found", `no route for ${method} ${path}`);
  };
}

/** Every route's pattern under one method-agnostic router, each answering with its own method. */
function indexMethods(app: Hono<AppEnv>): RegExpRouter<string> {
  const index = new RegExpRouter<string>();
  for (const { method, path } of app.routes) {
    if (method !== "ALL" && !path.endsWith("*")) index.add("ALL", path, method);
  }
  return index;
}

function listMethods(index: RegExpRouter<string>, path: string): Methods {
  const methods = new Set(index.match("ALL", path)[0].map(([method]) => method));
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
