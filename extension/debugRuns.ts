/**
 * A `gradlens` launch that pauses: the run is prepared here (Runs.prepareDebug: bundled, its
 * journal ready), VS Code's JavaScript debugger starts and drives the program — breakpoints in the
 * user's file, stepping, the call stack, Watch, the Debug Console — and when its session ends the
 * journal becomes the run's trace, recorded and shown as every run's (the inspector, the views,
 * Problems). The program's output reaches the trace through the debugger's output events. At each
 * stop the views and the inspector show the trace so far (pausedGraph.ts).
 */
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { JS_DEBUG_TYPE, launchProblem, nodeDebugConfiguration, pauseAnswer, RUN_ATTRIBUTE } from './debugLaunch';
import { Disposable } from './dispose';
import { notify } from './notify';
import { PausedGraph, type PausedShown, type ShowPaused } from './pausedGraph';
import type { ShowRun } from './runAndShow';
import type { DebugRun, Runs } from './runs';
import { summary } from './runs';
import { plainText, safe } from './untrusted';

/** The root js-debug session of a run: the one whose configuration names it. */
function runIdOf(session: vscode.DebugSession | undefined): string | null {
  for (let at = session; at; at = at.parentSession) {
    const id = (at.configuration as Record<string, unknown>)[RUN_ATTRIBUTE];
    if (typeof id === 'string') return id;
  }
  return null;
}

/** Whether `extension` contributes the debugger of `type` (its manifest is data: read with care). */
function contributesDebugger(extension: vscode.Extension<unknown>, type: string): boolean {
  const debuggers = (extension.packageJSON as { contributes?: { debuggers?: unknown } } | undefined)?.contributes?.debuggers;
  return Array.isArray(debuggers) && debuggers.some((entry) => (entry as { type?: unknown } | null)?.type === type);
}

export class DebugRuns extends Disposable {
  private readonly pending = new Map<string, DebugRun>();
  private readonly graphs = new Map<string, PausedGraph>();
  private nextId = 1;
  private readonly shown = this.register(new vscode.EventEmitter<PausedShown>());
  /** A stop's trace so far was shown (tests, bench:extension). */
  readonly onDidShowPaused = this.shown.event;

