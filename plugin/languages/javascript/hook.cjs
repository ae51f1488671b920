'use strict';
// DualGauge JavaScript trace hook, preloaded with `node --require` before the candidate loads. It wraps the
// public APIs a candidate reaches (fs, child_process, net, dns, vm, crypto, SQLite drivers, deserializers)
// and records language-neutral events for the case that is running. Observability, not a boundary: the
// sandbox around this process is the boundary.
const fs = require('node:fs');
const path = require('node:path');
const { fileURLToPath } = require('node:url');

const CAND_DIR = '/sbx/cand/';
const RUNTIME_DIR = '/sbx/node_modules/';
const HARNESS_DIR = '/sbx/harness/';
const state = { events: null, seq: 0, depth: 0 };
const realpathSync = fs.realpathSync.native;
const promisifyCustom = require('node:util').promisify.custom;

/** Line of candidate code in the current stack, or null (harness, module loading, library internals only). */
function candidateLine(direct) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const holder = {};
  Error.captureStackTrace(holder, candidateLine);
  Error.stackTraceLimit = limit;
  for (const frame of String(holder.stack).split('\n').slice(1)) {
    if (frame.includes('node:internal/modules/')) return null; // module loading, like Python's importlib
    const m = /(?:file:\/\/)?(\/sbx\/[^\s:()]+):(\d+):\d+\)?\s*$/.exec(frame);
    if (!m) continue;
    if (m[1].startsWith(CAND_DIR)) return Number(m[2]);
    if (m[1].startsWith(HARNESS_DIR)) continue;
    if (direct) return null;
  }
  return null;
}

function record(type, fields, opts = {}) {
  if (state.events === null || state.depth > 0) return null;
  const line = candidateLine(!!opts.direct);
  if (line === null && !opts.always) return null;
  const ev = Object.assign({ seq: ++state.seq, type, line }, fields);
  if (state.events.length < 5000) state.events.push(ev);
  return ev;
}

function toPath(p) {
  if (typeof p === 'number') return null;
  if (p instanceof URL) return fileURLToPath(p);
  if (Buffer.isBuffer(p)) return p.toString('utf8');
  return typeof p === 'string' ? p : null;
}

/** Resolved with symlinks, like Python's os.path.realpath: the longest existing prefix is resolved. */
function resolveReal(p) {
  let abs = path.resolve(p);
  const rest = [];
  for (;;) {
    try {
      return path.join(realpathSync(abs), ...rest.reverse());
    } catch {
      const up = path.dirname(abs);
      if (up === abs) return path.resolve(p);
      rest.push(path.basename(abs));
      abs = up;
    }
  }
}

function accessOf(flags) {
  if (typeof flags === 'number') return flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND) ? 'write' : 'read';
  if (typeof flags === 'string') return /[wax+]/.test(flags) ? 'write' : 'read';
  return 'read';
}

/** Whether an open may create the file (O_CREAT; flags w, a) and whether it must, failing if it exists (O_EXCL; x). */
function createOf(flags) {
  let create = false;
  let exclusive = false;
  if (typeof flags === 'number') {
    create = (flags & fs.constants.O_CREAT) !== 0;
    exclusive = create && (flags & fs.constants.O_EXCL) !== 0;
  } else if (typeof flags === 'string') {
    create = /[wa]/.test(flags);
    exclusive = create && flags.includes('x');
  }
  return { create, exclusive };
}

function fileEvent(type, p, access, extra, nofollow = false) {
  const raw = toPath(p);
  if (raw === null) return null;
  // O_NOFOLLOW: the last component is the link itself, never its target.
  const resolved = nofollow ? path.join(resolveReal(path.dirname(raw)), path.basename(raw)) : resolveReal(raw);
  if (resolved.startsWith(RUNTIME_DIR)) return null; // the runtime's own files (e.g. a wasm module)
  return record(type, Object.assign({ path: resolved, raw, access }, extra));
}

