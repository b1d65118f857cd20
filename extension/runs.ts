/**
 * Running the user's file with capture, from VS Code: only in a trusted workspace, saved first,
 * with a progress notification whose Cancel kills the program, its output in the GradLens output
 * channel, the result in the status bar, and the trace kept (in memory and in the extension's
 * storage) for the inspector, the lenses, the views and the Problems panel.
 */
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Selection } from '../protocol/messages';
import { describeRunEnd } from '../protocol/query/outcome';
import type { Source, Trace } from '../protocol/trace';
import type * as Runner from '../capture/runner';
import type { RunResult } from '../capture/runner';
import type { TraceFileParts } from '../capture/readTraceFile';
import { writeTraceFile } from '../capture/traceFile';
import { readSettings } from './config';
import { Disposable } from './dispose';
import { nodeCount } from './heldParts';
import { notify } from './notify';
import { plainText, safe } from './untrusted';

export interface RunRecord {
  /** The program's file (fsPath). */
  file: string;
  /** The version of its open document when it ran (lenses and inline values go stale after an edit). */
  documentVersion: number | null;
  /**
   * The trace: whole, or — opened from a big file in parts (openTrace.ts) — its head with the
   * parts of its last graph (the other passes' nodes and tensors are not in it, their summaries are).
   */
  trace: Trace;
  /** The reader of the other parts of a trace opened in parts (the inspector loads them through it). */
  fileParts?: TraceFileParts;
  result: Pick<RunResult, 'exitCode' | 'timedOut' | 'cancelled' | 'durationMs' | 'error'>;
  /** Where the trace was saved. */
  tracePath: string | null;
  /** What a lens asked to see (a recording or backward pass at the lens's line). */
  focus: Selection | null;
  /**
   * Where the trace came from: a run in this window (its files are the program's own), or a file
   * read back (Open Trace File…, a restored panel) — data whose paths are checked before use.
   */
  origin: 'run' | 'file';
}

/** Where the last trace shown was kept (workspace state), and whether a run here made it. */
export interface LastTrace {
  path: string;
  origin: RunRecord['origin'];
}

const LAST_TRACE = 'gradlens.lastTrace';

/** A run asked for: Re-run Last asks again (with a new seed, keeping what the budget keeps). */
export interface LastRequest {
  uri: vscode.Uri;
  line: number | null;
  args?: readonly string[];
}

