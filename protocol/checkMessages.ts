/**
 * Runtime checks of the messages between the inspector and its host, both ways: TypeScript types
 * say what a message should be, these say whether what arrived is one. Anything else is refused
 * with a reason (the receiver logs it and carries on). The host then checks that the ids a
 * message names exist in the trace it holds (refs.ts).
 */
import type { GraphSelection, HostToWebview, Selection, SourceRef, TextRef, Thresholds, WebviewToHost } from './messages';
import type { PartData, Trace } from './trace';

export type Checked<T> = { ok: true; message: T } | { ok: false; problem: string };

/** The longest message text a webview may send the host to show (an error's words). */
export const MAX_ERROR_TEXT = 4000;
/** The largest export the host will save (characters of base64 or text). */
export const MAX_EXPORT_CHARS = 256 * 1024 * 1024;
/** How many node ids one message may carry. */
export const MAX_NODE_IDS = 100_000;
/** How many parts of a trace one message may ask for or carry. */
export const MAX_PARTS = 100_000;

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isCount = isId;

function fail<T>(problem: string): Checked<T> {
  return { ok: false, problem };
}

/** Names what arrived, briefly, for a log line (never its whole text). */
function describeType(value: unknown): string {
  if (!isObject(value)) return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
  return typeof value.type === 'string' ? `"${value.type.slice(0, 40)}"` : 'a message without a type';
}

function checkGraphSelection(value: unknown): value is GraphSelection {
  return isObject(value) && (value.kind === 'pass' || value.kind === 'recording') && isId(value.id);
}

/** A graph, or the Training view (which names nothing else): a message's, or a command's argument. */
export function checkSelection(value: unknown): value is Selection {
  return checkGraphSelection(value) || (isObject(value) && value.kind === 'training' && value.id === undefined);
}

function checkIds(value: unknown): value is number[] {
  return Array.isArray(value) && value.length <= MAX_NODE_IDS && value.every(isId);
}

export function checkSourceRef(value: unknown): value is SourceRef {
  if (!isObject(value)) return false;
  switch (value.kind) {
    case 'node': case 'pass': case 'recording': return isId(value.id);
    case 'break': case 'anomaly': return isId(value.index);
    case 'error': return true;
    default: return false;
  }
}

const TEXT_FIELDS: Record<TextRef['kind'], readonly string[]> = {
  node: ['op', 'attrs', 'sourceFile', 'sourceText'],
  break: ['message'],
  anomaly: ['message'],
  pass: ['error'],
  error: ['message', 'stack'],
  output: ['stdout', 'stderr'],
};

export function checkTextRef(value: unknown): value is TextRef {
  if (!isObject(value) || typeof value.kind !== 'string' || !Object.hasOwn(TEXT_FIELDS, value.kind)) return false;
  const kind = value.kind as TextRef['kind'];
  if (typeof value.field !== 'string' || !TEXT_FIELDS[kind].includes(value.field)) return false;
  if (kind === 'node' || kind === 'pass') return isId(value.id);
  if (kind === 'break' || kind === 'anomaly') return isId(value.index);
  return true;
}

