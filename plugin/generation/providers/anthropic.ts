/**
 * `anthropic:<model>` through the official `@anthropic-ai/sdk`: the Messages API, extended thinking on (with a
 * budget, or adaptive) or off, optional output effort.
 *
 * Streamed, on purpose: the SDK refuses a non-streamed request whose max_tokens could take over ten minutes
 * (thinking budgets make that common), and a long silent connection is what proxies cut. The SDK's
 * MessageStream folds the events into the same Message a non-streamed call returns. Its timeout covers only the
 * wait for headers, so a stream that goes silent is caught by our own idle timer (timeout_ms between events);
 * that, a stream cut off (`TypeError: terminated`) or a broken data line (`SyntaxError`) is retried by our
 * layer (retry.ts): the SDK cannot retry a 200 it has started reading.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages/messages';
import { LLM_DEFAULTS, type LlmSettings, type ModelSpec } from '../../config/types.js';
import { outerRetryable } from './classify.js';
import { makeProvider, type Answer } from './common.js';
import { ProviderError, type GenerationRequest, type Provider, type ProviderOptions } from './types.js';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

export function createAnthropicProvider(spec: ModelSpec, opts: ProviderOptions): Provider {
  return makeProvider(spec, opts, {
    vendor: 'Anthropic',
    defaultBaseURL: ANTHROPIC_BASE_URL,
    async once(req, ctx, llm) {
      // Every option is explicit, so the SDK reads nothing from process.env (key, auth token, base URL, log level).
      const client = new Anthropic({
        apiKey: ctx.apiKey,
        baseURL: ctx.baseURL,
        maxRetries: ctx.maxRetries,
        timeout: ctx.timeoutMs,
        fetch: ctx.fetch,
        logLevel: 'off',
      });
      const stream = client.messages.stream(messagesBody(req, llm), { signal: ctx.signal, timeout: ctx.timeoutMs, maxRetries: ctx.maxRetries });
      let stalled = false;
      let timer: NodeJS.Timeout | undefined;
      // Armed once headers arrived (before that the SDK's timeout and retries are in charge), re-armed per event.
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          stalled = true;
          stream.abort();
        }, ctx.timeoutMs);
      };
      stream.on('connect', arm);
      stream.on('streamEvent', arm);
      try {
        return fromMessage(await stream.finalMessage());
      } catch (e) {
        if (stalled && !ctx.signal.aborted) {
          throw outerRetryable(new ProviderError('DG_PROVIDER_STALLED', `Anthropic stream went silent for ${ctx.timeoutMs} ms mid-answer`, { retryable: true, cause: e, hint: 'raise timeout_ms if long pauses are normal for this model' }));
        }
        if (e instanceof Anthropic.AnthropicError && /request ended without sending any chunks/.test(e.message)) {
          throw outerRetryable(new ProviderError('DG_PROVIDER_TRUNCATED', 'Anthropic stream ended before its first event', { retryable: true, cause: e }));
        }
        throw e;
      } finally {
        clearTimeout(timer);
      }
    },
  });
}

export function messagesBody(req: GenerationRequest, llm: LlmSettings): MessageCreateParamsBase {
  const s = llm.sampling;
  const body: MessageCreateParamsBase = {
    model: llm.model,
    // load-config resolves this default (so the cache key holds it); a spec built by hand gets the same.
    max_tokens: s.maxTokens ?? LLM_DEFAULTS.anthropicMaxTokens + (typeof s.thinking === 'object' ? s.thinking.budgetTokens : 0),
    system: req.system,
    messages: [{ role: 'user', content: req.user }],
  };
  // No temperature or top_p: the Messages API version this SDK speaks (2026-10-21) has none (load-config says so).
  if (s.thinking === false) body.thinking = { type: 'disabled' };
  else if (s.thinking === 'adaptive') body.thinking = { type: 'adaptive' };
  else if (s.thinking) body.thinking = { type: 'enabled', budget_tokens: s.thinking.budgetTokens };
  if (s.reasoningEffort !== undefined) body.output_config = { effort: s.reasoningEffort as 'low' | 'medium' | 'high' | 'xhigh' | 'max' };
  return body;
}

const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', model_context_window_exceeded: 'length', refusal: 'refusal' };

function fromMessage(msg: Message): Answer {
  if (!msg.stop_reason) {
    // The stream closed cleanly but before message_delta: the answer may be partial, so it is not one.
    throw outerRetryable(new ProviderError('DG_PROVIDER_TRUNCATED', 'Anthropic stream ended without a stop reason', { retryable: true }));
  }
  const texts = msg.content.flatMap((b) => (b.type === 'text' ? [b.text] : []));
  const u = msg.usage;
  const thinking = u.output_tokens_details?.thinking_tokens;
  return {
    text: texts.length ? texts.join('') : null,
    refused: msg.stop_reason === 'refusal',
    finish: FINISH[msg.stop_reason] ?? msg.stop_reason,
    // Cache reads and writes are input too; this benchmark sends no cache_control, so they are normally 0.
    usage: {
      input: u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0),
      output: u.output_tokens,
      ...(typeof thinking === 'number' && thinking > 0 ? { reasoning: thinking } : {}),
    },
    model: msg.model,
  };
}
