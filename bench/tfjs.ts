/**
 * TensorFlow.js as a reference: tfjs-core with its pure-JavaScript `cpu` backend and its `wasm`
 * backend, loaded offline from the .wasm files that ship in @tensorflow/tfjs-backend-wasm.
 *
 * The benchmark bundle takes tfjs's ES-module build (`mainFields: ['module', 'main']` in
 * scripts/build.mjs): through the CommonJS entry, `register_all_gradients` registers the
 * gradients in a second copy of tfjs-core, and `variableGrads` then fails ("gradient function not
 * found for RealDiv").
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

export { tf };

export type TfBackend = 'cpu' | 'wasm';

/** The folder holding tfjs-backend-wasm's .wasm files, with the trailing separator tfjs expects. */
function wasmFolder(): string {
  // Resolved at run time from the bundle's location (dist/bench/), not bundled.
  const requireHere = createRequire(__filename);
  const pkg = requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(pkg), 'dist') + sep;
}

/** Loads both backends; returns a one-line description of how they run. */
export async function initTfjs(): Promise<string> {
  // Production mode only silences tfjs's warnings, among them the advice to install tfjs-node
  // that the cpu backend prints on first use in Node.js.
  tf.enableProdMode();
  setWasmPaths(wasmFolder());
  for (const backend of ['wasm', 'cpu'] as const) {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend '${backend}' failed to initialise`);
  }
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `tfjs-core ${tf.version_core}; wasm backend: ${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : 'single-threaded'}`;
}

/** Makes `backend` the active one (cheap once initialised). */
export async function useBackend(backend: TfBackend): Promise<void> {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
}
