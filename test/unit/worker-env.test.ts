/** The pool worker's env is an allowlist (plugin/pool/worker-env.ts): secrets never reach a worker. */
import { describe, expect, test } from 'vitest';
import { workerEnv } from '../../plugin/pool/worker-env.js';

describe('workerEnv', () => {
  const host = {
    PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC', TMPDIR: '/tmp', CI: 'true', NO_COLOR: '1',
    DUALGAUGE_CONFIG: 'x.yaml', VITEST: 'true', VITEST_MODE: 'RUN', NODE_ENV: 'test', TEST: 'true', FORCE_TTY: '',
    OPENAI_API_KEY: 'sk-secret', ANTHROPIC_API_KEY: 'sk-ant', AWS_SECRET_ACCESS_KEY: 'aws', GITHUB_TOKEN: 'ghp',
    NODE_OPTIONS: '--require /tmp/evil.js', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', SSH_AUTH_SOCK: '/run/ssh', MY_PASSWORD: 'pw',
    LD_PRELOAD: '/tmp/x.so', UNDEFINED: undefined,
  };

  test('keeps locale, paths, CI detection, Vitest\'s own variables and DUALGAUGE_*', () => {
    expect(Object.keys(workerEnv(host)).sort()).toEqual(
      ['CI', 'DUALGAUGE_CONFIG', 'FORCE_TTY', 'HOME', 'LANG', 'LC_ALL', 'NODE_ENV', 'NO_COLOR', 'PATH', 'TEST', 'TMPDIR', 'TZ', 'VITEST', 'VITEST_MODE'],
    );
  });

  test('drops API keys, tokens, agent sockets, NODE_OPTIONS and LD_PRELOAD', () => {
    const env = workerEnv(host);
    for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'SSH_AUTH_SOCK', 'MY_PASSWORD', 'LD_PRELOAD']) {
      expect(env).not.toHaveProperty(k);
    }
  });
});