/** An export's file name: one plain name (no folders, no control characters), with the format's extension. */
export function checkExportName(name: unknown, format: 'png' | 'svg' | 'dot'): name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) return false;
  if (/[\\/:*?"<>|\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]/.test(name) || name.startsWith('.')) return false;
  return name.toLowerCase().endsWith(`.${format}`);
}

/** Whether `value` is a message the inspector may send its host. */
export function checkWebviewMessage(value: unknown): Checked<WebviewToHost> {
  if (!isObject(value) || typeof value.type !== 'string') return fail(`not a message: ${describeType(value)}`);
  const ok = (message: WebviewToHost): Checked<WebviewToHost> => ({ ok: true, message });
  switch (value.type) {
    case 'webview/ready':
      return ok({ type: 'webview/ready' });
    case 'gradcheck/run':
      return ok({ type: 'gradcheck/run' });
    case 'source/reveal':
      return checkSourceRef(value.ref) ? ok({ type: 'source/reveal', ref: value.ref }) : fail('source/reveal: "ref" is not a reference to a node, pass, recording, break, anomaly or the error');
    case 'text/open':
      return checkTextRef(value.ref) ? ok({ type: 'text/open', ref: value.ref }) : fail('text/open: "ref" is not a reference to a text of the trace');
    case 'node/selected':
      return checkIds(value.nodeIds) ? ok({ type: 'node/selected', nodeIds: value.nodeIds }) : fail('node/selected: "nodeIds" is not a list of node ids');
    case 'step/changed': {
      const { selection, view, step, total, nodeIds } = value;
      if (!checkGraphSelection(selection)) return fail('step/changed: "selection" is not a pass or recording');
      if (view !== 'backward' && view !== 'forward') return fail('step/changed: "view" is neither backward nor forward');
      if (!isCount(step) || !isCount(total) || step > total) return fail('step/changed: "step" and "total" are not counts with step ≤ total');
      if (!checkIds(nodeIds)) return fail('step/changed: "nodeIds" is not a list of node ids');
      return ok({ type: 'step/changed', selection, view, step, total, nodeIds });
    }
    case 'export/save': {
      const { format, fileName, data, encoding } = value;
      if (format !== 'png' && format !== 'svg' && format !== 'dot') return fail('export/save: "format" is not png, svg or dot');
      const expected = format === 'png' ? 'base64' : 'utf8';
      if (encoding !== expected) return fail(`export/save: a ${format} export comes as ${expected}`);
      if (!checkExportName(fileName, format)) return fail(`export/save: "fileName" is not a plain .${format} file name`);
      if (typeof data !== 'string' || data.length > MAX_EXPORT_CHARS) return fail('export/save: "data" is not text of a size the host saves');
      if (encoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return fail('export/save: "data" is not base64');
      return ok({ type: 'export/save', format, fileName, data, encoding: expected });
    }
    case 'parts/load':
      return checkParts(value.parts) ? ok({ type: 'parts/load', parts: value.parts }) : fail('parts/load: "parts" is not a list of part numbers');
    case 'run/again-keeping':
      return isId(value.pass) ? ok({ type: 'run/again-keeping', pass: value.pass }) : fail('run/again-keeping: "pass" is not a backward pass id');
    case 'webview/error':
      return typeof value.message === 'string'
        ? ok({ type: 'webview/error', message: value.message.slice(0, MAX_ERROR_TEXT) })
        : fail('webview/error: "message" is not text');
    default:
      return fail(`unknown message type ${describeType(value)}`);
  }
}

function checkParts(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.length <= MAX_PARTS && value.every(isId);
}

function checkThresholds(value: unknown): value is Thresholds {
  const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
  return isObject(value) && positive(value.vanishing) && positive(value.exploding);
}

/**
 * Whether `value` is a message the host may send the inspector. A snapshot's trace is checked
 * apart (validate.ts), where a problem becomes the error screen rather than a dropped message.
 */
export function checkHostMessage(value: unknown): Checked<HostToWebview> {
  if (!isObject(value) || typeof value.type !== 'string') return fail(`not a message: ${describeType(value)}`);
  const ok = (message: HostToWebview): Checked<HostToWebview> => ({ ok: true, message });
  switch (value.type) {
    case 'trace/snapshot': {
      const { trace, selection, focusNode, thresholds } = value;
      if (selection !== undefined && !checkSelection(selection)) return fail('trace/snapshot: "selection" is not a pass, a recording or the Training view');
      if (focusNode !== undefined && !isId(focusNode)) return fail('trace/snapshot: "focusNode" is not a node id');
      if (thresholds !== undefined && !checkThresholds(thresholds)) return fail('trace/snapshot: "thresholds" are not two positive numbers');
      return ok({
        type: 'trace/snapshot', trace: trace as Trace,
        ...(selection !== undefined ? { selection } : {}), ...(focusNode !== undefined ? { focusNode } : {}), ...(thresholds !== undefined ? { thresholds } : {}),
      });
    }
    case 'trace/none':
      return typeof value.message === 'string' ? ok({ type: 'trace/none', message: value.message }) : fail('trace/none: "message" is not text');
    case 'node/focus':
      return checkIds(value.nodeIds) ? ok({ type: 'node/focus', nodeIds: value.nodeIds }) : fail('node/focus: "nodeIds" is not a list of node ids');
    case 'step/move':
      return value.to === 'next' || value.to === 'previous' || value.to === 'first' || value.to === 'last'
        ? ok({ type: 'step/move', to: value.to }) : fail('step/move: "to" is not next, previous, first or last');
    case 'selection/set':
      return checkSelection(value.selection) ? ok({ type: 'selection/set', selection: value.selection }) : fail('selection/set: "selection" is not a pass, a recording or the Training view');
    case 'view/accessible':
      return ok({ type: 'view/accessible' });
    case 'graph/focus':
      return ok({ type: 'graph/focus' });
    case 'settings/thresholds':
      return checkThresholds(value.thresholds) ? ok({ type: 'settings/thresholds', thresholds: value.thresholds }) : fail('settings/thresholds: not two positive numbers');
    case 'parts/data':
      // Each part is checked against the trace the inspector holds when it arrives (validateParts.ts).
      return Array.isArray(value.parts) && value.parts.length <= MAX_PARTS ? ok({ type: 'parts/data', parts: value.parts as PartData[] }) : fail('parts/data: "parts" is not a list');
    case 'parts/failed':
      return checkParts(value.parts) && typeof value.problem === 'string'
        ? ok({ type: 'parts/failed', parts: value.parts, problem: value.problem.slice(0, MAX_ERROR_TEXT) })
        : fail('parts/failed: "parts" is not a list of part numbers or "problem" is not text');
    default:
      return fail(`unknown message type ${describeType(value)}`);
  }
}
