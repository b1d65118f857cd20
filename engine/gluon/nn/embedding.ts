/**
 * `nn.Embedding(inputDim, outputDim)` (gluon.nn, MXNet 2 semantics): each index of the input picks a
 * row of the weight (inputDim, outputDim), over npx.embedding; gradients add up in the rows used.
 *
 * ```ts
 * const embed = new nn.Embedding(10, 4);
 * embed.initialize();
 * embed.call(np.array([[1, 2], [3, 9]])).shape;   // [2, 2, 4]
 * ```
 */
import type { DType } from '../../dtype';
import type { NDArray } from '../../ndarray';
import { embedding } from '../../ops/lookup';
import { checkOptions } from '../../strict';
import { Block, checkInput } from '../block';
import type { Initializer } from '../init';
import type { Parameter } from '../parameter';
import { positiveInteger } from './checks';

export interface EmbeddingLayerOptions {
  /** The weight's dtype (default float32). */
  dtype?: DType;
  weightInitializer?: Initializer | null;
}

export class Embedding extends Block {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly weight: Parameter;

  constructor(inputDim: number, outputDim: number, options: EmbeddingLayerOptions = {}) {
    super();
    const op = 'nn.Embedding';
    checkOptions(op, options, ['dtype', 'weightInitializer']);
    this.inputDim = positiveInteger(op, 'inputDim', inputDim);
    this.outputDim = positiveInteger(op, 'outputDim', outputDim);
    this.weight = this.params.get('weight', {
      shape: [inputDim, outputDim], init: options.weightInitializer ?? null, ...(options.dtype ? { dtype: options.dtype } : {}),
    });
  }

  override forward(x: NDArray): NDArray {
    const indices = checkInput(this, x, [0, 1, 2, 3, 4, 5], 'an array of indices');
    return embedding(indices, this.weight.data(), { inputDim: this.inputDim, outputDim: this.outputDim });
  }

  override describe(): string { return `Embedding(${this.inputDim} -> ${this.outputDim}, ${this.weight.dtype})`; }
}
