/**
 * The journal's two per-op records, one object type each: a node, and a backward step. The
 * recorder fills them (recorder.ts), the binary journal writes and reads them (journal-binary.ts),
 * and the runner turns them into the trace's nodes and steps (assemble.ts).
 *
 * `Value` is what a tensor is on each side: the program's live `NDArray` while the record is
 * written, its compact picture (`JournalTensor`, tensor.ts) once read back.
 *
 * A field added here fails to compile in the recorder (its reusable record), in the binary layout
 * (`NODE_LAYOUT`/`STEP_LAYOUT` and the decoder) and in the assembly, until each handles it.
 */
import type { NodeId, NodeKind, TraceNode } from '../protocol/trace';
import type { JournalTensor } from './tensor';

/** A node: an op's result, or a leaf the first time it entered a graph. Its shape and dtype are its value's. */
export interface NodeRecord<Value> {
  id: NodeId;
  kind: NodeKind;
  /** The op's name; for a leaf, what made the array (`arange`, an op run outside record, `constant`). */
  op: string;
  /** The ids of its inputs as they were when the op ran. */
  inputs: NodeId[];
  attrs: Readonly<Record<string, unknown>>;
  trainMode: boolean;
  recording: boolean;
  inGraph: boolean;
  /** For variables: how backward treats their gradient; null for every other node. */
  gradReq: NonNullable<TraceNode['gradReq']> | null;
  /** Where in the program it was made: a site id of the JSON journal, null when no user frame was found. */
  site: number | null;
  recordingId: number | null;
  /** For a leaf: the node that was the same array before an in-place write; null otherwise. */
  previous: NodeId | null;
  /** For an op: the path of the gluon block it ran in; null outside blocks. */
  layer: string | null;
  /** For a parameter leaf: its structured name; null otherwise. */
  param: string | null;
  value: Value;
}

/** One step of a backward pass: the gradient that reached `node`, and what its rule gave each input. */
export interface StepRecord<Value> {
  pass: number;
  node: NodeId;
  upstream: Value;
  /** The input is the node's `inputs[index]`: the runner reads it from the node record, it is not written twice. */
  contributions: readonly ContributionRecord<Value>[];
}

export interface ContributionRecord<Value> {
  index: number;
  grad: Value;
}

export type JournalNode = NodeRecord<JournalTensor>;
export type JournalStep = StepRecord<JournalTensor>;

/**
 * `keys`, when they name every field of `R`: an encoding lists its record's fields with it, so a
 * field added to the record is a compile error there (naming the field) until the encoding has it.
 */
export function everyField<R>() {
  return <const K extends readonly (keyof R)[]>(
    keys: K & ([Exclude<keyof R, K[number]>] extends [never] ? unknown : { missingFields: Exclude<keyof R, K[number]> }),
  ): K => keys;
}
