/**
 * Anthropic Messages, `POST /v1/messages`: a `message` object with `thinking` and `text` content blocks, or with
 * `stream: true` the named SSE events that @anthropic-ai/sdk/lib/MessageStream.ts accumulates: message_start,
 * content_block_start/delta/stop per block, message_delta (stop_reason, final usage), message_stop.
 */
import { bearer, checkMessages, checkModel, checkPositiveInt, type EndpointSpec, type ResolvedAnswer } from './endpoint.js';
import { anthropicErrorBody, chunkText, jsonFrame, type SseFrame } from './wire.js';

const SIGNATURE = 'fake-thinking-signature';

/** A refusal is text the model did produce plus `stop_reason: 'refusal'`; the API has no separate refusal field. */
function stopReason(a: ResolvedAnswer): string {
  return a.refusal !== null || a.finish === 'content_filter' ? 'refusal' : a.finish === 'length' ? 'max_tokens' : 'end_turn';
}

function stopDetails(a: ResolvedAnswer) {
  return stopReason(a) === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null;
}

const visibleText = (a: ResolvedAnswer) => a.refusal ?? a.text;

function usage(a: ResolvedAnswer, outputTokens: number) {
  return {
    input_tokens: a.usage.input,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: null,
    output_tokens_details: { thinking_tokens: a.usage.reasoning },
    server_tool_use: null,
    service_tier: 'standard',
    inference_geo: null,
    speed: null,
  };
}

function message(a: ResolvedAnswer, id: string, content: object[], final: boolean) {
  return {
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model: a.model,
    content,
    container: null,
    diagnostics: null,
    stop_reason: final ? stopReason(a) : null,
    stop_sequence: null,
    stop_details: final ? stopDetails(a) : null,
    // message_start carries a provisional output count; message_delta sends the real one, as the API does.
    usage: usage(a, final ? a.usage.output : 1),
  };
}

export const anthropicMessages: EndpointSpec = {
  name: 'anthropic-messages',
  path: '/v1/messages',
  requestIdHeader: 'request-id',
  // The SDK sends `x-api-key` in older releases and `Authorization: Bearer` in newer ones; accept both.
  apiKey: (headers) => headers['x-api-key'] || bearer(headers),

  validate(body, headers) {
    if (!headers['anthropic-version']) return { message: 'anthropic-version: header is required' };
    const r =
      checkModel(body) ?? checkPositiveInt(body, 'max_tokens', true) ?? checkMessages(body.messages, ['user', 'assistant']);
    if (r) return r;
    if (body.system != null && typeof body.system !== 'string' && !Array.isArray(body.system)) {
      return { message: 'system: must be a string or an array of text blocks', param: 'system' };
    }
    if (body.thinking != null && typeof body.thinking?.type !== 'string') return { message: 'thinking.type: Field required', param: 'thinking' };
    return null;
  },

  isStream: (body) => body.stream === true,

  json(a, _body, id) {
    const content: object[] = [];
    if (a.thinking !== null) content.push({ type: 'thinking', thinking: a.thinking, signature: SIGNATURE });
    // An empty answer is an empty content array, as the API returns when the model says nothing.
    if (visibleText(a) !== '') content.push({ type: 'text', text: visibleText(a), citations: null });
    return message(a, id, content, true);
  },

  frames(a, _body, id) {
    const frames: SseFrame[] = [];
    const emit = (type: string, fields: object) => frames.push(jsonFrame({ type, ...fields }, type));

    emit('message_start', { message: message(a, id, [], false) });
    // The API interleaves pings; the SDK must skip them, so the fake sends one too.
    emit('ping', {});
    let index = 0;
    if (a.thinking !== null) {
      emit('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const thinking of chunkText(a.thinking, a.chunkSize)) emit('content_block_delta', { index, delta: { type: 'thinking_delta', thinking } });
      emit('content_block_delta', { index, delta: { type: 'signature_delta', signature: SIGNATURE } });
      emit('content_block_stop', { index });
      index++;
    }
    if (visibleText(a) !== '') {
      emit('content_block_start', { index, content_block: { type: 'text', text: '', citations: null } });
      for (const text of chunkText(visibleText(a), a.chunkSize)) emit('content_block_delta', { index, delta: { type: 'text_delta', text } });
      emit('content_block_stop', { index });
    }
    emit('message_delta', {
      delta: { stop_reason: stopReason(a), stop_sequence: null, stop_details: stopDetails(a), container: null },
      usage: {
        input_tokens: a.usage.input,
        output_tokens: a.usage.output,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
        output_tokens_details: { thinking_tokens: a.usage.reasoning },
        server_tool_use: null,
      },
    });
    emit('message_stop', {});
    return frames;
  },

  errorBody: (status, message, requestId) => anthropicErrorBody(status, message, requestId),
};
