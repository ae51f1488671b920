// The no-sandbox baseline of bench/sandbox.mjs: a Sandbox (plugin/sandbox/types.ts) that runs the same harness
// plan on the host, as root, without namespaces, cgroups, rlimits or a uid switch. The harnesses hard-code /sbx,
// so each exec gets a private mount namespace (`unshare --mount`) holding only what runOnce asks for: the session
// dir bound read-only at /sbx, its extra read-only mounts, and its tmpfs dirs (/sbx/work, /sbx/out), all from one
// fstab with one `mount -a`, like enter.sh. For benchmarking only: the candidate runs as root on the host.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const { watchExec } = await import(join(import.meta.dirname, '../dist/plugin/sandbox/exec-watch.js'));

/** Mount point of the session dir; created (empty) on the host when missing, see ensureMountPoint. */
const SBX = '/sbx';

/** True when this process made /sbx, so the bench removes it again. */
export function ensureMountPoint() {
  if (process.getuid?.() !== 0) throw new Error('the bare baseline needs root (mount namespaces, a /sbx mount point)');
  if (existsSync(SBX)) return false;
  mkdirSync(SBX, { mode: 0o755 });
  return true;
}

export class BareSandbox {
  backend = 'bare';
  mechanisms = {
    wall: 'a timer in the parent (SIGKILL)',
    cpu: 'none',
    memory: 'none',
    processes: 'none',
    openFiles: 'none',
    output: 'byte counter on stdout+stderr; per-case capture in a size-capped tmpfs',
    disk: 'size-capped tmpfs for /sbx/work and /sbx/out',
    inodes: 'none',
  };

  openSession() {
    return new BareSession();
  }
}

class BareSession {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'dg-bare-'));
    chmodSync(this.dir, 0o755);
  }

  writeFile(rel, data, mode = 0o644) {
    const p = join(this.dir, rel);
    mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
    writeFileSync(p, data, { mode });
    chmodSync(p, mode);
  }

  mkdir(rel) {
    mkdirSync(join(this.dir, rel), { recursive: true, mode: 0o755 });
  }

  exec(req) {
    if (req.audit) throw new Error('the bare baseline has no audit mode');
    const fstab = `${this.dir}.fstab`;
    writeFileSync(fstab, fstabOf(this.dir, req), { mode: 0o600 });
    const env = Object.entries(req.env).map(([k, v]) => `${k}=${v}`);
    const script = '/usr/bin/mount -a -T "$0" && cd "$1" && shift && exec /usr/bin/env -i -- "$@"';
    const child = spawn('/usr/bin/unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, fstab, req.cwd, ...env, ...req.argv], {
      env: {},
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const closed = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(req.stdin ?? '');
    // The same handle bookkeeping as the bubblewrap backend (no cgroups, so no limit events).
    return watchExec(child, req, { closed });
  }

  async close() {
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(`${this.dir}.fstab`, { force: true });
  }
}

/** /sbx first, then what lies under it: mount -a mounts in file order. */
function fstabOf(dir, req) {
  const lines = [`${dir} ${SBX} none bind,ro 0 0`];
  for (const m of req.mounts ?? []) lines.push(`${m.host} ${m.at} none bind${m.writable ? '' : ',ro'} 0 0`);
  for (const t of req.tmpfs ?? []) lines.push(`dg-bare ${t.at} tmpfs size=${t.bytes},mode=0755 0 0`);
  return lines.join('\n') + '\n';
}