  constructor(private readonly runs: Runs, private readonly showRun: ShowRun, private readonly showPaused: ShowPaused, private readonly distDir: string) {
    super();
    // Runs whose session never came (the debugger could not start them): their files go with the extension.
    this.register({ dispose: () => { for (const run of this.pending.values()) run.discard(); this.pending.clear(); this.graphs.clear(); } });
    this.register(vscode.debug.onDidTerminateDebugSession((session) => {
      const id = (session.configuration as Record<string, unknown>)[RUN_ATTRIBUTE];
      if (typeof id === 'string') this.finish(id);
    }));
    // What the program writes arrives as the debugger's output events, in whichever of its sessions;
    // its stops as `stopped` events of the session that runs its thread.
    this.register(vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => {
        const id = runIdOf(session);
        if (id === null || !this.pending.has(id)) return undefined;
        return {
          onDidSendMessage: (message: { type?: string; event?: string; body?: { category?: string; output?: unknown; threadId?: unknown } }) => {
            if (message.type !== 'event') return;
            if (message.event === 'stopped') {
              const threadId = message.body?.threadId;
              if (typeof threadId === 'number' && Number.isSafeInteger(threadId)) this.graphs.get(id)?.stopped(session, threadId);
              return;
            }
            if (message.event !== 'output' || typeof message.body?.output !== 'string') return;
            const { category, output } = message.body;
            if (category === 'stdout' || category === 'stderr') this.pending.get(id)?.output(output, category);
          },
        };
      },
    }));
  }

  /**
   * The js-debug launch of a `gradlens` configuration (variables substituted): the run prepared,
   * or undefined when it cannot run (said in a notification), or — the program did not build —
   * undefined with the run recorded and shown as a failed one.
   */
  async resolve(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const problem = launchProblem(config);
    if (problem !== null) {
      void notify('error', safe.notification`GradLens: in the launch configuration "${String(config.name)}", ${problem}.`);
      return undefined;
    }
    // VS Code activates a debugger on the resolution of its own type, not of the type a resolution turns into.
    const jsDebug = vscode.extensions.all.find((extension) => contributesDebugger(extension, JS_DEBUG_TYPE));
    if (!jsDebug) {
      void notify('error', 'GradLens: VS Code\'s JavaScript debugger (js-debug) is not available, so the program cannot pause: set "pause": false to run it to the end.');
      return undefined;
    }
    await jsDebug.activate();
    const program = String(config.program);
    const base = folder?.uri.fsPath;
    const file = isAbsolute(program) || !base ? program : join(base, program);
    const cwd = typeof config.cwd === 'string' ? (isAbsolute(config.cwd) || !base ? config.cwd : join(base, config.cwd)) : undefined;
    const prepared = await this.runs.prepareDebug(vscode.Uri.file(file), {
      ...(Array.isArray(config.args) ? { args: config.args as string[] } : {}),
      ...(typeof config.seed === 'number' ? { seed: config.seed } : {}),
      ...(config.gradcheck === true ? { gradcheck: true } : {}),
      ...(config.breakOnNaN === true ? { breakOnNaN: true } : {}),
      ...(cwd ? { cwd } : {}),
    });
    if (prepared === null) return undefined;
    if (!('launch' in prepared)) {
      this.showRun(prepared);
      return undefined;
    }
    const id = `run-${this.nextId++}`;
    this.pending.set(id, prepared);
    this.graphs.set(id, new PausedGraph(prepared, this.showPaused, (shown) => this.shown.fire(shown)));
    this.debugging();
    return nodeDebugConfiguration(prepared.launch, {
      name: String(config.name),
      ...(config.env ? { env: config.env as Record<string, string> } : {}),
      stopOnEntry: config.stopOnEntry === true,
    }, id, this.distDir) as vscode.DebugConfiguration;
  }

  /**
   * "Show in GradLens Inspector" on a variable of the Variables view (its context menu passes
   * `{ container, variable }`): the paused frame is asked which node the variable's array is, and
   * the inspector selects it, as a node clicked in the views is. Everything in `context` is the
   * debugger's data: only the variable's `evaluateName` (text) is used, in the frame it came from.
   */
  async showVariable(context: unknown): Promise<boolean> {
    const variable = (context as { variable?: { evaluateName?: unknown; name?: unknown } } | null)?.variable;
    const expression = typeof variable?.evaluateName === 'string' && variable.evaluateName.length <= 2000 ? variable.evaluateName : null;
    const item = vscode.debug.activeStackItem;
    const id = item instanceof vscode.DebugStackFrame ? runIdOf(item.session) : null;
    const run = id === null ? undefined : this.pending.get(id);
    if (!run || !(item instanceof vscode.DebugStackFrame)) {
      void notify('info', 'GradLens: pause a GradLens launch (a breakpoint in a program that imports gradlens) to show its variables in the inspector.');
      return false;
    }
    const asked = expression === null ? null : run.nodeOfExpression(expression);
    if (asked === null) {
      void notify('info', 'GradLens: this variable cannot be looked up (the debugger gives no expression for it).');
      return false;
    }
    let answer: number | null = null;
    try {
      const evaluated = await item.session.customRequest('evaluate', { expression: asked, frameId: item.frameId, context: 'watch' }) as { result?: unknown } | undefined;
      answer = pauseAnswer(evaluated?.result);
    } catch (error) {
      void notify('error', safe.notification`GradLens could not ask the paused program about ${String(variable?.name ?? expression)}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    const record = this.runs.last(run.file);
    const node = answer !== null && answer >= 0 && record ? record.trace.nodes.find((n) => n.id === answer) : undefined;
    if (!record || !node) {
      void notify('info', safe.notification`GradLens: ${String(variable?.name ?? expression)} is not in the graph so far (it is not an array, or it was made outside autograd.record and used by nothing recorded, or its pass was summarised).`);
      return false;
    }
    await vscode.commands.executeCommand('gradlens.focusNodes', record.file, [node.id]);
    return true;
  }

  /** `gradlens:debugging`: a GradLens launch is under the debugger (the Variables view's menu entry shows). */
  private debugging(): void {
    void vscode.commands.executeCommand('setContext', 'gradlens:debugging', this.pending.size > 0);
  }

  /** The session of run `id` ended: its journal becomes the run's trace, shown as every run's. */
  private finish(id: string): void {
    const run = this.pending.get(id);
    if (!run) return;
    this.pending.delete(id);
    this.graphs.get(id)?.end();
    this.graphs.delete(id);
    this.debugging();
    try {
      const record = run.finish();
      vscode.debug.activeDebugConsole.appendLine(plainText(summary(record), { multiline: true }));
      this.showRun(record);
    } catch (error) {
      void notify('error', safe.notification`GradLens could not read the run's trace: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
