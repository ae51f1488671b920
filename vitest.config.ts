import { defineConfig } from 'vitest/config';
// The plugin runs from its build (dist/): Node 20 cannot execute .ts, and pool workers load it directly.
import { dualgauge } from './dist/plugin/index.js';

export default defineConfig({
  test: {
    projects: [
      ...dualgauge(),
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'forks' } },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], pool: 'forks', testTimeout: 300_000, hookTimeout: 300_000 } },
    ],
  },
});
