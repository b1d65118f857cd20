// The integration-test entry point loaded as `extensionTestsPath` inside a real VS Code extension host,
// by @vscode/test-electron (desktop) and by scripts/vscode/run-extension-tests.mjs (code-server).
// Runs every *.test.js beside it with mocha; MOCHA_GREP (from the environment) selects tests.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** Called by the extension host; resolves when every test passed, rejects otherwise. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, grep: process.env.MOCHA_GREP || undefined });
  // The workbench forwards console.log's arguments without substituting mocha's %s and %d.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  for (const name of readdirSync(__dirname).sort()) {
    if (name.endsWith('.test.js')) mocha.addFile(join(__dirname, name));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} of the extension tests failed`)) : resolve()));
  });
}
