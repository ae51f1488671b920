/** Compiling task.yaml into a Vitest suite module, with a source map from each test back to its case's YAML line. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { packageFile } from '../paths.js';
import { GenMapping, addMapping, setSourceContent, toEncodedMap, type EncodedSourceMap } from '@jridgewell/gen-mapping';
import Handlebars from 'handlebars';
import { loadTask } from './load-task.js';

const TEMPLATE = packageFile('plugin/spec/suite-module.hbs');
// Generated modules import the built runtime: workers load it as plain JavaScript.
const RUNTIME = packageFile('dist/plugin/runtime/suite.js');
const hbs = Handlebars.create();
hbs.registerHelper('json', (v: unknown) => new Handlebars.SafeString(JSON.stringify(v)));
let render: HandlebarsTemplateDelegate | undefined;

export interface CompiledSuite {
  code: string;
  map: EncodedSourceMap;
}

/** Validates the spec (throwing a positioned error) and emits the module. */
export function compileSuite(specFile: string, yamlText: string, root: string): CompiledSuite {
  const task = loadTask(specFile);
  render ??= hbs.compile(readFileSync(TEMPLATE, 'utf8'), { noEscape: true, strict: true });
  const cases = task.cases.map((c) => ({ id: c.id, name: `${c.kind}/${c.id}`, line: c.line, col: c.col }));
  const code = render({ specRel: relative(root, specFile), specFile, runtime: RUNTIME, cases });
  const map = new GenMapping({ file: specFile });
  setSourceContent(map, specFile, yamlText);
  const lines = code.split('\n');
  const header = task.cases[0]?.line ?? 1;
  lines.forEach((line, i) => {
    const m = /^\s*test\((".*?"),/.exec(line);
    const c = m ? cases.find((x) => JSON.stringify(x.name) === m[1]) : undefined;
    // Every generated line maps somewhere in the YAML; each case's line maps to that case.
    addMapping(map, { generated: { line: i + 1, column: 0 }, source: specFile, original: { line: c?.line ?? header, column: (c?.col ?? 1) - 1 } });
    if (c) {
      const at = line.indexOf('new Error');
      if (at >= 0) addMapping(map, { generated: { line: i + 1, column: at }, source: specFile, original: { line: c.line, column: c.col - 1 } });
    }
  });
  return { code, map: toEncodedMap(map) };
}
