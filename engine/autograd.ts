/**
 * The `autograd` namespace, as in MXNet: recording scopes, training/prediction mode, backward,
 * grad and a numeric gradient check.
 *
 * ```ts
 * x.attachGrad();
 * const y = autograd.record(() => x.mul(x).sum());
 * y.backward();           // x.grad = 2x
 * ```
 */
import { checkedNamespace, checkOptions, type ArgumentCounts } from './strict';
import { computeGrads, runBackward, type GradOptions, type HeadGrad } from './backward';
import { engineError } from './errors';
import { gradcheck } from './gradcheck';
import { gradcheckRecorded } from './replay';
import { NDArray, type BackwardOptions } from './ndarray';
import { observer, type ScopeKind } from './observer';
import { autogradState, withMode } from './state';
import type { TapeNode } from './tape';

function scope<T>(kind: ScopeKind, recording: boolean, training: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw engineError(`autograd.${kind}`, 'needs a function to run, e.g. autograd.record(() => ...)');
  const obs = observer.current;
  obs?.scopeEnter?.({ kind, recording, training });
  let result: T | undefined;
  try {
    result = withMode(recording, training, fn);
    if (result instanceof Promise) {
      throw engineError(`autograd.${kind}`, 'the function returned a Promise: scopes are synchronous, so ops after an await would run outside it; compute inside without awaiting');
    }
    return result;
  } finally {
    obs?.scopeExit?.({ kind, recording, training, result });
  }
}

function toList(heads: NDArray | readonly NDArray[]): NDArray[] {
  return heads instanceof NDArray ? [heads] : [...heads];
}

const namespace = {
  /**
   * Runs `fn` with recording on and returns its result: ops on arrays that need gradients are
   * recorded so that `backward` can differentiate them. Training mode unless `trainMode: false`.
   */
  record<T>(fn: () => T, options: { trainMode?: boolean } = {}): T {
    checkOptions('autograd.record', options, ['trainMode']);
    return scope('record', true, options.trainMode ?? true, fn);
  },

  /** Runs `fn` with recording off (prediction mode unless `trainMode: true`). */
  pause<T>(fn: () => T, options: { trainMode?: boolean } = {}): T {
    checkOptions('autograd.pause', options, ['trainMode']);
    return scope('pause', false, options.trainMode ?? false, fn);
  },

  /** Runs `fn` in training mode (dropout active, batchNorm uses batch statistics). */
  trainMode<T>(fn: () => T): T {
    return scope('trainMode', autogradState.recording, true, fn);
  },

  /** Runs `fn` in prediction mode (dropout off, batchNorm uses running statistics). */
  predictMode<T>(fn: () => T): T {
    return scope('predictMode', autogradState.recording, false, fn);
  },

  isRecording(): boolean { return autogradState.recording; },

  isTraining(): boolean { return autogradState.training; },

  /** Backward from several heads at once (their gradients add up in the variables). */
  backward(heads: NDArray | readonly NDArray[], headGrads?: HeadGrad | readonly HeadGrad[], options: BackwardOptions = {}): void {
    const list = toList(heads);
    const grads = headGrads === undefined || headGrads === null ? list.map(() => null)
      : Array.isArray(headGrads) ? headGrads as readonly HeadGrad[] : [headGrads as HeadGrad];
    runBackward('backward', list, grads, options);
  },

  /**
   * The gradients of `heads` with respect to `variables`, without touching `.grad`. With
   * `createGraph: true` the computation is recorded, so the results can be differentiated again.
   */
  grad(heads: NDArray | readonly NDArray[], variables: NDArray | readonly NDArray[], options: GradOptions = {}): NDArray[] {
    return computeGrads(toList(heads), toList(variables), options);
  },

  /** How many recorded ops `array` depends on: the size of the graph backward would walk. */
  countNodes(array: NDArray): number {
    if (!(array instanceof NDArray)) throw engineError('autograd.countNodes', 'needs an NDArray');
    const seen = new Set<TapeNode>();
    const pending = array._node === null ? [] : [array._node];
    while (pending.length > 0) {
      const node = pending.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      for (const parent of node.parents) if (parent !== null) pending.push(parent);
    }
    return seen.size;
  },

  gradcheck,

  /** `gradcheck` of the graph recorded behind `heads`, replayed: call it before `backward`. */
  gradcheckRecorded,
};

/** How many arguments each `autograd` function takes (strict.ts: more is an error, never ignored). */
export const AUTOGRAD_ARGUMENTS: ArgumentCounts<typeof namespace> = {
  record: 2, pause: 2, trainMode: 1, predictMode: 1, isRecording: 0, isTraining: 0,
  backward: 3, grad: 3, countNodes: 1, gradcheck: 3, gradcheckRecorded: 2,
};

export const autograd = checkedNamespace('autograd', namespace, AUTOGRAD_ARGUMENTS);
