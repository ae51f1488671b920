/** plugin/generation/extract.ts: from a model's answer to the candidate file or a sample-level outcome. */
import { describe, expect, test } from 'vitest';
import { extractProgram, fencedBlocks, looksLikeRefusal, type Extraction } from '../../plugin/generation/extract.js';
import { cpp } from '../../plugin/languages/cpp/index.js';
import { javascript } from '../../plugin/languages/javascript/index.js';
import { python } from '../../plugin/languages/python/index.js';
import type { Language } from '../../plugin/languages/types.js';

const F = '```';
const block = (info: string, code: string) => `${F}${info}\n${code}${F}\n`;

/** The extracted main file as text; fails the test when extraction failed. */
function code(r: Extraction, lang: Language = python): string {
  expect(r.failure).toBeUndefined();
  expect(Object.keys(r.files!)).toEqual([lang.mainFile]);
  return r.files![lang.mainFile].toString('utf8');
}
const outcome = (r: Extraction) => r.failure?.outcome;

const PY = 'def search_orders(db_path, field, value):\n    return []\n';
const JS = 'function searchOrders(dbPath, field, value) {\n  return [];\n}\nmodule.exports = { searchOrders };\n';
const CPP = '#include <string>\nlong long count_words(const std::string& text) {\n  return 0;\n}\n';

describe('empty answers', () => {
  test.each([null, '', '   \n\t\n', '\uFEFF'])('%j is empty', (answer) => {
    expect(extractProgram(answer, python)).toEqual({ failure: { outcome: 'empty', message: 'the answer is empty' } });
  });

  test('fences holding nothing are empty, not no-code', () => {
    expect(outcome(extractProgram(`Here:\n${block('python', '\n')}`, python))).toBe('empty');
  });
});