/** Wrap fn so that one event is recorded per call, marked ok when it returns (or settles) without error. */
function wrap(obj, name, describe, mode, nested = false) {
  const orig = obj[name];
  if (typeof orig !== 'function' || orig.__dualgauge) return;
  const wrapped = function (...args) {
    const evs = state.depth === 0 ? [].concat(describe(args) || []) : [];
    state.depth++;
    let result;
    try {
      if (mode === 'callback' && typeof args[args.length - 1] === 'function') {
        const cb = args[args.length - 1];
        args[args.length - 1] = function (err, ...rest) {
          for (const ev of evs) if (ev) ev.ok = !err;
          return cb.call(this, err, ...rest);
        };
      }
      result = orig.apply(this, args);
    } catch (e) {
      for (const ev of evs) if (ev) ev.ok = false;
      throw e;
    } finally {
      state.depth--;
    }
    if (mode === 'promise' && result && typeof result.then === 'function') {
      result.then(() => evs.forEach((ev) => ev && (ev.ok = true)), () => evs.forEach((ev) => ev && (ev.ok = false)));
    } else if (mode === 'sync') {
      for (const ev of evs) if (ev) ev.ok = true;
    }
    return result;
  };
  // Keep the original's own properties (util.promisify.custom on exec/execFile, dns.lookup's promisify args).
  for (const key of Reflect.ownKeys(orig)) {
    if (key === 'prototype' || key === 'length' || key === 'name' || key === promisifyCustom) continue;
    try {
      Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(orig, key));
    } catch {
      /* not configurable */
    }
  }
  const custom = orig[promisifyCustom];
  if (typeof custom === 'function' && !nested) {
    // promisify(exec) calls this, not exec: it must be traced as well.
    const holder = { [name]: custom };
    wrap(holder, name, describe, 'promise', true);
    Object.defineProperty(wrapped, promisifyCustom, { value: holder[name], configurable: true });
  }
  Object.defineProperty(wrapped, '__dualgauge', { value: true });
  Object.defineProperty(wrapped, 'name', { value: orig.name });
  try {
    obj[name] = wrapped;
  } catch {
    /* a frozen export: leave it */
  }
}

// ---------------------------------------------------------------- files
// file.open events say whether the call may create the file (`create`) and whether it fails if it exists (`exclusive`).
const opened = (p, flags, nofollow = false) => fileEvent('file.open', p, accessOf(flags), createOf(flags), nofollow);
const made = (p, exclusive, extra) => fileEvent('file.open', p, 'write', Object.assign({ create: true, exclusive }, extra));
const open = (i, flagsAt) => (a) => opened(a[i], a[flagsAt], typeof a[flagsAt] === 'number' && (a[flagsAt] & fs.constants.O_NOFOLLOW) !== 0);
/** An option (`flag`, `flags` for streams, `recursive`, ...) of an options argument, which may also be an encoding string or a callback. */
const optionOf = (opts, key, fallback) => (opts && typeof opts === 'object' && opts[key] !== undefined ? opts[key] : fallback);
const del = (i) => (a) => fileEvent('file.delete', a[i], 'write');
const list = (i) => (a) => fileEvent('file.list', a[i], 'read');
const chmod = (a) => fileEvent('file.chmod', a[0], 'write', { mode: typeof a[1] === 'number' ? '0' + a[1].toString(8) : String(a[1]) });
const rename = (a) => {
  const to = toPath(a[1]);
  return fileEvent('file.rename', a[0], 'write', to === null ? {} : { to: resolveReal(to) });
};
const fileApis = {
  open: open(0, 1),
  readFile: (a) => opened(a[0], optionOf(a[1], 'flag', 'r')),
  writeFile: (a) => opened(a[0], optionOf(a[2], 'flag', 'w')),
  appendFile: (a) => opened(a[0], optionOf(a[2], 'flag', 'a')),
  truncate: (a) => fileEvent('file.open', a[0], 'write', { create: false, exclusive: false }),
  copyFile: (a) => [opened(a[0], 'r'), made(a[1], typeof a[2] === 'number' && (a[2] & fs.constants.COPYFILE_EXCL) !== 0)],
  cp: (a) => [opened(a[0], 'r'), made(a[1], optionOf(a[2], 'force', true) === false && optionOf(a[2], 'errorOnExist', false) === true)],
  link: (a) => [opened(a[0], 'r'), made(a[1], true)],
  symlink: (a) => made(a[1], true, { target: String(a[0]) }),
  mkdir: (a) => made(a[0], !optionOf(a[1], 'recursive', false)),
  readdir: list(0), opendir: list(0), unlink: del(0), rm: del(0), rmdir: del(0), rename, chmod,
};
for (const [name, describe] of Object.entries(fileApis)) {
  wrap(fs, name, describe, 'callback');
  wrap(fs, `${name}Sync`, describe, 'sync');
  wrap(fs.promises, name, describe, 'promise');
}
wrap(fs, 'createReadStream', (a) => opened(a[0], optionOf(a[1], 'flags', 'r')), 'none');
wrap(fs, 'createWriteStream', (a) => opened(a[0], optionOf(a[1], 'flags', 'w')), 'none');

