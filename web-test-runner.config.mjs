// Browser tests: every src/**/*.test.ts outside the Node-only folders, in headless Chromium.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { chromePath, chromeArgs } from './src/testing/chrome.mjs';
import { countReporter } from './src/testing/wtr-count-reporter.mjs';
import { simplePeerAsModule } from './src/testing/wtr-simple-peer.mjs';

export default {
  files: [
    'src/**/*.test.ts',
    '!src/server/**',
    '!src/e2e/**',
    '!src/bench/**',
    '!src/testing/**',
    '!src/testkit/server/**',
    '!src/testkit/e2e/**',
  ],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: chromePath(), headless: true, args: chromeArgs },
    }),
  ],
  plugins: [
    simplePeerAsModule(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countReporter()],
};