describe('fenced blocks', () => {
  test('one tagged block, surrounded by prose: the code is byte-exact and keyed by mainFile', () => {
    const r = extractProgram(`Sure! Here is the function.\n\n${block('python', PY)}\nIt returns a list.`, python);
    expect(code(r)).toBe(PY);
    expect(code(extractProgram(block('cpp', CPP), cpp), cpp)).toBe(CPP);
    expect(Object.keys(extractProgram(block('js', JS), javascript).files!)).toEqual(['solution.js']);
  });

  test('tildes, longer fences, info strings with attributes, lang:file and file names', () => {
    expect(code(extractProgram(`~~~python\n${PY}~~~\n`, python))).toBe(PY);
    // A four-backtick fence holds a line of three backticks.
    const inner = `${PY}# ${F}\nx = """\n${F}\n"""\n`;
    expect(code(extractProgram(`${F}\`py\n${inner}${F}\`\n`, python))).toBe(inner);
    expect(code(extractProgram(block('python title="solution.py"', PY), python))).toBe(PY);
    expect(code(extractProgram(block('javascript:solution.js', JS), javascript), javascript)).toBe(JS);
    expect(code(extractProgram(block('solution.cpp', CPP), cpp), cpp)).toBe(CPP);
    expect(code(extractProgram(block('{.C++}', CPP), cpp), cpp)).toBe(CPP);
  });

  test('language aliases', () => {
    for (const tag of ['python', 'py', 'Python3']) expect(fencedBlocks(block(tag, PY))[0].info).toBe(tag);
    for (const tag of ['js', 'node', 'mjs', 'cjs', 'JavaScript']) {
      const r = extractProgram(`${block('bash', 'npm install better-sqlite3\n')}${block(tag, JS)}`, javascript);
      expect(code(r, javascript)).toBe(JS);
    }
    for (const tag of ['cpp', 'c++', 'cc', 'cxx', 'hpp']) expect(code(extractProgram(`${block('sh', 'g++ x.cpp\n')}${block(tag, CPP)}`, cpp), cpp)).toBe(CPP);
  });

  test('several blocks of the language: the longest one that defines the function wins', () => {
    const usage = 'rows = search_orders("shop.db", "customer", "Alice")\nprint(rows)\n# a long usage example, longer than the definition itself\n'.repeat(3);
    const helper = 'def helper():\n    return 1\n'.repeat(10);
    const short = 'def search_orders(a, b, c):\n    pass\n';
    const answer = `${block('python', usage)}${block('python', PY)}${block('python', helper)}${block('python', short)}`;
    expect(code(extractProgram(answer, python, { functionName: 'search_orders' }))).toBe(PY);
    // Without the function name, the longest block of the language.
    expect(code(extractProgram(answer, python))).toBe(helper);
    // A block that only mentions the name beats one that does not.
    expect(code(extractProgram(`${block('python', helper)}${block('python', usage)}`, python, { functionName: 'search_orders' }))).toBe(usage);
  });

  test('blocks tagged as another language are never chosen when one of the language exists', () => {
    const bash = 'pip install something\n'.repeat(20);
    const json = '{"id": 1, "customer": "Alice", "search_orders": "def search_orders(x):"}\n'.repeat(5);
    const answer = `${block('bash', bash)}${block('python', PY)}${block('json', json)}`;
    expect(code(extractProgram(answer, python, { functionName: 'search_orders' }))).toBe(PY);
    // Even an untagged block that defines the function loses to a tagged one.
    const other = 'def search_orders(a, b, c):\n    pass\n'.repeat(5);
    expect(code(extractProgram(`${block('', other)}${block('py', PY)}`, python, { functionName: 'search_orders' }))).toBe(PY);
  });

  test('untagged blocks are candidates when no block names the language', () => {
    expect(code(extractProgram(`Install:\n${block('bash', 'pip install x\n')}Code:\n${block('', PY)}`, python))).toBe(PY);
    const run = 'node -e "require(\'./solution\').searchOrders()"\n';
    // Among untagged blocks, the one defining the function beats a longer one that does not.
    const long = '// output\n'.repeat(30);
    expect(code(extractProgram(`${block('', long)}${block('', JS)}${block('', run)}`, javascript, { functionName: 'searchOrders' }), javascript)).toBe(JS);
  });

  test('a block tagged otherwise is taken only when it defines the function (C++ written in a ```c block)', () => {
    const answer = `${block('bash', 'g++ -o x solution.cpp\n')}${block('c', CPP)}`;
    expect(code(extractProgram(answer, cpp, { functionName: 'count_words' }), cpp)).toBe(CPP);
    // A bash block alone is never code.
    const r = extractProgram(`Run this:\n${block('bash', 'pip install pyyaml\n')}`, python, { functionName: 'load_job_config' });
    expect(r.failure).toEqual({ outcome: 'no-code', message: 'the answer has no python code block (only bash)' });
    // JSON examples only: no-code.
    expect(outcome(extractProgram(block('json', '{"a": 1}\n'), javascript, { functionName: 'searchOrders' }))).toBe('no-code');
  });

  test('a truncated answer: the unclosed fence runs to the end', () => {
    const cut = 'def search_orders(db_path, field, value):\n    conn = sqlite3.conn';
    const blocks = fencedBlocks(`Here you go:\n${F}python\n${cut}`);
    expect(blocks).toEqual([{ info: 'python', code: cut, unclosed: true }]);
    expect(code(extractProgram(`Here you go:\n${F}python\n${cut}`, python))).toBe(cut);
    // A complete block before it still wins when it is the better candidate.
    expect(code(extractProgram(`${block('python', PY)}Also:\n${F}python\nimport os\n`, python, { functionName: 'search_orders' }))).toBe(PY);
  });

  test('CRLF answers: fences are found and the code keeps its own line endings', () => {
    const crlf = PY.replace(/\n/g, '\r\n');
    const answer = `Here:\r\n\r\n${F}python\r\n${crlf}${F}\r\n\r\nDone.\r\n`;
    expect(code(extractProgram(answer, python))).toBe(crlf);
    expect(code(extractProgram(`${F}python\r\n${crlf}${F}`, python))).toBe(crlf);
  });

  test('a leading BOM is removed from the code, nothing else is touched', () => {
    const odd = '\uFEFFdef search_orders(a,b,c):\t\n  return  []   \n\n\n';
    expect(code(extractProgram(block('python', odd), python))).toBe(odd.slice(1));
    expect(code(extractProgram(`\uFEFF${PY}`, python, { functionName: 'search_orders' }))).toBe(PY);
  });

  test('a fence indented inside a list item: its indentation is removed from the lines', () => {
    const answer = `1. Save this as solution.py:\n\n   ${F}python\n   def f(x):\n       return x\n   ${F}\n`;
    expect(code(extractProgram(answer, python))).toBe('def f(x):\n    return x\n');
  });

  test('inline triple backticks are not fences', () => {
    expect(fencedBlocks('Use ```python``` blocks, e.g. ```x```.')).toEqual([]);
  });
});

