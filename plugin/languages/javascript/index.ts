/** JavaScript candidates: Node's own runtime, CommonJS or ES modules, plus the documented runtime packages. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { DualGaugeError } from '../../errors.js';
import { packageFile } from '../../paths.js';
import { canonicalJson } from '../../spec/values.js';
import type { CandidateLayout, HarnessInput, HarnessPlan, Language, ToolchainInfo } from '../types.js';

export const NODE = '/usr/bin/node';
/** The read-only node_modules candidates may require (runtime/javascript/package.json), mounted at /sbx/node_modules. */
export const JS_RUNTIME_DIR = packageFile('runtime/javascript/node_modules');

const TEMPLATE_PATH = packageFile('plugin/languages/javascript/harness.cjs.hbs');
const HOOK_PATH = packageFile('plugin/languages/javascript/hook.cjs');
const hbs = Handlebars.create();
hbs.registerHelper('json', (v: unknown) => new Handlebars.SafeString(JSON.stringify(v ?? null)));

let loaded: { render: HandlebarsTemplateDelegate; hook: string; hash: string } | undefined;
function load() {
  if (!loaded) {
    const text = readFileSync(TEMPLATE_PATH, 'utf8');
    const hook = readFileSync(HOOK_PATH, 'utf8');
    loaded = { render: hbs.compile(text, { noEscape: true, strict: true }), hook, hash: createHash('sha256').update(text).update(hook).digest('hex') };
  }
  return loaded;
}

/** ES module syntax at the top level (import/export statements; dynamic import() does not count). */
const ESM = /^\s*(import\s*[\w{*'"]|export\s)/m;

let toolchain: ToolchainInfo | undefined;

export const javascript: Language = {
  name: 'javascript',
  ext: 'js',
  mainFile: 'solution.js',
  numbers: 'numeric',
  toolchain() {
    if (toolchain) return toolchain;
    if (!existsSync(JS_RUNTIME_DIR)) {
      throw new DualGaugeError('DG_TOOLCHAIN_MISSING', `the JavaScript candidate runtime is not installed (${JS_RUNTIME_DIR})`, { hint: 'run ./scripts/setup.sh (it runs npm ci in runtime/javascript)' });
    }
    const version = execFileSync(NODE, ['--version'], { env: {}, encoding: 'utf8' }).trim();
    const lock = JSON.parse(readFileSync(packageFile('runtime/javascript/package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const versions: Record<string, string> = { node: version };
    for (const [key, p] of Object.entries(lock.packages)) if (/^node_modules\/[^/]+$|^node_modules\/@[^/]+\/[^/]+$/.test(key) && p.version) versions[key.slice('node_modules/'.length)] = p.version;
    toolchain = { versions };
    return toolchain;
  },
  harnessHash() {
    return load().hash;
  },
  layout(files): CandidateLayout {
    const main = files['solution.js'];
    if (main !== undefined && ESM.test(main.toString())) {
      const { ['solution.js']: source, ...rest } = files;
      return { files: { ...rest, 'solution.mjs': source }, mainFile: 'solution.mjs' };
    }
    return { files, mainFile: 'solution.js' };
  },
  harness(input: HarnessInput, nonce: string): HarnessPlan {
    const params = input.itf.params.map((p) => ({
      name: p.name,
      length_of: p.value ? input.itf.params.findIndex((q) => q.name === p.value!.length_of) : null,
    }));
    const resultParam = input.itf.result ? input.itf.params.findIndex((p) => p.name === input.itf.result!.param) : null;
    const { render, hook } = load();
    const code = render({
      candFile: input.candFile,
      function: input.itf.function,
      params,
      resultParam,
      returnsVoid: input.itf.returns === 'void',
      outputCap: input.outputCap,
    });
    return {
      files: { 'harness/harness.cjs': code, 'harness/hook.cjs': hook },
      argv: [NODE, '/sbx/harness/harness.cjs'],
      env: {},
      stdin: canonicalJson({ nonce, cases: input.cases, audit: input.audit ?? null, ...(input.instrument && { instrument: input.instrument }) }),
      mounts: [{ host: JS_RUNTIME_DIR, at: '/sbx/node_modules' }],
    };
  },
};
