/**
 * OpenAI Responses, `POST /v1/responses`: a `response` object whose `output` holds an optional `reasoning` item and
 * a `message` item (the SDK computes `output_text` from it), or with `stream: true` the typed events that
 * openai/lib/responses/ResponseAccumulator.ts folds into that same object, `response.created` first and
 * `response.completed` (or `response.incomplete`) last.
 */
import { bearer, checkModel, checkPositiveInt, isObject, type EndpointSpec, type ResolvedAnswer } from './endpoint.js';
import { chunkText, jsonFrame, openaiErrorBody, type SseFrame } from './wire.js';

const ROLES = ['system', 'developer', 'user', 'assistant'];

function usage(a: ResolvedAnswer) {
  return {
    input_tokens: a.usage.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: a.usage.output,
    output_tokens_details: { reasoning_tokens: a.usage.reasoning },
    total_tokens: a.usage.input + a.usage.output,
  };
}

const reasoningItem = (id: string, summary: string) => ({
  id: `rs_${id}`,
  type: 'reasoning',
  summary: [{ type: 'summary_text', text: summary }],
});

/** The message's one content part: output text, or a refusal in its place. */
const part = (a: ResolvedAnswer, filled: boolean) =>
  a.refusal !== null ?
    { type: 'refusal', refusal: filled ? a.refusal : '' }
  : { type: 'output_text', text: filled ? a.text : '', annotations: [], logprobs: [] };

const messageItem = (a: ResolvedAnswer, id: string, status: string, content: object[]) => ({
  id: `msg_${id}`,
  type: 'message',
  status,
  role: 'assistant',
  content,
});

/** 'length' and 'content_filter' end a response as `incomplete`, with the reason in `incomplete_details`. */
const incomplete = (a: ResolvedAnswer) =>
  a.finish === 'length' ? { reason: 'max_output_tokens' } : a.finish === 'content_filter' ? { reason: 'content_filter' } : null;

function responseObject(a: ResolvedAnswer, body: any, id: string, state: 'in_progress' | 'done', output: object[]) {
  const details = state === 'done' ? incomplete(a) : null;
  const now = Math.floor(Date.now() / 1000);
  return {
    id: `resp_${id}`,
    object: 'response',
    created_at: now,
    status: state === 'in_progress' ? 'in_progress' : details ? 'incomplete' : 'completed',
    completed_at: state === 'done' && !details ? now : null,
    error: null,
    incomplete_details: details,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: a.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: state === 'done' ? usage(a) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

export const openaiResponses: EndpointSpec = {
  name: 'openai-responses',
  path: '/v1/responses',
  requestIdHeader: 'x-request-id',
  // Azure-style endpoints (the SDK's AzureOpenAI) send the key in `api-key` instead.
  apiKey: (headers) => bearer(headers) ?? headers['api-key'],

  validate(body) {
    const r = checkModel(body);
    if (r) return r;
    // The real API can also run from a stored prompt; the callers under test always send `input`, so require it.
    const input = body.input;
    if (input === undefined) return { message: 'Missing required parameter: input.', param: 'input' };
    if (typeof input === 'string') {
      if (input === '') return { message: 'input must not be empty.', param: 'input' };
    } else if (Array.isArray(input) && input.length > 0) {
      for (const [i, item] of input.entries()) {
        if (!isObject(item)) return { message: `input[${i}] must be an object.`, param: `input[${i}]` };
        if (item.role !== undefined && !ROLES.includes(item.role as string)) {
          return { message: `input[${i}].role must be one of ${ROLES.join(', ')}.`, param: `input[${i}].role` };
        }
      }
    } else {
      return { message: 'input must be a string or a non-empty array of input items.', param: 'input' };
    }
    if (body.instructions != null && typeof body.instructions !== 'string') return { message: 'instructions must be a string.', param: 'instructions' };
    if (body.messages !== undefined) return { message: "Unknown parameter: 'messages'. The Responses API takes 'input'.", param: 'messages' };
    return checkPositiveInt(body, 'max_output_tokens', false);
  },

  isStream: (body) => body.stream === true,

  json(a, body, id) {
    const output: object[] = [];
    if (a.thinking !== null) output.push(reasoningItem(id, a.thinking));
    output.push(messageItem(a, id, incomplete(a) ? 'incomplete' : 'completed', [part(a, true)]));
    return responseObject(a, body, id, 'done', output);
  },

  frames(a, body, id) {
    let seq = 0;
    const frames: SseFrame[] = [];
    // Every event repeats its type in the data and carries a rising sequence_number, as the SDK's types require.
    const emit = (type: string, fields: object) => frames.push(jsonFrame({ type, sequence_number: seq++, ...fields }, type));

    emit('response.created', { response: responseObject(a, body, id, 'in_progress', []) });
    emit('response.in_progress', { response: responseObject(a, body, id, 'in_progress', []) });

    const done: object[] = [];
    let index = 0;
    if (a.thinking !== null) {
      const item = { output_index: index, item_id: `rs_${id}`, summary_index: 0 };
      emit('response.output_item.added', { output_index: index, item: { id: `rs_${id}`, type: 'reasoning', summary: [] } });
      emit('response.reasoning_summary_part.added', { ...item, part: { type: 'summary_text', text: '' } });
      for (const delta of chunkText(a.thinking, a.chunkSize)) emit('response.reasoning_summary_text.delta', { ...item, delta });
      emit('response.reasoning_summary_text.done', { ...item, text: a.thinking });
      emit('response.reasoning_summary_part.done', { ...item, part: { type: 'summary_text', text: a.thinking } });
      done.push(reasoningItem(id, a.thinking));
      emit('response.output_item.done', { output_index: index, item: done[index] });
      index++;
    }

    const at = { item_id: `msg_${id}`, output_index: index, content_index: 0 };
    emit('response.output_item.added', { output_index: index, item: messageItem(a, id, 'in_progress', []) });
    emit('response.content_part.added', { ...at, part: part(a, false) });
    if (a.refusal !== null) {
      for (const delta of chunkText(a.refusal, a.chunkSize)) emit('response.refusal.delta', { ...at, delta });
      emit('response.refusal.done', { ...at, refusal: a.refusal });
    } else {
      for (const delta of chunkText(a.text, a.chunkSize)) emit('response.output_text.delta', { ...at, delta, logprobs: [] });
      emit('response.output_text.done', { ...at, text: a.text, logprobs: [] });
    }
    emit('response.content_part.done', { ...at, part: part(a, true) });
    done.push(messageItem(a, id, incomplete(a) ? 'incomplete' : 'completed', [part(a, true)]));
    emit('response.output_item.done', { output_index: index, item: done[index] });

    const final = responseObject(a, body, id, 'done', done);
    emit(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
    return frames;
  },

  errorBody: (status, message, _requestId, param) => openaiErrorBody(status, message, param ?? null),
};
