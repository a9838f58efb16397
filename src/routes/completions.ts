import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  type CompletionEnvelope,
  completionRequestSchema,
  formatChunk,
  formatCompletion,
  formatUsageChunk,
  toCompletionRequest,
} from "../api/completion-wire";
import { errorResponse } from "../api/error-schema";
import type { AppEnv } from "../config/env";
import { noteRun, noteServed } from "../middleware/trace-request";
import { describeError } from "../middleware/handle-error";
import { createPipelineDeps } from "../pipeline/create-pipeline-deps";
import { type CompletionRun, runCompletion } from "../pipeline/run-completion";
import { createSseWriter, createStreamStart, respondWhenStarted } from "./sse-writer";

const route = createRoute({
  method: "post",
  path: "/v1/completions",
  operationId: "createCompletion",
  tags: ["openai"],
  summary: "OpenAI's completions API on the router's models (GET /v1/models): echo, logprobs, n, token-id prompts, streaming.",
  request: { body: { required: true, content: { "application/json": { schema: completionRequestSchema } } } },
  responses: {
    200: { description: "A text_completion object, or with stream: true an event stream of chunks ending in data: [DONE]." },
    404: errorResponse("No such model."),
    415: errorResponse("Not a JSON body, or a compressed one."),
    422: errorResponse("The body is not a completions request."),
    502: errorResponse("Every backend failed."),
  },
});

/**
 * Mounts `POST /v1/completions`. The backend that answered is in the
 * `x-route` header (the body keeps OpenAI's exact shape). A stream is
 * answered only once its first piece exists, so a request that fails before
 * that still gets an error status; a failure after it ends the stream with
 * an error event and no `[DONE]`.
 *
 * @example
 * registerCompletions(app);
 */
export function registerCompletions(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const envelope: CompletionEnvelope = {
      id: `cmpl-${crypto.randomUUID().replaceAll("-", "")}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
    };
    const deps = createPipelineDeps(c.get("config"));
    noteRun(c, { task: "completions", streamed: body.stream === true });
    const noteDone = (done: CompletionRun) => noteServed(c, { ...done, usage: done.result.usage, prompt: body.prompt });
    if (!body.stream) {
      const run = await runCompletion(body.model, toCompletionRequest(body), deps);
      noteDone(run);
      setRouteHeaders(c, run);
      return c.json(formatCompletion(envelope, run.result), 200);
    }
    const sse = createSseWriter();
    const stream = createStreamStart();
    const run = runCompletion(body.model, toCompletionRequest(body), deps, {
      signal: sse.signal,
      onDelta: (delta, backend) => {
        stream.started(backend.id);
        sse.send(formatChunk(envelope, delta));
      },
    });
    const finish = (done: CompletionRun) => {
      noteDone(done);
      if (body.stream_options?.include_usage) sse.send(formatUsageChunk(envelope, done.result));
      sse.send("[DONE]");
    };
    return (await respondWhenStarted(sse, stream, run, finish, (error) => sse.send(describeError(error).body))) as never;
  });
}

function setRouteHeaders(c: Context<AppEnv>, run: CompletionRun): void {
  c.header("x-route", run.backend.id);
  c.header("x-route-attempts", run.route.attempts.map((attempt) => `${attempt.backend}=${attempt.status}`).join(","));
}
