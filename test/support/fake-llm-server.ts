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
import { afterEach, beforeEach, expect } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm/server.js';
import type { FakeLlmServerOptions } from './fake-llm/types.js';

export { startFakeLlmServer, times, type FakeLlmServer } from './fake-llm/server.js';

/**
 * A fresh fake for each test of the calling file, handed to `use`. After each test, a throw inside the fake fails
 * that test (it would otherwise only show up as a confusing client error), and the fake closes. `restart` swaps
 * in a fake with other options for the rest of a test (`use` gets it too).
 */
export function fakeLlmServerPerTest(use: (server: FakeLlmServer) => void): { restart(options: FakeLlmServerOptions): Promise<void> } {
  let current: FakeLlmServer;
  const start = async (options?: FakeLlmServerOptions) => {
    current = await startFakeLlmServer(options);
    use(current);
  };
  beforeEach(() => start());
  afterEach(async () => {
    expect(current.errors).toEqual([]);
    await current.close();
  });
  return {
    async restart(options) {
      await current.close();
      await start(options);
    },
  };
}

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
