// A `gradlens` launch that pauses as js-debug's Node launch (extension/debugLaunch.ts): the bundle
// with the preload and source maps, the map's folder let in, the run's variables kept; and the
// launch attributes checked before anything runs.
import { strict as assert } from 'node:assert';
import type { NodeLaunch } from '../../capture/runner';
import { isNanPause, JS_DEBUG_TYPE, launchProblem, nodeDebugConfiguration, pauseAnswer, RUN_ATTRIBUTE } from '../../extension/debugLaunch';

const launch: NodeLaunch = {
  runtimeExecutable: '/usr/bin/node',
  runtimeArgs: ['--enable-source-maps', '--max-old-space-size=4096', '--require', '/ext/dist/capture-child.js'],
  program: '/tmp/gradlens-abc/program.mjs',
  args: ['--epochs', '2'],
  cwd: '/work/project',
  env: { GRADLENS_CONFIG: '/tmp/gradlens-abc/config.json', __GRADLENS_RUN_TAG: 'f00d' },
  sourceMap: '/tmp/gradlens-abc/program.mjs.map',
  workDir: '/tmp/gradlens-abc',
  journalFd: null,
  tag: 'f00d',
  pauseExpression: 'globalThis[Symbol.for("gradlens.pause")]?.() ?? -3',
};

suite('extension: the debugger\'s Node launch', () => {
  test('js-debug launches the bundle with the preload, its map let in, output from the process itself, the run named', () => {
    const config = nodeDebugConfiguration(launch, { name: 'GradLens: train.ts', env: { LR: '0.1', GRADLENS_CONFIG: '/elsewhere' }, stopOnEntry: true }, 'run-3', '/ext/dist');
    assert.deepEqual(config, {
      type: JS_DEBUG_TYPE,
      request: 'launch',
      name: 'GradLens: train.ts',
      program: '/tmp/gradlens-abc/program.mjs',
      args: ['--epochs', '2'],
      cwd: '/work/project',
      env: { LR: '0.1', GRADLENS_CONFIG: '/tmp/gradlens-abc/config.json', __GRADLENS_RUN_TAG: 'f00d' },
      runtimeExecutable: '/usr/bin/node',
      runtimeArgs: ['--enable-source-maps', '--max-old-space-size=4096', '--require', '/ext/dist/capture-child.js'],
      sourceMaps: true,
      pauseForSourceMap: true,
      outFiles: ['/tmp/gradlens-abc/program.mjs'],
      resolveSourceMapLocations: ['/tmp/gradlens-abc/**'],
      skipFiles: ['<node_internals>/**', '/ext/dist/engine.js', '/ext/dist/capture-child.js'],
      console: 'internalConsole',
      outputCapture: 'std',
      stopOnEntry: true,
      [RUN_ATTRIBUTE]: 'run-3',
    });
    assert.equal(JS_DEBUG_TYPE, 'pwa-node');
  });

  test('stopOnEntry is off unless asked for', () => {
    assert.equal(nodeDebugConfiguration(launch, { name: 'n' }, 'run-1', '/ext/dist').stopOnEntry, false);
  });

  test('the launch attributes: what is well formed passes, the first that is not is named', () => {
    assert.equal(launchProblem({ program: 'a.ts', args: ['x'], cwd: 'sub', env: { A: '1' }, seed: 7, gradcheck: true, stopOnEntry: false, pause: true }), null);
    assert.equal(launchProblem({ program: 'a.ts' }), null);
    assert.equal(launchProblem({ args: 'x' }), '"args" must be a list of strings');
    assert.equal(launchProblem({ args: [1] }), '"args" must be a list of strings');
    assert.equal(launchProblem({ cwd: 3 }), '"cwd" must be a folder\'s path');
    assert.equal(launchProblem({ env: { A: 1 } }), '"env" must map names to strings');
    assert.equal(launchProblem({ env: ['A=1'] }), '"env" must map names to strings');
    assert.equal(launchProblem({ seed: 1.5 }), '"seed" must be a whole number from 0 to 2147483647');
    assert.equal(launchProblem({ seed: -1 }), '"seed" must be a whole number from 0 to 2147483647');
    assert.equal(launchProblem({ seed: 2 ** 31 }), '"seed" must be a whole number from 0 to 2147483647');
    assert.equal(launchProblem({ pause: 'no' }), '"pause" must be true or false');
    assert.equal(launchProblem({ stopOnEntry: 1 }), '"stopOnEntry" must be true or false');
  });

  test('the paused program\'s answer is data: a pass id or -1, -2, -3 as evaluate prints it, anything else none', () => {
    assert.deepEqual(['3', '-1', '-2', '-3', ' 12 ', '0'].map(pauseAnswer), [3, -1, -2, -3, 12, 0]);
    for (const bad of ['-4', '2147483648', '1.5', '"3"', '3; alert(1)', '', 'undefined', 'NaN', '1e3', '12345678901']) assert.equal(pauseAnswer(bad), null, bad);
    for (const bad of [3, null, undefined, {}, ['3']]) assert.equal(pauseAnswer(bad), null, String(bad));
  });

  test('the NaN/Inf pause is told by its file, whatever names the path', () => {
    for (const path of ['/ext/dist/capture-pause.js', 'vscode-remote://host/ext/dist/capture-pause.js', 'C:\\ext\\dist\\capture-pause.js']) assert.equal(isNanPause(path), true, path);
    for (const path of ['/ext/dist/capture-child.js', '/work/capture-pause.ts', 'capture-pause.js.map', undefined, 3]) assert.equal(isNanPause(path), false, String(path));
  });
});