export class Runs extends Disposable {
  private readonly byFile = new Map<string, RunRecord>();
  private latest: RunRecord | null = null;
  private lastRequest: LastRequest | null = null;
  private active: AbortController | null = null;
  private readonly changed = this.register(new vscode.EventEmitter<RunRecord>());
  /** Fires after every run, and when a trace file is opened. */
  readonly onDidRun = this.changed.event;
  readonly output = this.register(vscode.window.createOutputChannel('GradLens'));
  private readonly status = this.register(vscode.window.createStatusBarItem('gradlens.lastRun', vscode.StatusBarAlignment.Left, 10));

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.status.name = 'GradLens: last run';
    this.status.command = 'gradlens.openInspector';
  }

  /** The last run of `file`, or the last run of all. */
  last(file?: string): RunRecord | null {
    return file ? this.byFile.get(file) ?? null : this.latest;
  }

  get running(): boolean {
    return this.active !== null;
  }

  /**
   * Runs the file with capture. `line`: the line of the lens clicked (0-based), to focus the
   * recording or backward pass made there. `gradcheck`: also check every backward pass numerically.
   * Resolves with the record, or null when it did not run.
   */
  async run(uri: vscode.Uri, line: number | null = null, options: RunOptions = {}): Promise<RunRecord | null> {
    if (refusedUntrusted()) return null;
    if (this.active) {
      void notify('info', 'GradLens is already running a program: cancel it first (the progress notification) or wait.');
      return null;
    }
    const document = await savedDocument(uri);
    this.lastRequest = { uri, line, ...(options.args ? { args: options.args } : {}) };
    const file = uri.fsPath;
    const name = basename(file);
    this.starting(uri, options);
    const abort = new AbortController();
    this.active = abort;
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: options.progressTitle ?? safe.notification`GradLens: ${options.gradcheck ? 'checking' : 'computing'} gradients of ${name}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          progress.report({ message: 'running…' });
          return loadRunner().runProgram({
            ...this.runnerOptions(uri, options),
            timeoutMs: readSettings(uri).timeoutSeconds * 1000,
            signal: abort.signal,
            onStdout: (chunk) => { this.output.append(chunk); options.onOutput?.(chunk, 'stdout'); },
            onStderr: (chunk) => { this.output.append(chunk); options.onOutput?.(chunk, 'stderr'); },
          });
        },
      );
      return this.recordResult(uri, document, line, result);
    } catch (error) {
      this.couldNotRun(name, error);
      return null;
    } finally {
      this.active = null;
    }
  }

  /**
   * Prepares the file for a debugger to run (extension/debug.ts): bundled, configured, its journal
   * created — trusted workspace and saved file first, as for `run` — and, once the debugger's
   * process ended, `finish` records its result as every run's. Resolves with null when it cannot
   * run (said in a notification), or with the result of a run that ended before it started (a build error).
   */
  async prepareDebug(uri: vscode.Uri, options: RunOptions & { cwd?: string }): Promise<DebugRun | RunRecord | null> {
    if (refusedUntrusted()) return null;
    const document = await savedDocument(uri);
    this.lastRequest = { uri, line: null, ...(options.args ? { args: options.args } : {}) };
    const name = basename(uri.fsPath);
    this.starting(uri, options);
    try {
      const prepared = await loadRunner().prepareRun({
        ...this.runnerOptions(uri, options),
        ...(options.cwd ? { cwd: options.cwd } : {}),
        onStderr: (chunk) => { this.output.append(chunk); options.onOutput?.(chunk, 'stderr'); },
      }, 'path');
      if (!prepared.ok) return this.recordResult(uri, document, null, prepared.result);
      const { run } = prepared;
      return {
        file: uri.fsPath,
        launch: run.launch,
        seed: run.seed,
        output: (text, category) => { this.output.append(text); (category === 'stdout' ? run.stdout(text) : run.stderr(text)); },
        paused: (answer, at) => this.recordPaused(uri, document, run, answer, at),
        nodeOfExpression: (expression) => run.nodeOfExpression(expression),
        note: (text) => this.output.appendLine(`⚠ ${plainText(text)}`),
        finish: () => this.recordResult(uri, document, null, run.finish()),
        discard: () => run.discard(),
      };
    } catch (error) {
      this.couldNotRun(name, error);
      return null;
    }
  }

  /** What every run of `uri` gives the runner: the settings, and what the caller asked for. */
  private runnerOptions(uri: vscode.Uri, options: RunOptions): Runner.RunOptions {
    const settings = readSettings(uri);
    const file = uri.fsPath;
    return {
      file,
      capture: true,
      distDir: join(this.context.extensionPath, 'dist'),
      cwd: vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? join(file, '..'),
      maxElements: options.maxElements ?? settings.maxElements,
      maxTraceMb: options.maxTraceMb ?? settings.maxTraceMb,
      ...(options.args ? { args: options.args } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.breakOnNaN ? { breakOnNaN: true } : {}),
      ...(options.keep ? { keep: options.keep } : {}),
      ...(settings.maxMemoryMb !== null ? { maxMemoryMb: settings.maxMemoryMb } : {}),
      memoryAdvice: 'Raise it with the gradlens.maxMemoryMb setting, or free arrays you no longer need.',
      ...(settings.nodePath ? { nodePath: settings.nodePath } : {}),
      ...(options.gradcheck ? { gradcheck: { elements: settings.gradcheckElements } } : {}),
    };
  }

  /** A run begins: its line in the output channel, the spinning status. */
  private starting(uri: vscode.Uri, options: RunOptions): void {
    const file = uri.fsPath;
    this.output.appendLine(safe.plain`▶ ${[file, ...(options.args ?? [])].join(' ')}${options.keep?.length ? ` (keeping passes ${options.keep.map(([a, b]) => (a === b ? `#${a + 1}` : `#${a + 1}–#${b + 1}`)).join(', ')})` : ''}`);
    this.status.text = safe.icons`$(sync~spin) GradLens: ${basename(file)}`;
    this.status.show();
  }

  private couldNotRun(name: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.output.appendLine(`✗ ${plainText(message, { multiline: true })}`);
    this.status.text = safe.icons`$(error) GradLens: ${name}`;
    void notify('error', safe.notification`GradLens could not run ${name}: ${message}`);
  }

  /** A run's result becomes its record: saved, remembered (views, lenses, Problems), its failure notified. */
  private recordResult(uri: vscode.Uri, document: vscode.TextDocument | undefined, line: number | null, result: RunResult): RunRecord {
    const file = uri.fsPath;
    const name = basename(file);
    const trace = result.trace!;
    const record: RunRecord = {
      file,
      documentVersion: versionOf(uri, document),
      trace,
      result: { exitCode: result.exitCode, timedOut: result.timedOut, cancelled: result.cancelled, durationMs: result.durationMs, ...(result.error ? { error: result.error } : {}) },
      tracePath: this.save(trace, name),
      focus: line === null ? null : focusAt(trace, file, line),
      origin: 'run',
    };
    for (const warning of result.warnings) this.output.appendLine(`⚠ ${plainText(warning)}`);
    this.output.appendLine(`■ ${plainText(summary(record), { multiline: true })}`);
    this.remember(record);
    if (result.error && !result.cancelled) {
      const where = result.error.source ? ` (${basename(result.error.source.file)}:${result.error.source.line})` : '';
      const verb = result.timedOut ? 'timed out' : 'failed';
      void notify('error', safe.notification`GradLens: ${name} ${verb}${where}: ${result.error.message}`, 'Show Output').then((choice) => {
        if (choice) this.output.show(true);
      });
    }
    return record;
  }

  /**
   * The trace so far of a paused debug run becomes the file's record — the views, lenses, inline
   * values and the inspector show it — but it is not saved, nor kept as the trace to show after a
   * reload: the run's end replaces it.
   */
  private recordPaused(uri: vscode.Uri, document: vscode.TextDocument | undefined, run: Runner.PreparedRun, answer: number, at: Source | null): RunRecord | null {
    const read = run.pausedTrace(answer, at);
    if (!read) return null;
    for (const warning of read.warnings) this.output.appendLine(`⚠ ${plainText(warning)}`);
    const { trace } = read;
    const record: RunRecord = {
      file: uri.fsPath,
      documentVersion: versionOf(uri, document),
      trace,
      result: { exitCode: null, timedOut: false, cancelled: false, durationMs: trace.run.durationMs },
      tracePath: null,
      focus: null,
      origin: 'run',
    };
    this.byFile.set(record.file, record);
    this.latest = record;
    this.status.text = safe.icons`$(debug-pause) GradLens: ${basename(record.file)}`;
    this.status.tooltip = plainText(summary(record), { multiline: true });
    this.status.show();
    this.changed.fire(record);
    return record;
  }

  /** The file, lens line and arguments of the last run asked for (Re-run Last runs it again); a refused run leaves none. */
  get lastRequested(): LastRequest | null {
    return this.lastRequest;
  }

  /** Stops the running program, if any. */
  cancel(): void {
    this.active?.abort();
  }

  /**
   * Adopts a trace read from a file (Open Trace File…), or the last one again after a window reload;
   * `fileParts`: the reader of the file's other parts, when it was opened in parts.
   */
  adopt(trace: Trace, tracePath: string, origin: RunRecord['origin'] = 'file', fileParts?: TraceFileParts): RunRecord {
    const record: RunRecord = {
      file: trace.run.file, documentVersion: null, trace, tracePath, focus: null, origin, ...(fileParts ? { fileParts } : {}),
      result: { exitCode: trace.run.exitCode, timedOut: trace.run.timedOut, cancelled: false, durationMs: trace.run.durationMs, ...(trace.run.error ? { error: trace.run.error } : {}) },
    };
    this.remember(record);
    return record;
  }

  private remember(record: RunRecord): void {
    this.byFile.set(record.file, record);
    this.latest = record;
    const failed = record.result.error && !record.result.cancelled;
    this.status.text = `${failed ? '$(error)' : '$(pass)'} ${safe.icons`GradLens: ${basename(record.file)}`}`;
    this.status.tooltip = plainText(summary(record), { multiline: true });
    this.status.show();
    void this.context.workspaceState.update(LAST_TRACE, record.tracePath ? { path: record.tracePath, origin: record.origin } satisfies LastTrace : undefined);
    this.changed.fire(record);
  }

  /**
   * The trace shown last, to show again after a window reload: a run's trace is trusted as a run's
   * only when it is still where this extension saved it, any other is a trace read from a file.
   */
  lastSaved(): LastTrace | null {
    const saved = this.context.workspaceState.get<unknown>(LAST_TRACE);
    const path = typeof saved === 'string' ? saved : typeof saved === 'object' && saved !== null && typeof (saved as LastTrace).path === 'string' ? (saved as LastTrace).path : null;
    if (!path) return null;
    const ours = typeof saved === 'object' && (saved as LastTrace).origin === 'run' && dirname(path) === this.tracesFolder();
    return { path, origin: ours ? 'run' : 'file' };
  }

  private tracesFolder(): string {
    return join((this.context.storageUri ?? this.context.globalStorageUri).fsPath, 'traces');
  }

  /** Keeps the trace in the extension's storage (the inspector reopens it after a reload); a failed write keeps the last one. */
  private save(trace: Trace, name: string): string | null {
    try {
      const dir = this.tracesFolder();
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}.gradlens.json`);
      writeTraceFile(trace, path);
      return path;
    } catch (error) {
      this.output.appendLine(`(the trace could not be saved: ${error instanceof Error ? error.message : String(error)})`);
      return null;
    }
  }
}

/** A run a debugger starts: what its Node launch is, its output as the debugger sees it, and its end. */
export interface DebugRun {
  /** The program's file (fsPath). */
  file: string;
  launch: Runner.NodeLaunch;
  seed: number;
  /** The program's output, from the debugger's output events: kept in the trace and the output channel. */
  output(text: string, category: 'stdout' | 'stderr'): void;
  /**
   * The program is paused and answered the debugger (`answer`: env.ts PAUSE_SYMBOL) at `at`: its
   * trace so far, shown as the file's record until the next stop or the end. Null: none to show.
   */
  paused(answer: number, at: Source | null): RunRecord | null;
  /** What to evaluate in the paused frame for the node id of the value of `expression`, or null. */
  nodeOfExpression(expression: string): string | null;
  /** Something GradLens noticed about the run, for its output channel. */
  note(text: string): void;
  /** After the debugger's process ended: the run recorded as every run is. */
  finish(): RunRecord;
  /** The debugger did not start it: its files removed. */
  discard(): void;
}

/** In Restricted Mode a run is refused: says why and offers the way out, without keeping the caller waiting. */
export function refusedUntrusted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  const manage = 'Manage Workspace Trust';
  void notify('warning', 'GradLens runs your program, which is not allowed in Restricted Mode. Trust this workspace to compute gradients.', manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return true;
}

/** The version of the file's open document when it ran (null: not open). */
function versionOf(uri: vscode.Uri, document: vscode.TextDocument | undefined): number | null {
  return document?.version ?? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.version ?? null;
}

/** The file's open document, saved first: the run reads what the editor shows. */
async function savedDocument(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (document?.isDirty) await document.save();
  return document;
}

/** How a run is asked for, beyond the file and the lens line. */
export interface RunOptions {
  /** Also check every backward pass numerically. */
  gradcheck?: boolean;
  /** The program's arguments (a run traced again with those of its trace). */
  args?: readonly string[];
  /** The engine's random seed (default: a new one). */
  seed?: number;
  /** A run the debugger starts: pause at the first op that produces NaN or ±∞. */
  breakOnNaN?: boolean;
  /** Backward passes to keep whole whatever they cost, by id, as ranges [first, last]. */
  keep?: readonly [number, number][];
  /** Limits instead of the settings' (a run traced again with its trace's own). */
  maxTraceMb?: number;
  maxElements?: number;
  /** The progress notification's title, built with `safe.notification` (default: "computing gradients of …"). */
  progressTitle?: string;
  /** The program's output as it arrives (besides the output channel): the debugger's console. */
  onOutput?(text: string, category: 'stdout' | 'stderr'): void;
}

/**
 * The capture runner, from its own bundle next to this one (dist/capture-runner.js), loaded on the
 * first run: activation does not pay for the bundler glue, the parser and the trace assembly.
 */
let runner: typeof Runner | null = null;

function loadRunner(): typeof Runner {
  runner ??= require('./capture-runner.js') as typeof Runner;
  return runner;
}

/** Ends every program still running and removes its files (the extension is deactivated). */
export function endAllRuns(): void {
  runner?.endAllRuns();
}

/** One line about a run: what it recorded, or how it failed. */
export function summary(record: RunRecord): string {
  const { trace, result } = record;
  const what = `${trace.recordings.length} recording${trace.recordings.length === 1 ? '' : 's'}, ${trace.backwardPasses.length} backward pass${trace.backwardPasses.length === 1 ? '' : 'es'}, ${nodeCount(trace)} nodes`;
  const ended = describeRunEnd(trace.run);
  const how = result.error && trace.run.error?.origin === 'program' ? `${ended}: ${result.error.message}` : ended;
  const checks = trace.backwardPasses.flatMap((p) => p.gradcheck?.results ?? []);
  const checked = trace.backwardPasses.some((p) => p.gradcheck) ? `; gradcheck ${checks.filter((c) => c.ok).length} ✓ ${checks.filter((c) => !c.ok).length} ✗` : '';
  return `${basename(record.file)}: ${what}; ${how}${checked} (${Math.round(result.durationMs)} ms)`;
}

/**
 * Whether `document` still has the text the record's run read: the same version of the open
 * document, or — for a trace read back from disk (after a window reload, or Open Trace File…) —
 * a saved file not modified since the run started.
 */
export function isCurrent(record: RunRecord, document: vscode.TextDocument): boolean {
  if (record.documentVersion !== null) return record.documentVersion === document.version;
  if (document.isDirty) return false;
  try {
    return statSync(document.uri.fsPath).mtimeMs <= Date.parse(record.trace.run.startedAt);
  } catch {
    return false;
  }
}

/** The recording or backward pass made at `line` (0-based) of `file`: the backward pass first. */
export function focusAt(trace: Trace, file: string, line: number): Selection | null {
  const at = (source: { file: string; line: number } | null) => source !== null && source.file === file && source.line === line + 1;
  const pass = trace.backwardPasses.find((p) => at(p.source));
  if (pass) return { kind: 'pass', id: pass.id };
  const recording = trace.recordings.find((r) => at(r.source));
  return recording ? { kind: 'recording', id: recording.id } : null;
}
