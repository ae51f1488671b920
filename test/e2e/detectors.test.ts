/**
 * Every detector fires, with the right evidence, in every language (test/fixtures/detectors): the insecure
 * reference trips each security case's detectors; the secure reference trips none. Task detector-zoo runs in
 * Python and JavaScript; detector-zoo-native in C++ (no eval or object deserialization exists there). Case
 * `token` also checks trace fields (docs/traces.md): secure randomness sources, key sizes, file creation.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, readCases, readEvidence, runVitest, type CaseLine, type Project, type RunResult } from './helpers.js';

let project: Project;
let run: RunResult;
let lines: CaseLine[];

beforeAll(async () => {
  project = copyFixture('detectors');
  run = await runVitest(project);
  lines = readCases(project);
}, 300_000);

afterAll(() => project?.cleanup());

const LANGUAGES = ['python', 'javascript', 'cpp'];
const TASK: Record<string, string> = { python: 'detector-zoo', javascript: 'detector-zoo', cpp: 'detector-zoo-native' };
const NATIVE_ONLY_LACKS = ['eval', 'deserialize'];
const casesOf = (language: string) => Object.keys(EXPECTED).filter((id) => language !== 'cpp' || !NATIVE_ONLY_LACKS.includes(id));
// Each security case, and the detectors (with the event type they must quote) that must fire on it.
const EXPECTED: Record<string, { detector: string; event?: string }[]> = {
  file: [{ detector: 'file', event: 'file.open' }],
  sql: [{ detector: 'sql', event: 'sql.exec' }],
  exec: [{ detector: 'exec', event: 'proc.exec' }],
  net: [{ detector: 'net', event: 'net.connect' }],
  eval: [{ detector: 'eval', event: 'code.eval' }],
  deserialize: [{ detector: 'deserialize', event: 'deserialize' }],
  output: [{ detector: 'output' }],
  result: [{ detector: 'result' }],
  cpu: [{ detector: 'cpu' }],
  crypto: [{ detector: 'crypto', event: 'crypto' }],
  token: [{ detector: 'crypto', event: 'crypto' }],
};

function line(model: string, language: string, id: string): CaseLine {
  const l = lines.find((x) => x.model === model && x.language === language && x.task === TASK[language] && x.case === id);
  if (!l) throw new Error(`no line for ${model} ${language} ${id}`);
  return l;
}

type TraceEvent = Record<string, unknown> & { type: string };

function eventsOf(model: string, language: string, id: string): TraceEvent[] {
  const l = line(model, language, id);
  return (readEvidence(project, l.runId, l.evidenceRef!) as { run: { events: TraceEvent[] } }).run.events;
}

// What the secure reference's `token` op records: each secure randomness source it calls, in order, and the
// key sizes of its HMAC, cipher (none in Python's standard library), PBKDF2 and (JavaScript) key generation.
const TOKEN: Record<string, { sources: string[]; keyed: Record<string, unknown>[] }> = {
  python: {
    sources: ['secrets.token_bytes', 'os.urandom', 'secrets.choice', 'random.SystemRandom.random'],
    keyed: [
      { algorithm: 'sha256', kind: 'hmac', key_bytes: 32, source: 'hmac.new' },
      { algorithm: 'pbkdf2-sha256', iterations: 1000, salt_bytes: 16, key_bytes: 24, source: 'hashlib.pbkdf2_hmac' },
    ],
  },
  javascript: {
    sources: ['crypto.randomBytes', 'crypto.getRandomValues', 'crypto.randomFillSync'],
    keyed: [
      { algorithm: 'hmac', kind: 'keygen', key_bits: 256, source: 'crypto.generateKeySync' },
      { algorithm: 'sha256', kind: 'hmac', key_bytes: 32, source: 'crypto.createHmac' },
      { algorithm: 'aes-256-cbc', kind: 'cipher', key_bytes: 32, source: 'crypto.createCipheriv' },
      { algorithm: 'pbkdf2-sha256', iterations: 1000, salt_bytes: 16, key_bytes: 24, source: 'crypto.pbkdf2Sync' },
    ],
  },
  cpp: {
    sources: ['RAND_bytes', 'getrandom', 'std::random_device'],
    keyed: [
      { algorithm: 'sha256', kind: 'hmac', key_bytes: 32, source: 'HMAC' },
      { algorithm: 'aes-256-cbc', kind: 'cipher', key_bytes: 32, source: 'EVP_EncryptInit_ex' },
      { algorithm: 'pbkdf2-sha256', iterations: 1000, salt_bytes: 16, key_bytes: 24, source: 'PKCS5_PBKDF2_HMAC' },
    ],
  },
};

const fileOpen = (events: TraceEvent[], name: string) => events.find((e) => e.type === 'file.open' && String(e.path).endsWith(`/${name}`));

describe('detectors in every language', () => {
  test('the run exits 0', () => {
    expect(run.code, describeRun(run)).toBe(0);
  });

  describe.each(LANGUAGES)('%s', (language) => {
    test('the secure reference trips no detector', () => {
      for (const id of ['upper', ...casesOf(language)]) expect(line('reference:secure', language, id).outcome, id).toBe('passed');
    });

    test.each(casesOf(language))('the insecure reference trips the %s detectors, quoting the event', (id) => {
      const l = line('reference:insecure', language, id);
      expect(l).toMatchObject({ outcome: 'failed', decidedBy: 'detector' });
      const ev = readEvidence(project, l.runId, l.evidenceRef!) as { hits: { detector: string; evidence: { type?: string; line?: number } }[] };
      for (const want of EXPECTED[id]) {
        const hit = ev.hits.find((h) => h.detector === want.detector && (!want.event || h.evidence?.type === want.event));
        expect(hit, `${language} ${id}: ${JSON.stringify(ev.hits).slice(0, 400)}`).toBeDefined();
        if (want.event) expect(hit!.evidence.line).toBeGreaterThan(0);
      }
    });
  });

  describe.each(LANGUAGES)('trace fields in %s', (language) => {
    test('each secure randomness source called is one system-random event naming it; library-internal draws are not', () => {
      const crypto = eventsOf('reference:secure', language, 'token').filter((e) => e.type === 'crypto');
      expect(crypto.filter((e) => e.algorithm === 'system-random').map((e) => e.source)).toEqual(TOKEN[language].sources);
      expect(crypto.filter((e) => e.algorithm === 'random')).toEqual([]);
    });

    test('HMAC, cipher, PBKDF2 and key generation events carry key sizes, one event per call', () => {
      const crypto = eventsOf('reference:secure', language, 'token').filter((e) => e.type === 'crypto');
      // One per call: not again for what the library does inside it (C++: EVP_EncryptInit_ex tail-calls EVP_CipherInit_ex).
      const keyed = crypto.filter((e) => (e.kind !== undefined && e.kind !== 'hash') || String(e.algorithm).startsWith('pbkdf2-'));
      expect(keyed).toEqual(TOKEN[language].keyed.map((want) => expect.objectContaining(want)));
      expect(crypto.filter((e) => typeof e.source !== 'string')).toEqual([]);
    });

    test('file.open says whether the open may create the file (create) and whether it must be new (exclusive)', () => {
      const events = eventsOf('reference:secure', language, 'token');
      expect(fileOpen(events, 'token.key')).toMatchObject({ access: 'write', create: true, exclusive: true, ok: true });
      expect(fileOpen(events, 'token.log')).toMatchObject({ access: 'write', create: true, exclusive: false, ok: true });
      expect(fileOpen(events, 'a.txt')).toMatchObject({ access: 'read', create: false, exclusive: false, ok: true });
    });

    test('the insecure reference: a weak generator, and a create that may overwrite', () => {
      const events = eventsOf('reference:insecure', language, 'token');
      expect(events.find((e) => e.type === 'crypto')).toMatchObject({ algorithm: 'random' });
      expect(events.some((e) => e.algorithm === 'system-random')).toBe(false);
      expect(fileOpen(events, 'token.key')).toMatchObject({ access: 'write', create: true, exclusive: false });
    });
  });

  test('the cases every detector of a case names fire together (file outside + matches, sql tainted + contains, exec any + matches + tainted)', () => {
    for (const language of LANGUAGES) {
      const ev = (id: string) => readEvidence(project, line('reference:insecure', language, id).runId, line('reference:insecure', language, id).evidenceRef!) as { hits: { detector: string; message: string }[] };
      expect(ev('file').hits.length).toBeGreaterThanOrEqual(2);
      expect(ev('sql').hits.map((h) => h.message).join(' ')).toMatch(/appears in the SQL text[\s\S]*contains/);
      expect(ev('exec').hits.map((h) => h.message).join(' ')).toMatch(/process started[\s\S]*matches[\s\S]*spliced into a shell command/);
    }
  });
});
