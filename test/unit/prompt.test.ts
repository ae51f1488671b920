/**
 * plugin/generation/prompt.ts: the shipped templates rendered for shipped tasks, the template version (the
 * generation cache key's share), per-file overrides and the errors a broken override gives.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DualGaugeError } from '../../plugin/errors.js';
import { promptContext, renderPrompt } from '../../plugin/generation/prompt.js';
import { cpp, cppSignature } from '../../plugin/languages/cpp/index.js';
import { javascript } from '../../plugin/languages/javascript/index.js';
import { python } from '../../plugin/languages/python/index.js';
import type { Language } from '../../plugin/languages/types.js';
import { packageFile } from '../../plugin/paths.js';
import { loadTask } from '../../plugin/spec/load-task.js';
import { interfaceFor, type Task } from '../../plugin/spec/task.js';

const task = (id: string): Task => loadTask(packageFile(`specs/${id}/task.yaml`));
const sql = task('sql-order-search');
const LANGS: Language[] = [python, javascript, cpp];

const tmp = mkdtempSync(join(tmpdir(), 'dg-prompt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
/** A fresh override dir holding the given files (relative path → text). */
function overrides(files: Record<string, string>): string {
  const dir = join(tmp, String(dirs++));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}
function thrown(f: () => unknown): DualGaugeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DualGaugeError);
    return e as DualGaugeError;
  }
  throw new Error('expected an error');
}

describe('the shipped templates', () => {
  test.each(LANGS.map((l) => [l.name, l] as const))('%s: prompt verbatim, name, params, notes, one fenced block', (_, lang) => {
    const { system, user } = renderPrompt(sql, lang);
    const itf = interfaceFor(sql, lang.name);
    expect(user).toContain(sql.prompt.trimEnd());
    expect(user).toContain(itf.function);
    for (const p of itf.params) expect(user).toContain(p.name);
    expect(user).toContain(sql.notes[lang.name]!.trim());
    expect(user).toContain(lang.mainFile);
    expect(user).toContain('single fenced code block');
    expect(system).toContain('single fenced code block');
    // The benchmark measures unprompted security: our own wording never raises it, nor tests.
    const ours = `${system}\n${user.replace(sql.prompt.trimEnd(), '')}`;
    expect(ours).not.toMatch(/secur|vulnerab|saf(e|ety)\b|sanitiz|inject|test/i);
  });

  test('each language gets its own instructions', () => {
    const py = renderPrompt(sql, python).user;
    expect(py).toContain('def search_orders(db_path, field, value):');
    expect(py).toContain('```python');
    expect(py).toContain('- `db_path`: str');
    expect(py).toContain('list[dict[str, Any]]');

    const js = renderPrompt(sql, javascript).user;
    expect(js).toContain('function searchOrders(db_path, field, value)');
    expect(js).toContain('module.exports = { searchOrders };');
    expect(js).toContain('export function searchOrders');
    expect(js).toContain('name the function `searchOrders` instead of `search_orders`');
    expect(js).toContain('```javascript');

    const cc = renderPrompt(sql, cpp).user;
    expect(cc).toContain(
      'std::vector<std::map<std::string, nlohmann::json>> search_orders(const std::string& db_path, const std::string& field, const std::string& value)',
    );
    expect(cc).toContain('<nlohmann/json.hpp>');
    expect(cc).toContain('C++17');
    expect(cc).toContain('```cpp');
    expect(py).not.toContain('instead of');
  });

  test('a task without notes: standard library only, no notes section; void results', () => {
    const t = task('store-api-token');
    expect(t.notes).toEqual({});
    const py = renderPrompt(t, python).user;
    expect(py).toContain('Use only the Python standard library.');
    expect(py).not.toContain('Notes:');
    expect(py).toContain('It returns None.');
    const cc = renderPrompt(t, cpp).user;
    expect(cc).toContain('void store_api_token(const std::string& path, const std::string& token)');
    expect(cc).not.toContain('nlohmann');
    expect(renderPrompt(t, javascript).user).toContain('It returns nothing.');
  });

  test('spec types in each language, out-parameters and derived counts', () => {
    const t: Task = {
      ...sql,
      interface: {
        kind: 'function',
        function: 'fill',
        params: [
          { name: 'items', type: 'list<int>' },
          { name: 'n', value: { length_of: 'items' } },
          { name: 'table', type: 'dict<optional<bytes>>' },
          { name: 'pair', type: 'tuple<string, float>' },
          { name: 'out', type: 'list<bool>' },
        ],
        returns: 'void',
        result: { param: 'out' },
      },
    };
    const types = (l: Language) => promptContext(t, l).params.map((p) => p.type);
    expect(types(python)).toEqual(['list[int]', 'int', 'dict[str, bytes | None]', 'tuple[str, float]', 'list[bool]']);
    expect(types(javascript)).toEqual(['Array<number (an integer)>', 'number (an integer)', 'Record<string, Buffer | null>', '[string, number]', 'Array<boolean>']);
    expect(types(cpp)).toEqual(['std::vector<long long>', 'size_t', 'std::map<std::string, std::optional<std::vector<unsigned char>>>', 'std::pair<std::string, double>', 'std::vector<bool>']);
    // The declaration the C++ adapter compiles against, not a rendering of its own.
    expect(promptContext(t, cpp).signature).toBe(cppSignature(interfaceFor(t, 'cpp')));
    expect(promptContext(t, cpp).signature).toBe(
      'void fill(const std::vector<long long>& items, size_t n, const std::map<std::string, std::optional<std::vector<unsigned char>>>& table, const std::pair<std::string, double>& pair, std::vector<bool>& out)',
    );
    const py = renderPrompt(t, python).user;
    expect(py).toContain('- `n`: int (the length of `items`)');
    expect(py).toContain('content of `out` after the call');
  });
});