// ---------------------------------------------------------------- processes
const cp = require('node:child_process');
const proc = (shellOf) => (a) => {
  const [file, args, opts] = [a[0], Array.isArray(a[1]) ? a[1] : [], Array.isArray(a[1]) ? a[2] : a[1]];
  const shell = shellOf(opts);
  const argv = shell ? ['/bin/sh', '-c', [file, ...args].join(' ')] : [String(file), ...args.map(String)];
  return record('proc.exec', { argv, shell, command: shell ? argv[2] : argv.join(' ') });
};
const optShell = (o) => !!(o && typeof o === 'object' && o.shell);
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']) wrap(cp, name, proc(optShell), 'none');
for (const name of ['exec', 'execSync']) wrap(cp, name, proc(() => true), 'none');

// ---------------------------------------------------------------- network (any attempt during a case counts)
const net = require('node:net');
wrap(net.Socket.prototype, 'connect', (a) => {
  // net.connect() hands the socket its arguments already normalized as [[options, callback]].
  const first = Array.isArray(a[0]) ? a[0][0] : a[0];
  const o = first && typeof first === 'object' ? first : { port: first, host: a[1] };
  return record('net.connect', { address: String(o.path || o.host || 'localhost'), port: o.port === undefined ? null : Number(o.port) }, { always: true });
}, 'none');
wrap(net.Server.prototype, 'listen', (a) => record('net.listen', { address: String((a[0] && a[0].host) || a[1] || '0.0.0.0'), port: typeof a[0] === 'object' && a[0] ? a[0].port : a[0] }, { always: true }), 'none');
const dns = require('node:dns');
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6']) {
  wrap(dns, name, (a) => record('net.resolve', { address: String(a[0]), port: null }, { always: true }), 'none');
  wrap(dns.promises, name, (a) => record('net.resolve', { address: String(a[0]), port: null }, { always: true }), 'none');
}

// fetch() (undici, inside Node) connects through its own reference to net: diagnostics_channel sees it.
const dc = require('node:diagnostics_channel');
dc.subscribe('undici:client:beforeConnect', (m) => {
  const p = (m && m.connectParams) || {};
  record('net.connect', { address: String(p.hostname || p.host || ''), port: p.port ? Number(p.port) : null, via: 'fetch' }, { always: true });
});

// ---------------------------------------------------------------- dynamic code: vm here, eval/new Function via the inspector
const vm = require('node:vm');
const src = (i) => (a) => record('code.eval', { source: String(a[i]).slice(0, 2000), via: 'vm' }, { direct: true });
for (const name of ['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction']) wrap(vm, name, src(0), 'none');
const Script = vm.Script;
vm.Script = new Proxy(Script, { construct(target, args, nt) { src(0)(args); return Reflect.construct(target, args, nt); } });
let inspectorSession = null;

/**
 * Whether the candidate's own source could call eval or new Function. Only its own calls are recorded (not a
 * library's), and such a call names `eval`, `Function` or a `constructor` in its source, or hides a name behind
 * a unicode escape. V8's Debugger.enable costs ~50 ms per process (bench:sandbox), so without any of those words
 * it stays off. Building the name at run time (`globalThis['ev' + 'al']`) evades it, like the other evasions
 * of in-process hooks (docs/traces.md).
 */
function candidateMayEval() {
  const words = /\beval\b|\bFunction\b|\bconstructor\b|\\u/;
  const todo = [CAND_DIR];
  try {
    while (todo.length) {
      const dir = todo.pop();
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) todo.push(p);
        else if (e.isFile() && words.test(fs.readFileSync(p, 'latin1'))) return true;
      }
    }
  } catch {
    return true;
  }
  return false;
}

