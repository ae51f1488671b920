/**
 * Every detector fires, with the right evidence, in every language (test/fixtures/detectors): the insecure
 * reference trips each security case's detectors; the secure reference trips none. Task detector-zoo runs in
 * Python and JavaScript; detector-zoo-native in C++ (no eval or object deserialization exists there).
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
};

function line(model: string, language: string, id: string): CaseLine {
  const l = lines.find((x) => x.model === model && x.language === language && x.task === TASK[language] && x.case === id);
  if (!l) throw new Error(`no line for ${model} ${language} ${id}`);
  return l;
}

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

  test('the cases every detector of a case names fire together (file outside + matches, sql tainted + contains, exec any + matches + tainted)', () => {
    for (const language of LANGUAGES) {
      const ev = (id: string) => readEvidence(project, line('reference:insecure', language, id).runId, line('reference:insecure', language, id).evidenceRef!) as { hits: { detector: string; message: string }[] };
      expect(ev('file').hits.length).toBeGreaterThanOrEqual(2);
      expect(ev('sql').hits.map((h) => h.message).join(' ')).toMatch(/appears in the SQL text[\s\S]*contains/);
      expect(ev('exec').hits.map((h) => h.message).join(' ')).toMatch(/process started[\s\S]*matches[\s\S]*spliced into a shell command/);
    }
  });
});
