/**
 * OpenAI Chat Completions, `POST /v1/chat/completions`: a `chat.completion` object, or with `stream: true` a run of
 * data-only `chat.completion.chunk` frames closed by `data: [DONE]` (shapes as in openai/resources/chat/completions).
 */
import { bearer, checkMessages, checkModel, checkPositiveInt, isObject, type EndpointSpec, type ResolvedAnswer } from './endpoint.js';
import { chunkText, jsonFrame, openaiErrorBody, type SseFrame } from './wire.js';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

function finishReason(a: ResolvedAnswer): string {
  return a.finish === 'length' ? 'length' : a.finish === 'content_filter' ? 'content_filter' : 'stop';
}

function usage(a: ResolvedAnswer) {
  return {
    prompt_tokens: a.usage.input,
    completion_tokens: a.usage.output,
    total_tokens: a.usage.input + a.usage.output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: a.usage.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

const created = () => Math.floor(Date.now() / 1000);

export const openaiChat: EndpointSpec = {
  name: 'openai-chat',
  path: '/v1/chat/completions',
  requestIdHeader: 'x-request-id',
  // Azure-style endpoints (the SDK's AzureOpenAI) send the key in `api-key` instead.
  apiKey: (headers) => bearer(headers) ?? headers['api-key'],

  validate(body) {
    const r = checkModel(body) ?? checkMessages(body.messages, ROLES);
    if (r) return r;
    if (body.stream_options != null && body.stream !== true) {
      // The real API refuses this combination, and it is an easy client mistake to make.
      return { message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: 'stream_options' };
    }
    if (body.stream_options != null && !isObject(body.stream_options)) return { message: 'stream_options must be an object.', param: 'stream_options' };
    return checkPositiveInt(body, 'max_tokens', false) ?? checkPositiveInt(body, 'max_completion_tokens', false);
  },

  isStream: (body) => body.stream === true,

  json(a, _body, id) {
    return {
      id: `chatcmpl-${id}`,
      object: 'chat.completion',
      created: created(),
      model: a.model,
      choices: [
        {
          index: 0,
          // A refusal replaces the content: the API sends `content: null` with the refusal text beside it.
          message: { role: 'assistant', content: a.refusal !== null ? null : a.text, refusal: a.refusal, annotations: [] },
          logprobs: null,
          finish_reason: finishReason(a),
        },
      ],
      usage: usage(a),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
  },

  frames(a, body, id) {
    const withUsage = body.stream_options?.include_usage === true;
    const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created: created(), model: a.model, service_tier: 'default', system_fingerprint: 'fp_fake' };
    // With include_usage the API puts `usage: null` on every chunk but the last, which carries it with no choices.
    const chunk = (choices: object[], extra: object = withUsage ? { usage: null } : {}) => jsonFrame({ ...base, choices, ...extra });
    const choice = (delta: object, finish: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason: finish });

    const frames: SseFrame[] = [chunk([choice({ role: 'assistant', content: a.refusal !== null ? null : '', refusal: null })])];
    if (a.refusal !== null) for (const part of chunkText(a.refusal, a.chunkSize)) frames.push(chunk([choice({ refusal: part })]));
    else for (const part of chunkText(a.text, a.chunkSize)) frames.push(chunk([choice({ content: part })]));
    frames.push(chunk([choice({}, finishReason(a))]));
    if (withUsage) frames.push(chunk([], { usage: usage(a) }));
    frames.push({ data: '[DONE]' });
    return frames;
  },

  errorBody: (status, message, _requestId, param) => openaiErrorBody(status, message, param ?? null),
};