function startEvalTrace() {
  try {
    // Debugger.scriptParsed fires synchronously for every eval and new Function, with the calling stack.
    const inspector = require('node:inspector');
    inspectorSession = new inspector.Session();
    inspectorSession.connect();
    inspectorSession.on('Debugger.scriptParsed', (m) => {
      const p = m.params;
      if (p.url !== '' || state.events === null) return;
      const top = p.stackTrace && p.stackTrace.callFrames && p.stackTrace.callFrames[0];
      if (!top || !String(top.url).includes(CAND_DIR)) return;
      let source = null;
      // In-process sessions answer synchronously, so the source is there before the eval runs.
      inspectorSession.post('Debugger.getScriptSource', { scriptId: p.scriptId }, (err, res) => {
        source = err ? null : String(res.scriptSource).slice(0, 2000);
      });
      state.events.push({ seq: ++state.seq, type: 'code.eval', line: top.lineNumber + 1, via: 'eval', source, length: p.length });
    });
    inspectorSession.post('Debugger.enable');
    // A candidate's `debugger;` statement must not pause the process it shares with this session.
    inspectorSession.post('Debugger.setSkipAllPauses', { skip: true });
  } catch {
    inspectorSession = null;
  }
}
if (candidateMayEval()) startEvalTrace();

// ---------------------------------------------------------------- crypto and randomness
const crypto = require('node:crypto');
const cryptoEvent = (fields) => record('crypto', fields, { direct: true });

/** Size in bytes of a key or salt as passed: a string (in its encoding), bytes, or a secret KeyObject. */
function byteLength(v, encoding) {
  if (typeof v === 'string') return Buffer.byteLength(v, Buffer.isEncoding(encoding) ? encoding : 'utf8');
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v.byteLength;
  if (v instanceof crypto.KeyObject && v.type === 'secret') return v.symmetricKeySize;
  return undefined; // a CryptoKey or something the call refuses: left out
}

// createHmac(algorithm, key[, options]), createCipheriv(algorithm, key, iv[, options]): options.encoding is a string key's.
const keyed = (name, kind, optionsAt) => (a) =>
  cryptoEvent({ algorithm: String(a[0]).toLowerCase(), source: `crypto.${name}`, kind, key_bytes: byteLength(a[1], a[optionsAt] && a[optionsAt].encoding) });
wrap(crypto, 'createHash', (a) => cryptoEvent({ algorithm: String(a[0]).toLowerCase(), source: 'crypto.createHash', kind: 'hash' }), 'none');
wrap(crypto, 'createHmac', keyed('createHmac', 'hmac', 2), 'none');
wrap(crypto, 'createCipheriv', keyed('createCipheriv', 'cipher', 3), 'none');
wrap(crypto, 'createDecipheriv', keyed('createDecipheriv', 'decipher', 3), 'none');
for (const name of ['pbkdf2', 'pbkdf2Sync']) {
  // (password, salt, iterations, keylen, digest[, callback])
  wrap(crypto, name, (a) => cryptoEvent({ algorithm: `pbkdf2-${String(a[4]).toLowerCase()}`, source: `crypto.${name}`, iterations: a[2], salt_bytes: byteLength(a[1]), key_bytes: a[3] }), 'none');
}
// generateKeyPair(type, {modulusLength}) and generateKey(type, {length}): the key size in bits where the call gives it.
for (const name of ['generateKeyPair', 'generateKeyPairSync', 'generateKey', 'generateKeySync']) {
  wrap(crypto, name, (a) => {
    const options = (a[1] && typeof a[1] === 'object' && a[1]) || {};
    return cryptoEvent({ algorithm: String(a[0]).toLowerCase(), source: `crypto.${name}`, kind: 'keygen', key_bits: options.modulusLength ?? options.length });
  }, 'none');
}

// Randomness: Math.random is weak; the crypto module's sources are system-random, named by the API called.
wrap(Math, 'random', () => cryptoEvent({ algorithm: 'random', source: 'Math.random' }), 'none');
for (const name of ['randomBytes', 'randomFill', 'randomFillSync', 'randomUUID', 'randomInt']) {
  wrap(crypto, name, () => cryptoEvent({ algorithm: 'system-random', source: `crypto.${name}` }), 'none');
}
// crypto.getRandomValues, crypto.webcrypto.getRandomValues and globalThis.crypto.getRandomValues all reach this one.
wrap(Object.getPrototypeOf(crypto.webcrypto), 'getRandomValues', () => cryptoEvent({ algorithm: 'system-random', source: 'crypto.getRandomValues' }), 'none');

