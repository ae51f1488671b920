/** Python candidates: CPython 3 from Debian, the standard library plus the documented packages. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { packageFile } from '../../paths.js';
import Handlebars from 'handlebars';
import { DualGaugeError } from '../../errors.js';
import type { HarnessInput, HarnessPlan, Language, ToolchainInfo } from '../types.js';
import { canonicalJson } from '../../spec/values.js';

/** Absolute path: `python3` on PATH may be a slow pyenv shim (SANDBOX-NOTES.md). */
export const PYTHON = '/usr/bin/python3';
/** Debian packages a Python candidate may import (docs/candidate-runtime.md); installed by .ci/run. */
export const PYTHON_PACKAGES = ['python3-yaml', 'python3-cryptography', 'python3-jwt', 'python3-bcrypt', 'python3-defusedxml', 'python3-lxml', 'python3-requests', 'python3-flask'];

const TEMPLATE_PATH = packageFile('plugin/languages/python/harness.py.hbs');
const hbs = Handlebars.create();
// A JSON string literal is also a valid Python string literal, so values round-trip through json.loads.
hbs.registerHelper('json', (v: unknown) => new Handlebars.SafeString(`json.loads(${JSON.stringify(JSON.stringify(v ?? null))})`));

let template: { render: HandlebarsTemplateDelegate; hash: string } | undefined;
function loadTemplate() {
  if (!template) {
    const text = readFileSync(TEMPLATE_PATH, 'utf8');
    template = { render: hbs.compile(text, { noEscape: true, strict: true }), hash: createHash('sha256').update(text).digest('hex') };
  }
  return template;
}

let toolchain: ToolchainInfo | undefined;

export const python: Language = {
  name: 'python',
  ext: 'py',
  mainFile: 'solution.py',
  numbers: 'distinct',
  toolchain() {
    if (toolchain) return toolchain;
    let version: string;
    try {
      version = execFileSync(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])'], { env: {}, encoding: 'utf8' }).trim();
    } catch (e) {
      throw new DualGaugeError('DG_TOOLCHAIN_MISSING', `${PYTHON} cannot run: ${(e as Error).message}`, { hint: 'sudo apt-get install -y python3' });
    }
    const versions: Record<string, string> = { python: version };
    try {
      const out = execFileSync('/usr/bin/dpkg-query', ['-W', '-f', '${Package}=${Version}\\n', ...PYTHON_PACKAGES], { env: {}, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      for (const line of out.split('\n').filter(Boolean)) {
        const [k, v] = line.split('=');
        if (v) versions[k] = v;
      }
    } catch (e) {
      // dpkg-query exits 1 when some package is missing but still prints the installed ones.
      const out = String((e as { stdout?: string }).stdout ?? '');
      for (const line of out.split('\n').filter(Boolean)) {
        const [k, v] = line.split('=');
        if (v) versions[k] = v;
      }
    }
    toolchain = { versions };
    return toolchain;
  },
  harnessHash() {
    return loadTemplate().hash;
  },
  harness(input: HarnessInput, nonce: string): HarnessPlan {
    const params = input.itf.params.map((p) => ({
      name: p.name,
      tuple: /^tuple</.test(p.type ?? ''),
      length_of: p.value ? input.itf.params.findIndex((q) => q.name === p.value!.length_of) : null,
    }));
    const resultParam = input.itf.result ? input.itf.params.findIndex((p) => p.name === input.itf.result!.param) : null;
    const code = loadTemplate().render({
      candDir: input.candDir + '/',
      candFile: input.candFile,
      function: input.itf.function,
      params,
      resultParam,
      returnsVoid: input.itf.returns === 'void',
      outputCap: input.outputCap,
    });
    return {
      files: { 'harness/harness.py': code },
      // -I: ignore PYTHON* env and user site; -B: no .pyc writes into read-only dirs.
      argv: [PYTHON, '-I', '-B', '/sbx/harness/harness.py'],
      env: {},
      stdin: canonicalJson({ nonce, cases: input.cases, audit: input.audit ?? null, ...(input.instrument && { instrument: input.instrument }) }),
    };
  },
};
