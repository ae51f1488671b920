/**
 * `openai:<model>` and `openai-compatible:<name>` (vLLM, Ollama, llama.cpp, OpenRouter, Azure-style endpoints)
 * through the official `openai` SDK: Chat Completions or Responses, as the model's `api` says.
 *
 * Not streamed, on purpose: the answer is only used whole; a non-streamed response always carries usage
 * (OpenAI-compatible servers differ on `stream_options.include_usage`); and the SDK timeout, which covers only the
 * wait for headers, then bounds the whole generation, because the headers come with the body. Failures after the
 * 200 (a body cut off: `TypeError: terminated`; not JSON: `SyntaxError`) are retried by our layer (retry.ts).
 */
import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Response, ResponseCreateParamsNonStreaming } from 'openai/resources/responses/responses';
import type { LlmSettings, ModelSpec } from '../../config/types.js';
import { outerRetryable } from './classify.js';
import { makeProvider, type Answer, type CallContext } from './common.js';
import { ProviderError, type GenerationRequest, type Provider, type ProviderOptions } from './types.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export function createOpenAIProvider(spec: ModelSpec, opts: ProviderOptions): Provider {
  const vendor = spec.provider === 'openai' ? 'OpenAI' : spec.id;
  return makeProvider(spec, opts, {
    vendor,
    defaultBaseURL: OPENAI_BASE_URL,
    async once(req, ctx, llm) {
      const client = clientFor(ctx, llm);
      const options = { signal: ctx.signal, timeout: ctx.timeoutMs, maxRetries: ctx.maxRetries };
      if (llm.api === 'responses') return fromResponse(await client.responses.create(responsesBody(req, llm), options), vendor, llm.model);
      return fromChat(await client.chat.completions.create(chatBody(req, llm), options), vendor, llm.model);
    },
  });
}

/**
 * Every option is explicit, so the SDK reads nothing from process.env (base URL, org, project, API version, log
 * level). An `api_version` (Azure-style endpoints) selects the SDK's Azure client: the key goes in the `api-key`
 * header and the version in the `api-version` query parameter, as those endpoints want.
 */
function clientFor(ctx: CallContext, llm: LlmSettings): OpenAI {
  const common = { apiKey: ctx.apiKey, baseURL: ctx.baseURL, organization: null, project: null, maxRetries: ctx.maxRetries, timeout: ctx.timeoutMs, fetch: ctx.fetch, logLevel: 'off' as const };
  if (llm.apiVersion) return new AzureOpenAI({ ...common, apiVersion: llm.apiVersion });
  return new OpenAI({ ...common, adminAPIKey: null, webhookSecret: null });
}

export function chatBody(req: GenerationRequest, llm: LlmSettings): ChatCompletionCreateParamsNonStreaming {
  const s = llm.sampling;
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: llm.model,
    messages: [
      { role: 'system', content: req.system },
      { role: 'user', content: req.user },
    ],
  };
  if (s.temperature !== undefined) body.temperature = s.temperature;
  if (s.topP !== undefined) body.top_p = s.topP;
  if (s.seed !== undefined) body.seed = s.seed + req.sampleIndex;
  if (s.reasoningEffort !== undefined) body.reasoning_effort = s.reasoningEffort;
  // OpenAI's reasoning models accept only max_completion_tokens; compatible servers widely know only max_tokens.
  if (s.maxTokens !== undefined) {
    if (llm.provider === 'openai') body.max_completion_tokens = s.maxTokens;
    else body.max_tokens = s.maxTokens;
  }
  return body;
}

export function responsesBody(req: GenerationRequest, llm: LlmSettings): ResponseCreateParamsNonStreaming {
  const s = llm.sampling;
  // store: false, so the vendor keeps no copy of the benchmark's prompts and answers.
  const body: ResponseCreateParamsNonStreaming = { model: llm.model, instructions: req.system, input: req.user, store: false };
  if (s.temperature !== undefined) body.temperature = s.temperature;
  if (s.topP !== undefined) body.top_p = s.topP;
  if (s.maxTokens !== undefined) body.max_output_tokens = s.maxTokens;
  if (s.reasoningEffort !== undefined) body.reasoning = { effort: s.reasoningEffort };
  return body;
}

function fromChat(res: ChatCompletion, vendor: string, asked: string): Answer {
  const choice = res.choices?.[0];
  if (!choice?.message) {
    throw outerRetryable(new ProviderError('DG_PROVIDER_MALFORMED', `${vendor} answered without a choice`, { retryable: true }));
  }
  const { message } = choice;
  const finish = choice.finish_reason ?? null;
  // A content filter is the vendor withholding the answer, like Anthropic's stop_reason 'refusal'.
  const refused = (typeof message.refusal === 'string' && message.refusal !== '') || finish === 'content_filter';
  const usage = res.usage
    ? { input: res.usage.prompt_tokens, output: res.usage.completion_tokens, ...reasoning(res.usage.completion_tokens_details?.reasoning_tokens) }
    : null;
  return { text: message.refusal || (message.content ?? null), refused, finish: refused && message.refusal ? 'refusal' : finish, usage, model: res.model || asked };
}

function fromResponse(res: Response, vendor: string, asked: string): Answer {
  if (res.status === 'failed') {
    const err = new ProviderError('DG_PROVIDER_SERVER', `${vendor} response failed: ${res.error?.code ?? ''} ${res.error?.message ?? ''}`.trim(), {
      retryable: res.error?.code === 'server_error',
    });
    throw res.error?.code === 'server_error' ? outerRetryable(err) : err;
  }
  let text: string | null = null;
  let refusal: string | null = null;
  for (const item of res.output ?? []) {
    if (item.type !== 'message') continue;
    for (const part of item.content) {
      if (part.type === 'output_text') text = (text ?? '') + part.text;
      else if (part.type === 'refusal') refusal = (refusal ?? '') + part.refusal;
    }
  }
  const reason = res.incomplete_details?.reason;
  const refused = refusal !== null || reason === 'content_filter';
  const finish = refusal !== null ? 'refusal' : reason === 'max_output_tokens' ? 'length' : reason === 'content_filter' ? 'content_filter' : res.status === 'completed' ? 'stop' : (res.status ?? null);
  const usage = res.usage ? { input: res.usage.input_tokens, output: res.usage.output_tokens, ...reasoning(res.usage.output_tokens_details?.reasoning_tokens) } : null;
  return { text: refusal ?? text, refused, finish, usage, model: res.model || asked };
}

const reasoning = (n: number | undefined | null) => (typeof n === 'number' && n > 0 ? { reasoning: n } : {});
