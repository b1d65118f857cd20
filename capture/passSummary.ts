/**
 * Per-pass summaries: for every backward pass, the head's value, each variable's gradient and
 * value statistics — by identity, so `W1` across a training run is one series — with its update
 * ratio since the previous pass, each step's gradient norm and the anomalies found. Computed from
 * the arrays as the pass happens (not from the trace's tensors), so they exist whether or not a
 * pass's tensors are kept.
 *
 * It keeps one copy of each variable's previous value (for ‖Δw‖/‖w‖), in a WeakMap: a variable
 * the program drops is forgotten with it. Relu outputs are counted as the forward makes them (their
 * dead units, for the Training view's curve of them), none of them kept.
 */
import type { NDArray } from 'gradlens';
import type { ActivationSummary, NodeId, PassSummary, TraceNumber, VariableSummary } from '../protocol/trace';
import { perDtypeWith } from './perDtype';
import { encodeNumber } from './tensor';
import { arrayL2, arrayStats, updateRatio } from './valueStats';

type Values = NDArray['_data'];

interface Series {
  id: number;
  /** The value at the series' previous pass. */
  previous: Values | null;
}

/** A relu output's layout: `rows` examples of `units` units of `inner` elements each (row-major). */
interface UnitLayout {
  rows: number;
  units: number;
  inner: number;
}

/**
 * Over a relu output's data in one pass: its exact zeros and its units that are 0 in every row and
 * position. Counted without a branch per element (`+(v !== 0)`: a relu output is about half zeros,
 * a branch on it mispredicts — five times slower on a conv output). NaN is not 0: not dead.
 */
function deadUnits(data: ArrayLike<number>, layout: UnitLayout): { zeros: number; dead: number } {
  const { rows, units, inner } = layout;
  const nonzeros = new Int32Array(units);
  let i = 0;
  if (inner === 1) {
    for (let row = 0; row < rows; row++) for (let unit = 0; unit < units; unit++) nonzeros[unit] += +(data[i++]! !== 0);
  } else {
    for (let row = 0; row < rows; row++) {
      for (let unit = 0; unit < units; unit++) {
        let count = 0;
        const end = i + inner;
        for (; i < end; i++) count += +(data[i]! !== 0);
        nonzeros[unit] += count;
      }
    }
  }
  let dead = 0;
  let nonzero = 0;
  for (let unit = 0; unit < units; unit++) { dead += nonzeros[unit] === 0 ? 1 : 0; nonzero += nonzeros[unit]!; }
  return { zeros: data.length - nonzero, dead: rows === 0 ? 0 : dead };
}

const arrayDeadUnits = perDtypeWith(deadUnits);

/** Units of an output: axis 1 (features of [batch, hidden], channels of [N, C, H, W]) with two axes or more, else each element. */
export function unitLayout(shape: readonly number[]): UnitLayout {
  if (shape.length < 2) return { rows: 1, units: shape.length === 0 ? 1 : shape[0]!, inner: 1 };
  let inner = 1;
  for (let axis = 2; axis < shape.length; axis++) inner *= shape[axis]!;
  return { rows: shape[0]!, units: shape[1]!, inner };
}

/** A relu series' counts in the segment so far. */
interface ActivationCounts {
  summary: ActivationSummary;
  zeros: number;
  elements: number;
}

export interface SummarizedLeaf {
  node: NodeId;
  array: NDArray;
  grad: NDArray;
  param: string | null;
}

export class PassSummarizer {
  private readonly series = new WeakMap<NDArray, Series>();
  private nextSeries = 0;
  private head: TraceNumber | null = null;
  private steps: [NodeId, number | null][] = [];
  private anomalies = 0;
  /** The relu layers of the segment (since the previous pass ended), by series key, in order of first call. */
  private activations = new Map<string, ActivationCounts>();

  /** A pass starts with these heads. */
  start(heads: readonly NDArray[]): void {
    this.head = heads.length === 1 && heads[0]!.size === 1 ? encodeNumber(heads[0]!._data[0]!) : null;
    this.steps = [];
  }

  /** A step of the pass propagated `upstream` from `node` (`l2`: its norm, when the caller has it). */
  step(node: NodeId, upstream: NDArray, l2?: number | null): void {
    this.steps.push([node, l2 === undefined ? arrayL2(upstream) : l2]);
  }

  /** An anomaly (NaN/Inf) was found, in a forward op or a gradient rule. */
  anomaly(): void {
    this.anomalies++;
  }

  /** A recorded relu made `output` (node `node`), in the series `series` (its layer, or its place in the program). */
  activation(series: string, node: NodeId, output: NDArray): void {
    const layout = unitLayout(output.shape);
    const { zeros, dead } = arrayDeadUnits(output, layout);
    const units = output.size === 0 ? 0 : layout.units;
    const counts = this.activations.get(series);
    if (counts === undefined) {
      this.activations.set(series, { summary: { series, node, calls: 1, units, dead, zeroFraction: 0 }, zeros, elements: output.size });
      return;
    }
    counts.summary.calls++;
    counts.summary.units += units;
    counts.summary.dead += dead;
    counts.zeros += zeros;
    counts.elements += output.size;
  }

  /** The pass ended: its summary (and the counters start again for the next pass). */
  finish(leaves: readonly SummarizedLeaf[]): PassSummary {
    const variables = leaves.map((leaf) => this.variable(leaf));
    const activations = [...this.activations.values()].map(({ summary, zeros, elements }) => ({ ...summary, zeroFraction: elements === 0 ? 0 : zeros / elements }));
    const summary: PassSummary = { head: this.head, variables, nodeGradL2: this.steps, anomalies: this.anomalies, activations };
    this.head = null;
    this.steps = [];
    this.anomalies = 0;
    this.activations = new Map();
    return summary;
  }

  private variable({ node, array, grad, param }: SummarizedLeaf): VariableSummary {
    let series = this.series.get(array);
    if (series === undefined) {
      series = { id: this.nextSeries++, previous: null };
      this.series.set(array, series);
    }
    const g = arrayStats(grad);
    const value = array._data;
    const previous = series.previous;
    const same = previous !== null && previous.length === value.length && previous.constructor === value.constructor;
    const ratio = same ? updateRatio(array, { dtype: array.dtype, _data: previous }) : null;
    // The value as it is now, for the next pass: in the copy the series has when it fits.
    if (same) previous.set(value);
    else series.previous = value.slice();
    return {
      series: series.id,
      node,
      param,
      gradL2: g.l2,
      gradMaxAbs: g.min === null || g.max === null ? null : Math.max(Math.abs(g.min), Math.abs(g.max)),
      gradMean: g.mean,
      gradStd: g.std,
      zeroFraction: grad.size === 0 ? 0 : g.zeros / grad.size,
      nan: g.nan,
      inf: g.inf,
      valueL2: arrayL2(array),
      updateRatio: ratio,
    };
  }
}
