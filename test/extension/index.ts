// The integration-test entry point loaded as `extensionTestsPath` inside a real VS Code extension host,
// by @vscode/test-electron (desktop) and by scripts/vscode/run-extension-tests.mjs (code-server).
// Runs every *.test.js beside it with mocha; MOCHA_GREP (from the environment) selects tests, and
// MOCHA_INVERT=1 runs the tests it does not match instead. Suites that need a workspace-trust state
// are selected this way: the trusted run inverts `Restricted Mode`, the untrusted run greps it.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** Called by the extension host; resolves when every test passed, rejects otherwise. */
export function run(): Promise<void> {
  const grep = process.env.MOCHA_GREP || undefined;
  const invert = process.env.MOCHA_INVERT === '1';
  if (invert && !grep) return Promise.reject(new Error('MOCHA_INVERT=1 needs a MOCHA_GREP to invert'));
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, grep, invert });
  if (grep) console.log(`mocha: only the tests ${invert ? 'not ' : ''}matching '${grep}'`);
  // The workbench forwards console.log's arguments without substituting mocha's %s and %d.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  for (const name of readdirSync(__dirname).sort()) {
    if (name.endsWith('.test.js')) mocha.addFile(join(__dirname, name));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} of the extension tests failed`));
      // A selection that matches nothing would pass without testing anything.
      else if (!runner.stats || runner.stats.tests === 0) reject(new Error(`no extension test ran${grep ? ` (MOCHA_GREP '${grep}'${invert ? ', inverted' : ''})` : ''}`));
      else resolve();
    });
  });
}
