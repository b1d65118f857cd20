/**
 * GradLens from the debugger: a `gradlens` launch configuration (F5, the Run and Debug view, a
 * launch.json entry) runs the program with capture under VS Code's own JavaScript debugger —
 * breakpoints, stepping, Watch, the Debug Console (debugRuns.ts) — and, when its session ends,
 * opens the inspector on its gradients as every run does. With `"pause": false` it runs to the end
 * through the small inline adapter here: output in the Debug Console, the inspector when it ends
 * (runAndShow.ts), the Stop button cancels the run, and breakpoint requests are answered by saying
 * that this session does not pause.
 */
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { isProgram } from './codelens';
import { Disposable } from './dispose';
import { notify } from './notify';
import { plainText, safe } from './untrusted';
import { DebugRuns } from './debugRuns';
import type { ShowPaused } from './pausedGraph';
import type { RunAndShow, ShowRun } from './runAndShow';
import type { Runs } from './runs';
import { summary } from './runs';

export const DEBUG_TYPE = 'gradlens';

/** What a `gradlens` launch configuration holds. */
export interface GradLensLaunch extends vscode.DebugConfiguration {
  /** The program to run: a TypeScript or JavaScript file that imports gradlens. */
  program: string;
  /** Also check every backward pass numerically (Check Gradients Numerically). */
  gradcheck?: boolean;
  /** false: run to the end without pausing (the inline adapter); otherwise under js-debug. */
  pause?: boolean;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  seed?: number;
  stopOnEntry?: boolean;
}

/** The configuration F5 uses on the active file when there is no launch.json. */
export function currentFileLaunch(): GradLensLaunch {
  return { type: DEBUG_TYPE, request: 'launch', name: 'GradLens: Compute Gradients of the Current File', program: '${file}' };
}

// The few Debug Adapter Protocol shapes the adapter uses.
interface Request { seq: number; type: 'request'; command: string; arguments?: Record<string, unknown> }
type Outgoing =
  | { type: 'response'; request_seq: number; command: string; success: boolean; message?: string; body?: unknown }
  | { type: 'event'; event: string; body?: unknown };

/** One debug session: launch → (configurationDone) → run with capture → exited, terminated. */
export class GradientsAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private seq = 1;
  private launch: GradLensLaunch | null = null;
  private configured = false;
  private started = false;
  private ended = false;

  constructor(
    private readonly session: vscode.DebugSession,
    private readonly runs: Runs,
    private readonly runAndShow: RunAndShow,
  ) {}

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const request = message as Request;
    if (request.type !== 'request') return;
    switch (request.command) {
      case 'initialize':
        this.respond(request, { supportsConfigurationDoneRequest: true, supportsTerminateRequest: true });
        this.emit('initialized');
        break;
      case 'launch':
        this.launch = request.arguments as GradLensLaunch;
        this.respond(request);
        this.maybeStart();
        break;
      case 'configurationDone':
        this.configured = true;
        this.respond(request);
        this.maybeStart();
        break;
      case 'setBreakpoints': {
        const breakpoints = ((request.arguments?.breakpoints as unknown[] | undefined) ?? []).map(() => ({
          verified: false, message: 'GradLens records the whole run instead of pausing it: step through it in the inspector',
        }));
        this.respond(request, { breakpoints });
        break;
      }
      case 'threads':
        this.respond(request, { threads: [] });
        break;
      case 'terminate':
      case 'disconnect':
        if (this.started && !this.ended) this.runs.cancel();
        this.respond(request);
        break;
      default:
        this.respond(request);
    }
  }

  private maybeStart(): void {
    if (!this.launch || !this.configured || this.started) return;
    this.started = true;
    void this.run(this.launch);
  }

  private async run(launch: GradLensLaunch): Promise<void> {
    const folder = this.session.workspaceFolder?.uri.fsPath;
    const program = typeof launch.program === 'string' ? launch.program : '';
    if (!program) return this.end('GradLens: the launch configuration needs "program": the file to run.', 1);
    const file = isAbsolute(program) || !folder ? program : join(folder, program);
    this.output(`${safe.plain`GradLens: computing the gradients of ${file}`}${launch.gradcheck ? ', with numeric checks' : ''}\n`, 'console');
    const record = await this.runAndShow(vscode.Uri.file(file), {
      gradcheck: launch.gradcheck === true,
      ...(Array.isArray(launch.args) && launch.args.every((arg) => typeof arg === 'string') ? { args: launch.args } : {}),
      ...(Number.isInteger(launch.seed) ? { seed: launch.seed! } : {}),
      onOutput: (text, category) => this.output(text, category),
    });
    if (!record) return this.end('GradLens did not run the program (see the notification).\n', 1);
    this.output(`${plainText(summary(record), { multiline: true })}\n`, 'console');
    this.end('', record.result.exitCode ?? 1);
  }

  private end(message: string, exitCode: number): void {
    if (this.ended) return;
    this.ended = true;
    if (message) this.output(message, 'console');
    this.emit('exited', { exitCode });
    this.emit('terminated');
  }

  private output(text: string, category: 'stdout' | 'stderr' | 'console'): void {
    this.emit('output', { category, output: text });
  }

  private respond(request: Request, body?: unknown): void {
    this.send({ type: 'response', request_seq: request.seq, command: request.command, success: true, ...(body !== undefined ? { body } : {}) });
  }

  private emit(event: string, body?: unknown): void {
    this.send({ type: 'event', event, ...(body !== undefined ? { body } : {}) });
  }

  private send(message: Outgoing): void {
    this.sent.fire({ seq: this.seq++, ...message } as vscode.DebugProtocolMessage);
  }

  dispose(): void {
    this.sent.dispose();
  }
}

