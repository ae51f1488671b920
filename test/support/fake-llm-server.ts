/**
 * A scripted stand-in for the OpenAI and Anthropic HTTP APIs, on 127.0.0.1, for tests that drive the real vendor
 * SDKs without network or keys. The pieces live in ./fake-llm/; this is the one import tests need.
 *
 *   const llm = await startFakeLlmServer();
 *   const openai = new OpenAI({ apiKey: 'test-key', baseURL: llm.openaiBaseURL, maxRetries: 0 });
 *   const anthropic = new Anthropic({ apiKey: 'test-key', baseURL: llm.url, maxRetries: 0 });
 *   llm.script({ text: '```py\nprint(1)\n```', usage: { input: 12, output: 5 } });   // next request's answer
 *   llm.failNext(2, { fault: 'http-error', status: 429, retryAfterMs: 10 });        // then two 429s go first
 *   ...
 *   expect(llm.requests).toHaveLength(3);
 *   await llm.close();
 *
 * Steps (see ./fake-llm/types.ts): an answer `{ text?, refusal?, thinking?, finish?, usage?, chunkSize?, ... }`
 * (`{}` is an empty answer), or a fault: `http-error` (status, retry-after / retry-after-ms), `delay` (ms, then),
 * `truncate` (connection destroyed mid-body), `malformed` (non-JSON body or data line), `reset` (TCP RST).
 * A script entry may also be a function of the recorded request returning a step. Requests the real API would
 * refuse (no key, wrong key, bad body) get the vendor's 400/401 and do not use up a step.
 */
export { startFakeLlmServer, times, type FakeLlmServer } from './fake-llm/server.js';
export type {
  DelayFault,
  Endpoint,
  FakeAnswer,
  FakeFault,
  FakeLlmServerOptions,
  FakeStep,
  FakeUsage,
  HttpErrorFault,
  MalformedFault,
  RecordedRequest,
  ResetFault,
  ScriptEntry,
  TruncateFault,
} from './fake-llm/types.js';
