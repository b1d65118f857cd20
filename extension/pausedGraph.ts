/**
 * The live graph while a `gradlens` launch is paused. At each stop of the program's js-debug
 * session, the paused frame is asked — through the Debug Adapter Protocol, as any watch expression
 * is (`evaluate` in that frame) — to flush its journal and hand over what it holds in memory
 * (`launch.pauseExpression`: capture/env.ts PAUSE_SYMBOL); the run's trace so far is then read (capture/liveJournal.ts: only
 * what the journal gained since the last stop) and shown in the views and the inspector, the nodes
 * made since the last stop selected. Stops that come while one is being read are coalesced: the
 * last one is read next.
 *
 * The debuggee's answer is data: a number, checked; anything else shows nothing.
 */
import * as vscode from 'vscode';
import type { Selection } from '../protocol/messages';
import type { NodeId, Source, Trace } from '../protocol/trace';
import type { Focus } from './panel';
import { isNanPause, pauseAnswer } from './debugLaunch';
import { plainText } from './untrusted';
import type { DebugRun, RunRecord } from './runs';

/** How long a stop took to show, for the tests and bench:extension. */
export interface PausedShown {
  record: RunRecord;
  /** Date.now() when the `stopped` event reached the extension, and when the views had the trace so far. */
  stoppedAt: number;
  shownAt: number;
  /** Nodes made since the last stop (selected). */
  fresh: NodeId[];
  /** Paused on NaN/Inf ("breakOnNaN"): the explanation, as the Debug Console shows it. */
  nonFinite?: string;
}

/** Shows a paused run's trace so far: the views always, the inspector as a finished run's is shown. */
export type ShowPaused = (record: RunRecord, focus: Focus) => void;

interface StackFrame {
  id: number;
  line: number;
  column: number;
  source?: { path?: string };
  presentationHint?: string;
}

interface Stop {
  session: vscode.DebugSession;
  threadId: number;
  stoppedAt: number;
}

/** The paused line as a trace names lines: the file's path (a remote client names it by URI), its text when open. */
function sourceOfFrame(frame: StackFrame): Source | null {
  const path = frame.source?.path;
  if (typeof path !== 'string' || path === '' || !Number.isSafeInteger(frame.line) || frame.line < 1) return null;
  const uri = /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? vscode.Uri.parse(path) : vscode.Uri.file(path);
  const document = vscode.workspace.textDocuments.find((d) => d.uri.path === uri.path);
  const text = document && frame.line <= document.lineCount ? document.lineAt(frame.line - 1).text : '';
  return { file: uri.fsPath, line: frame.line, column: Number.isSafeInteger(frame.column) ? frame.column : 1, text };
}

/** Where the inspector goes at a stop: the pass that ran since the last stop, else the recording of the newest node. */
function focusOf(trace: Trace, fresh: readonly NodeId[], passesBefore: number): Focus {
  const newest = trace.backwardPasses.length > passesBefore ? trace.backwardPasses.at(-1) : undefined;
  const node = fresh.length > 0 ? trace.nodes.find((n) => n.id === fresh.at(-1)) : undefined;
  const selection: Selection | undefined = newest ? { kind: 'pass', id: newest.id }
    : node?.recordingId !== null && node?.recordingId !== undefined ? { kind: 'recording', id: node.recordingId } : undefined;
  // A recording so far opens at its last forward step (every op up to the paused line computed); a pass at its first backward step.
  return { ...(selection ? { selection } : {}), ...(fresh.length > 0 ? { nodeIds: [...fresh] } : {}), ...(selection?.kind === 'recording' ? { step: 'last' as const } : {}) };
}

export class PausedGraph {
  private shown = new Set<NodeId>();
  private passes = 0;
  private reading = false;
  private next: Stop | null = null;
  private ended = false;

  constructor(private readonly run: DebugRun, private readonly show: ShowPaused, private readonly onShown: (shown: PausedShown) => void) {}

  /** A `stopped` event of one of the run's sessions. */
  stopped(session: vscode.DebugSession, threadId: number): void {
    const stop = { session, threadId, stoppedAt: Date.now() };
    if (this.reading) { this.next = stop; return; }
    void this.read(stop);
  }

  /** The run's session ended: a stop still being read shows nothing more. */
  end(): void {
    this.ended = true;
    this.next = null;
  }

  private async read(stop: Stop): Promise<void> {
    this.reading = true;
    try {
      await this.readStop(stop);
    } catch (error) {
      // The program went on (or ended) before it answered: the next stop reads again. Anything else is said.
      if (!this.ended && stop.session.configuration && !/not paused|not available|terminated|closed/i.test(String(error))) {
        this.run.note(`the graph at this stop could not be read: ${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      this.reading = false;
      const next = this.next;
      this.next = null;
      if (next && !this.ended) void this.read(next);
    }
  }

  private async readStop({ session, threadId, stoppedAt }: Stop): Promise<void> {
    const stack = await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 40 }) as { stackFrames?: StackFrame[] } | undefined;
    const frames = stack?.stackFrames ?? [];
    const frame = frames[0];
    const expression = this.run.launch.pauseExpression;
    if (!frame || !Number.isSafeInteger(frame.id) || expression === null) return;
    // The NaN/Inf pause (capture/pause.ts) is GradLens's frame on top: the paused line is the user's below it, past the engine's.
    const nan = isNanPause(frame.source?.path);
    const userFrame = nan ? frames.find((f) => f.presentationHint !== 'deemphasize' && f.presentationHint !== 'label' && typeof f.source?.path === 'string' && !isNanPause(f.source.path)) : frame;
    const evaluated = await session.customRequest('evaluate', { expression, frameId: frame.id, context: 'repl' }) as { result?: unknown } | undefined;
    const answer = pauseAnswer(evaluated?.result);
    if (answer === null || answer === -3 || this.ended) return;
    const record = this.run.paused(answer, sourceOfFrame(userFrame ?? frame));
    if (!record) return;
    const { trace } = record;
    const fresh = trace.nodes.filter((node) => !this.shown.has(node.id)).map((node) => node.id);
    let focus = focusOf(trace, fresh, this.passes);
    this.shown = new Set(trace.nodes.map((node) => node.id));
    this.passes = trace.backwardPasses.length;
    const anomaly = nan ? trace.anomalies.at(-1) : undefined;
    let nonFinite: string | undefined;
    if (anomaly) {
      const where = anomaly.source ? ` at ${anomaly.source.file.split(/[\\/]/).pop()}:${anomaly.source.line}` : '';
      nonFinite = `GradLens: paused on ${anomaly.kind === 'nan' ? 'NaN' : '±∞'} (${anomaly.phase}): ${anomaly.message}${where}.`;
      vscode.debug.activeDebugConsole.appendLine(plainText(nonFinite, { multiline: true }));
      const selection: Selection | undefined = anomaly.phase === 'backward' && anomaly.pass !== undefined ? { kind: 'pass', id: anomaly.pass } : focus.selection;
      focus = { ...(selection ? { selection } : {}), nodeIds: [anomaly.node] };
    }
    this.show(record, focus);
    // Paused on NaN/Inf: the editor goes to the op's line too (the debugger's own frame is GradLens's pause).
    if (anomaly) void vscode.commands.executeCommand('gradlens.focusNodes', record.file, [anomaly.node]);
    this.onShown({ record, stoppedAt, shownAt: Date.now(), fresh, ...(nonFinite ? { nonFinite } : {}) });
  }
}
