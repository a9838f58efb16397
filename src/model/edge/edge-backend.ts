import { APICallError } from "../api-call-error";
import type { Generation, InferenceBackend, ScoreRequest, ScoredContinuation } from "../backend";
import { END_OF_TEXT, END_OF_TEXT_ID, gpt2Tokenizer, type Tokenizer } from "../tokenizer";
import { completeOnEdge } from "./edge-complete";
import { generateIds } from "./generate-ids";
import type { Gpt2Runner } from "./gpt2-runner";
import type { LoadedEdgeModel } from "./load-from-r2";
import { scoreIds } from "./score-ids";

/** How to build an edge backend; the model loader is injected (R2 in the Worker, a file in Node). */
export interface EdgeBackendSettings {
  model: string;
  contextTokens: number;
  /** Loads the model once; `report` is what `/health?check=true` shows of its memory. */
  load: () => Promise<LoadedEdgeModel>;
  /** False once the loader has refused the model (memory budget); routing then plans around it. */
  isAvailable?: () => boolean;
  /** The memory-fitted context once the model is loaded; routing sends longer requests elsewhere. */
  tokenLimit?: () => number | undefined;
  eosTokenId?: number;
  tokenizer?: Tokenizer;
  id?: string;
}

/**
 * A GPT-2 ONNX model run in-process with onnxruntime-web, behind the same
 * interface as the GPU client.
 *
 * @example
 * const edge = createEdgeBackend({ model: "distilgpt2", contextTokens: 1024, load: () => loadEdgeModel(source) });
 * const out = await edge.generate("Q: Who wrote Hamlet?\nA:", { strategy: "greedy", maxTokens: 8, stop: ["\n"] });
 */
export function createEdgeBackend(settings: EdgeBackendSettings): InferenceBackend {
  const id = settings.id ?? "edge";
  const tokenizer = settings.tokenizer ?? gpt2Tokenizer;
  const eosTokenId = settings.eosTokenId ?? END_OF_TEXT_ID;

  async function loaded(): Promise<LoadedEdgeModel> {
    try {
      return await settings.load();
    } catch (error) {
      if (error instanceof APICallError) throw error;
      const message = `model could not be loaded: ${(error as Error).message}`;
      throw new APICallError({ backend: id, failure: "unavailable", message, isRetryable: false, cause: error });
    }
  }

  /** The model, after refusing a request the memory-fitted context cannot hold (routing then moves on). */
  async function runner(tokens: number): Promise<Gpt2Runner> {
    const { runner: model, contextTokens } = await loaded();
    if (tokens > contextTokens) {
      const message = `${tokens} tokens exceed the edge memory context of ${contextTokens}`;
      throw new APICallError({
        backend: id,
        failure: "unavailable",
        message,
        isRetryable: false,
        details: { context_tokens: contextTokens },
      });
    }
    return model;
  }

  async function guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof APICallError) throw error;
      const message = `inference failed: ${(error as Error).message}`;
      throw new APICallError({ backend: id, failure: "runtime", message, isRetryable: true, cause: error });
    }
  }

  return {
    id,
    kind: "edge",
    model: settings.model,
    contextTokens: settings.contextTokens,
    weight: 1,
    subrequestsPerCall: 0,
    isAvailable: () => settings.isAvailable?.() ?? true,
    tokenLimit: () => settings.tokenLimit?.(),

    async generate(prompt, decoding, signal): Promise<Generation> {
      const promptIds = tokenizer.encode(prompt);
      const model = await runner(promptIds.length + decoding.maxTokens);
      const out = await guard(() => generateIds(model, promptIds, decoding, { eosTokenId, decode: tokenizer.decode, signal }));
      return {
        text: out.text,
        finishReason: out.finishReason,
        promptTokens: promptIds.length,
        completionTokens: out.ids.length,
        ...(out.tokenLogprobs ? { tokenLogprobs: out.tokenLogprobs } : {}),
        ...(out.topLogprobs
          ? {
              topLogprobs: out.topLogprobs.map((position) =>
                position.map((entry) => ({ token: tokenizer.decode([entry.id]), logprob: entry.logprob })),
              ),
            }
          : {}),
      };
    },

    async score(requests: ScoreRequest[]): Promise<ScoredContinuation[]> {
      const items = requests.map((request) => splitRequest(tokenizer, request));
      const model = await runner(Math.max(0, ...items.map((item) => item.ids.length)));
      const logprobs = await guard(() => scoreIds(model, items));
      return items.map((item, index) => {
        const values = logprobs[index] ?? [];
        return {
          tokens: item.ids.slice(item.from).map((token) => tokenizer.decode([token])),
          logprobs: values,
          logprob: values.reduce((sum, value) => sum + value, 0),
          promptTokens: item.ids.length,
        };
      });
    },

    async complete(request, options) {
      const longest = Math.max(...request.prompts.map((prompt) => (typeof prompt === "string" ? tokenizer.count(prompt) : prompt.length)));
      const model = await runner(longest + request.maxTokens);
      return guard(() => completeOnEdge({ runner: model, tokenizer, eosTokenId }, request, options));
    },

    async health() {
      try {
        const { report } = await loaded();
        return { ok: true, memory: report() };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },
  };
}

/**
 * Tokenizes context and continuation together, as a server does with echo,
 * and scores from the first token that holds any continuation byte.
 */
function splitRequest(tokenizer: Tokenizer, request: ScoreRequest): { ids: number[]; from: number } {
  const context = request.context.length > 0 ? request.context : END_OF_TEXT;
  const ids = tokenizer.encode(context + request.continuation);
  const contextBytes = new TextEncoder().encode(context).length;
  let bytes = 0;
  let from = 0;
  while (from < ids.length && bytes + tokenizer.tokenBytes(ids[from] as number).length <= contextBytes) {
    bytes += tokenizer.tokenBytes(ids[from] as number).length;
    from += 1;
  }
  return { ids, from: Math.max(from, 1) };
}
