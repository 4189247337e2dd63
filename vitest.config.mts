import { defineConfig } from 'vitest/config';

// Three suites run in order by scripts/test.mjs: unit (pure code), integration (real SQLite, keychain,
// loopback servers), e2e (Chromium against host mode; needs `npm run build` first).
export default defineConfig({
  test: {
    projects: [
      {
        // Renderer component and store tests opt into a DOM with `// @vitest-environment happy-dom`.
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
          environment: 'node',
          // A hang detector, not a speed check (npm run bench measures speed): a few tests build 1M-bar or 1,000-row
          // tables and took 6.5 s at a load of 10 on 2 cores.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