describe('template version', () => {
  const builtIn = renderPrompt(sql, python).templateVersion;

  test('16 hex digits, stable, the same for every task of a language, different per language', () => {
    expect(builtIn).toMatch(/^[0-9a-f]{16}$/);
    expect(renderPrompt(sql, python).templateVersion).toBe(builtIn);
    expect(renderPrompt(task('yaml-job-config'), python).templateVersion).toBe(builtIn);
    expect(renderPrompt(sql, javascript).templateVersion).not.toBe(builtIn);
  });

  test('an override of any one file changes it; a byte-identical copy does not', () => {
    const same = overrides({});
    copyFileSync(packageFile('prompts/system.hbs'), join(same, 'system.hbs'));
    expect(renderPrompt(sql, python, { templatesDir: same }).templateVersion).toBe(builtIn);

    const sys = renderPrompt(sql, python, { templatesDir: overrides({ 'system.hbs': 'You write Python.\n' }) });
    expect(sys.templateVersion).not.toBe(builtIn);
    expect(sys.system).toBe('You write Python.\n');
    // The files the dir lacks stay built-in.
    expect(sys.user).toBe(renderPrompt(sql, python).user);

    const partial = renderPrompt(sql, python, { templatesDir: overrides({ 'languages/python.hbs': 'Python, please: {{signature}}\n' }) });
    expect(partial.templateVersion).not.toBe(builtIn);
    expect(partial.user).toContain('Python, please: def search_orders(db_path, field, value):');
    // Only the language used counts: an override of another language's partial leaves python's version alone.
    expect(renderPrompt(sql, python, { templatesDir: overrides({ 'languages/cpp.hbs': 'C++ {{signature}}' }) }).templateVersion).toBe(builtIn);
  });
});

describe('broken overrides', () => {
  test('a typo in a variable names the file and the place', () => {
    const dir = overrides({ 'user.hbs': '{{prompt}}\n{{> language}}\n{{notes}}\nIn {{langauge.label}}.\n' });
    const e = thrown(() => renderPrompt(sql, python, { templatesDir: dir }));
    expect(e.code).toBe('DG_CONFIG_INVALID');
    expect(e.message).toContain(join(dir, 'user.hbs'));
    expect(e.message).toContain('langauge');
    expect(e.place).toMatchObject({ file: join(dir, 'user.hbs'), line: 4 });
  });

  test('an error inside the language partial names the partial, not user.hbs', () => {
    const dir = overrides({ 'languages/javascript.hbs': 'Export {{function}} as {{exportStyle}}.\n' });
    const e = thrown(() => renderPrompt(sql, javascript, { templatesDir: dir }));
    expect(e.message).toContain(join(dir, 'languages', 'javascript.hbs'));
    expect(e.message).toContain('exportStyle');
    expect(e.message).not.toContain('user.hbs');
  });

  test('a syntax error names the file', () => {
    const dir = overrides({ 'system.hbs': 'You are {{#if notes}}helpful.\n' });
    const e = thrown(() => renderPrompt(sql, python, { templatesDir: dir }));
    expect(e.code).toBe('DG_CONFIG_INVALID');
    expect(e.message).toContain(join(dir, 'system.hbs'));
  });

  test('an override that drops the notes, the prompt or the function name is refused', () => {
    const noNotes = overrides({ 'user.hbs': '{{prompt}}\n\n{{> language}}\n' });
    expect(thrown(() => renderPrompt(sql, python, { templatesDir: noNotes })).message).toMatch(/leave out the Python notes/);
    // Without notes in the task, the same template is fine.
    expect(renderPrompt(task('store-api-token'), python, { templatesDir: noNotes }).user).toContain('store_api_token');

    const noPrompt = overrides({ 'user.hbs': '{{task.title}}\n{{> language}}\n{{notes}}\n' });
    expect(thrown(() => renderPrompt(sql, python, { templatesDir: noPrompt })).message).toMatch(/leave out the task prompt/);

    const noName = overrides({ 'user.hbs': '{{prompt}}\n{{notes}}\n' });
    expect(thrown(() => renderPrompt(sql, javascript, { templatesDir: noName })).message).toMatch(/leave out the function name/);
  });

  test('a templates dir that does not exist is an error, not a silent fallback', () => {
    const e = thrown(() => renderPrompt(sql, python, { templatesDir: join(tmp, 'no-such-dir') }));
    expect(e.code).toBe('DG_CONFIG_INVALID');
    expect(e.message).toContain('no-such-dir');
  });
});