// ---------------------------------------------------------------- deserialization
const v8 = require('node:v8');
wrap(v8, 'deserialize', () => record('deserialize', { format: 'v8', function: 'v8.deserialize', unsafe: true }, { direct: true }), 'none');

// ---------------------------------------------------------------- packages of the candidate runtime, patched once loaded
// A package is patched when the first of its files loads (require, or import of a CommonJS package), not up
// front: loading all of them in every process cost ~50 ms. Nothing is recorded while it loads and is patched,
// as when it loaded before the candidate.
const Module = require('node:module');
const lazyPackages = [];

/** Call patch(exports, main) once a file of package `name` (as the candidate resolves it) has loaded. */
function onLoad(name, patch) {
  let main;
  try {
    main = require.resolve(name, { paths: ['/sbx/cand'] });
  } catch {
    return;
  }
  const marker = `/node_modules/${name}/`;
  const at = main.lastIndexOf(marker);
  lazyPackages.push({ dir: at < 0 ? path.dirname(main) + '/' : main.slice(0, at + marker.length), main, patch, pending: true });
}

const moduleLoad = Module.prototype.load;
Module.prototype.load = function (filename) {
  const pkg = lazyPackages.find((p) => p.pending && filename.startsWith(p.dir));
  if (!pkg) return Reflect.apply(moduleLoad, this, arguments);
  pkg.pending = false;
  state.depth++;
  try {
    Reflect.apply(moduleLoad, this, arguments);
    pkg.patch(filename === pkg.main ? this.exports : require(pkg.main), pkg.main);
  } finally {
    state.depth--;
  }
};

function sqlEvent(template, params) {
  return record('sql.exec', { template: String(template), params: params === undefined ? [] : params });
}

// better-sqlite3: the text is recorded at prepare (so SQL that fails to compile is seen too), the bound
// parameters when the statement runs.
const statementEvents = new WeakMap();
onLoad('better-sqlite3', (Database) => {
  wrap(Database.prototype, 'exec', (a) => sqlEvent(a[0]), 'none');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql, ...rest) {
    const ev = sqlEvent(sql);
    state.depth++;
    try {
      const stmt = prepare.call(this, sql, ...rest);
      if (ev) statementEvents.set(stmt, ev);
      return stmt;
    } finally {
      state.depth--;
    }
  };
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();
  for (const name of ['run', 'get', 'all', 'iterate']) {
    const orig = Statement[name];
    Statement[name] = function (...params) {
      const bound = params.length === 1 ? params[0] : params;
      const ev = statementEvents.get(this);
      if (ev && ev.bound !== true) Object.assign(ev, { params: bound, bound: true });
      else sqlEvent(this.source, bound);
      state.depth++;
      try {
        return orig.apply(this, params);
      } finally {
        state.depth--;
      }
    };
  }
});

// sql.js: its Database class exists only once initSqlJs() resolves; patch it then.
onLoad('sql.js', (init, main) => {
  const patched = new WeakSet();
  const patch = (SQL) => {
    if (!SQL || !SQL.Database || patched.has(SQL.Database)) return SQL;
    patched.add(SQL.Database);
    for (const name of ['exec', 'run', 'prepare']) wrap(SQL.Database.prototype, name, (a) => sqlEvent(a[0], a[1] === undefined ? [] : a[1]), 'none');
    return SQL;
  };
  const wrappedInit = function (...args) {
    return init.apply(this, args).then(patch);
  };
  Object.assign(wrappedInit, init);
  require.cache[main].exports = wrappedInit;
});

onLoad('node-serialize', (serialize) => wrap(serialize, 'unserialize', () => record('deserialize', { format: 'node-serialize', function: 'unserialize', unsafe: true }, { direct: true }), 'none'));
onLoad('js-yaml', (jsyaml) => {
  // js-yaml 4 loads no functions or classes with its default schema: recorded, not unsafe.
  for (const name of ['load', 'loadAll']) wrap(jsyaml, name, (a) => record('deserialize', { format: 'yaml', function: `js-yaml.${name}`, unsafe: !!(a[1] && a[1].schema && a[1].schema !== jsyaml.DEFAULT_SCHEMA && a[1].schema !== jsyaml.CORE_SCHEMA && a[1].schema !== jsyaml.JSON_SCHEMA && a[1].schema !== jsyaml.FAILSAFE_SCHEMA) }, { direct: true }), 'none');
});

module.exports = { state, candidateLine };