describe('answers without fences', () => {
  test('the whole answer when it defines the function in the language', () => {
    expect(code(extractProgram(PY, python, { functionName: 'search_orders' }))).toBe(PY);
    const withImports = `import sqlite3\n\n\nasync def other():\n    pass\n\n${PY}`;
    expect(code(extractProgram(withImports, python, { functionName: 'search_orders' }))).toBe(withImports);
    expect(code(extractProgram(JS, javascript, { functionName: 'searchOrders' }), javascript)).toBe(JS);
    const arrow = 'const searchOrders = async (db, f, v) => [];\nexport { searchOrders };\n';
    expect(code(extractProgram(arrow, javascript, { functionName: 'searchOrders' }), javascript)).toBe(arrow);
    const exp = 'exports.searchOrders = function (db, f, v) { return []; };\n';
    expect(code(extractProgram(exp, javascript, { functionName: 'searchOrders' }), javascript)).toBe(exp);
    const multiline = '#include <string>\n\nstd::vector<std::string>\ncount_words(const std::string& text,\n            int n) noexcept {\n  return {};\n}\n';
    expect(code(extractProgram(multiline, cpp, { functionName: 'count_words' }), cpp)).toBe(multiline);
  });

  test('otherwise no-code: prose, other languages, calls without a definition', () => {
    const prose = 'To search orders, open the database, filter by the field and return the rows.';
    const r = extractProgram(prose, python, { functionName: 'search_orders' });
    expect(outcome(r)).toBe('no-code');
    expect(r.failure!.message).toContain('no fenced code block');
    // Python syntax is not JavaScript.
    expect(outcome(extractProgram(PY.replace('search_orders', 'searchOrders'), javascript, { functionName: 'searchOrders' }))).toBe('no-code');
    // A call is not a definition.
    expect(outcome(extractProgram('if (count_words(text)) {\n  return 1;\n}\n', cpp, { functionName: 'count_words' }))).toBe('no-code');
    expect(outcome(extractProgram('print(search_orders("a", "b", "c"))\n', python, { functionName: 'search_orders' }))).toBe('no-code');
  });
});

describe('refusals', () => {
  const texts = [
    "I can't help with that.",
    'I cannot assist with this request.',
    "I’m sorry, but I can’t write code that reads users' files.",
    'Sorry, but this is not something I will do.',
    'I am unable to provide that implementation.',
    "I'm not able to help with building this.",
    'I must decline this request.',
  ];
  test.each(texts)('%j without code is a refusal', (text) => {
    expect(looksLikeRefusal(text)).toBe(true);
    const r = extractProgram(text, python, { functionName: 'search_orders' });
    expect(r.failure).toMatchObject({ outcome: 'refusal' });
    expect(r.failure!.message).toContain('declines');
  });

  test('ordinary prose is not a refusal', () => {
    for (const t of ['Here is a plan: open the file and read it.', 'The function cannot fail on empty input.', 'I can help with that!'])
      expect(looksLikeRefusal(t)).toBe(false);
  });

  test('an answer with code is never a refusal by its wording', () => {
    const answer = `I'm sorry, but I can't help with the deployment part. Here is the function:\n${block('python', PY)}`;
    expect(code(extractProgram(answer, python))).toBe(PY);
  });

  test('a refusal wording next to a wrong-language block is still a refusal', () => {
    expect(outcome(extractProgram(`I cannot assist with that.\n${block('text', 'n/a\n')}`, python))).toBe('refusal');
  });

  test("the provider's refusal flag wins over everything, even an empty or code-holding answer", () => {
    expect(extractProgram(null, python, { refused: true })).toEqual({ failure: { outcome: 'refusal', message: 'the provider reported a refusal' } });
    expect(outcome(extractProgram('', python, { refused: true }))).toBe('refusal');
    expect(outcome(extractProgram(block('python', 'def search_orders(db_path, fie'), python, { refused: true }))).toBe('refusal');
    expect(outcome(extractProgram(block('python', PY), python, { refused: false }))).toBeUndefined();
  });
});
