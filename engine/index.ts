/**
 * GradLens engine: an autograd library with the semantics of MXNet's `autograd` and `np`.
 *
 * ```ts
 * import { np, autograd } from 'gradlens';
 * const x = np.arange(4);
 * x.attachGrad();
 * const y = autograd.record(() => np.dot(x, x).mul(2));
 * y.backward();
 * console.log(x.grad);   // array([ 0.,  4.,  8., 12.])
 * ```
 */
// Must stay the first import: it marks where the engine's code starts in a bundle (see errors.ts).
import { ENGINE_START_MARK } from './bundle-start';
import { registerEngineRange } from './errors';

export { NDArray, type GradReq, type NestedArray, type BackwardOptions } from './ndarray';
export { np } from './np';
export { npx } from './npx';
export { autograd } from './autograd';
export { gluon } from './gluon/index';
export { init } from './gluon/init';
export type { Block, ParameterDict } from './gluon/block';
export type { Parameter, ParameterOptions } from './gluon/parameter';
export type { Initializer, ParameterKind, XavierOptions } from './gluon/init';
export type { ActivationName, DenseOptions, Sequential, Dense, Activation, Flatten, Dropout } from './gluon/nn/basic';
export type { ConvOptions, PoolOptions } from './gluon/nn/conv';
export type { BatchNormLayerOptions, LayerNormLayerOptions } from './gluon/nn/norm';
export type { EmbeddingLayerOptions } from './gluon/nn/embedding';
export type { RNNOptions, GRUOptions, RecurrentLayerParameters } from './gluon/rnn';
export type {
  Conv1D, Conv2D, MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalAvgPool1D, GlobalAvgPool2D,
} from './gluon/nn/conv';
export type { BatchNorm, LayerNorm } from './gluon/nn/norm';
export type { Embedding } from './gluon/nn/embedding';
export type { RNN, GRU } from './gluon/rnn';
export type { Trainer, TrainerOptions, TrainerParams, OptimizerName } from './gluon/trainer';
export type { Loss, LossOptions, L2Loss, L1Loss, HuberLoss, HuberLossOptions, SigmoidBinaryCrossEntropyLoss, SigmoidBinaryCrossEntropyLossOptions, SoftmaxCrossEntropyLoss, SoftmaxCrossEntropyLossOptions } from './gluon/loss';
export type { Dataset, ArrayDataset, DataLoader, DataLoaderOptions, LastBatch, Sample } from './gluon/data';
export type { BlockEvent } from './observer';
export { GradLensError } from './errors';
export type { DType } from './dtype';
export type { Shape } from './shape';
export type { Operand } from './ops/operand';
export type { Index, IndexItem, NestedIndex } from './indexing/parse';
export type { WriteValue } from './ops/indexing';
export type { WriteEvent } from './observer';
export type { GradOptions, HeadGrad } from './backward';
export type { GradcheckOptions, GradcheckReport, GradcheckInputReport } from './gradcheck';
export type { RecordedGradcheckReport } from './replay';
export type { BatchNormOptions } from './ops/nn';
export type { VarOptions } from './ops/reduce';
export type { NormOrdArgument } from './ops/norm';
export type { PadOptions, PadWidth } from './ops/pad';
export type { PadMode } from './ops/defs/layout';
export type { ConvolutionOptions, PoolingOptions } from './ops/conv';
export type { DTypeOption, ArrayLikeInput } from './ops/creation';
// For tools that watch the engine (GradLens capture): not needed to use the library.
export { setEngineObserver } from './observer';
export type {
  EngineObserver, OpEvent, ScopeEvent, ScopeKind, BackwardStartEvent, BackwardStepEvent, BackwardEndEvent,
  Contribution, LeafGrad, GraphBreakEvent, GraphBreakKind,
} from './observer';
export type { TapeNode } from './tape';
// For hosts that run programs they do not control (GradLens capture sets it in a traced program):
// a cap on the bytes the engine's arrays hold, past which an allocation throws ArrayMemoryError.
export { setMemoryBudget, memoryBudget, ArrayMemoryError, type MemoryBudget } from './memory';
// For tools that summarise every array a program makes (GradLens capture): sums over its values on
// the kernels, or null where the tool's own loop runs.
export { valueSums, anyNonFinite, updateSums, type ValueSums } from './kernels/summaries';
export type { OpName, OpAttrs } from './ops/attrs';
// Which kernels run (WebAssembly SIMD or plain JS, how many threads), and choosing them.
export { kernelInfo, type KernelInfo } from './kernels/info';
export { useKernels, useThreads, type KernelPath } from './kernels/kernelPath';

/** The engine's version, recorded in traces. */
export const version = '0.1.0';

// Must stay last: the end of the engine's code in a bundle.
registerEngineRange(ENGINE_START_MARK, new Error('gradlens engine end'));