/** Launch configurations: the initial launch.json entry, F5 without one, and the file in view. */
class Configurations implements vscode.DebugConfigurationProvider {
  constructor(private readonly debugRuns: DebugRuns) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [currentFileLaunch()];
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    // F5 with no launch.json: the active file, if GradLens can run it.
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !isProgram(editor.document)) {
        void notify('info', 'GradLens: open a TypeScript or JavaScript file that imports gradlens, then start again.');
        return undefined;
      }
      return currentFileLaunch();
    }
    if (!config.program) {
      void notify('error', 'GradLens: this launch configuration has no "program" (the file to run).');
      return undefined;
    }
    return config;
  }

  /** A launch that pauses becomes js-debug's (debugRuns.ts); `"pause": false` stays this adapter's. */
  resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (config.type !== DEBUG_TYPE || config.pause === false) return config;
    return this.debugRuns.resolve(folder, config);
  }
}

/** The debugger entry point, registered; a session's run goes through `runAndShow` (runAndShow.ts). */
export class GradientsDebugger extends Disposable {
  /** The launches that pause under js-debug (their stops: `debugRuns.onDidShowPaused`). */
  readonly debugRuns: DebugRuns;

  constructor(runs: Runs, runAndShow: RunAndShow, showRun: ShowRun, showPaused: ShowPaused, distDir: string) {
    super();
    this.debugRuns = this.register(new DebugRuns(runs, showRun, showPaused, distDir));
    const configurations = new Configurations(this.debugRuns);
    this.register(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configurations));
    this.register(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, {
      provideDebugConfigurations: () => {
        const document = vscode.window.activeTextEditor?.document;
        if (!document || !isProgram(document)) return [];
        const name = document.uri.path.split('/').pop();
        return [{ ...currentFileLaunch(), name: `GradLens: Compute Gradients of ${name}`, program: document.uri.fsPath }];
      },
    }, vscode.DebugConfigurationProviderTriggerKind.Dynamic));
    this.register(vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: (session) => new vscode.DebugAdapterInlineImplementation(new GradientsAdapter(session, runs, runAndShow)),
    }));
  }
}
