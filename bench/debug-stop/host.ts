/**
 * bench:extension, part 4 — the debugger's stop, measured inside a real VS Code's extension host
 * (code-server; scripts/vscode/run-extension-tests.mjs loads this as its tests): a `gradlens`
 * launch pauses at a breakpoint under js-debug, and from the same `stopped` event two clocks run:
 *
 *   - the debugger's own stop: until the adapter's first `variables` response after it (what VS
 *     Code's Variables view waits for; the bench asks stackTrace → scopes → variables as the view does);
 *   - GradLens's: until the views have the trace so far (the extension's onDidShowPaused).
 *
 * Each workload runs `rounds` times (GRADLENS_BENCH_ROUNDS, default 5), one session each. Results go
 * to GRADLENS_TEST_RESULTS as JSON (extension.bench.ts prints the table); nothing here fails on a time.
 */
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { GradLensApi } from '../../extension/extension';

interface Workload {
  name: string;
  file: string;
  /** 1-based line of the breakpoint. */
  line: number;
}

export interface StopSample {
  workload: string;
  nodes: number;
  steps: number;
  debuggerMs: number;
  gradlensMs: number;
}

const WORKLOADS: Workload[] = [
  { name: 'seed example, after its first backward()', file: 'seed.ts', line: 23 },
  { name: 'seed example, at its last line', file: 'seed.ts', line: 124 },
  { name: '1,000-node recording and its pass', file: 'thousand-nodes.ts', line: 13 },
];

function until<T>(what: string, probe: () => T | undefined | null | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const value = probe();
      if (value) resolve(value);
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

async function oneStop(api: GradLensApi, folder: vscode.WorkspaceFolder, workload: Workload, round: number): Promise<StopSample> {
  const uri = vscode.Uri.joinPath(folder.uri, workload.file);
  const name = `bench stop ${round}`;
  let stoppedAt = 0;
  let variablesAt = 0;
  let stop: { session: vscode.DebugSession; threadId: number } | null = null;
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker: (session) => ({
      onDidSendMessage: (message: { type: string; event?: string; command?: string; body?: { threadId?: number } }) => {
        if (message.type === 'event' && message.event === 'stopped' && stoppedAt === 0) {
          stoppedAt = Date.now();
          stop = { session, threadId: message.body?.threadId ?? 0 };
        }
        if (message.type === 'response' && message.command === 'variables' && stoppedAt > 0 && variablesAt === 0) variablesAt = Date.now();
      },
    }),
  });
  const shown = new Promise<{ at: number; nodes: number; steps: number }>((resolve) => {
    const listener = api.onDidShowPaused((paused) => {
      if (paused.record.file !== uri.fsPath) return;
      listener.dispose();
      resolve({ at: paused.shownAt, nodes: paused.record.trace.nodes.length, steps: paused.record.trace.backwardPasses.reduce((n, p) => n + p.steps.length, 0) });
    });
  });
  const ended = new Promise<void>((resolve) => { const listener = vscode.debug.onDidTerminateDebugSession((s) => { if (s.name === name && s.type === 'pwa-node') { listener.dispose(); resolve(); } }); });
  const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(workload.line - 1, 0)));
  vscode.debug.addBreakpoints([breakpoint]);
  try {
    if (!await vscode.debug.startDebugging(folder, { type: 'gradlens', request: 'launch', name, program: workload.file, seed: 1 })) throw new Error('the session did not start');
    const { session, threadId } = await until('the stop', () => stop);
    // What the Variables view asks, at once.
    const { stackFrames } = await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 20 }) as { stackFrames: { id: number }[] };
    const { scopes } = await session.customRequest('scopes', { frameId: stackFrames[0]!.id }) as { scopes: { variablesReference: number }[] };
    await session.customRequest('variables', { variablesReference: scopes[0]!.variablesReference });
    const ours = await shown;
    await until('the Variables response', () => variablesAt > 0);
    await session.customRequest('continue', { threadId });
    await ended;
    return { workload: workload.name, nodes: ours.nodes, steps: ours.steps, debuggerMs: variablesAt - stoppedAt, gradlensMs: ours.at - stoppedAt };
  } finally {
    vscode.debug.removeBreakpoints([breakpoint]);
    tracker.dispose();
  }
}

/** Called by the extension host (run-extension-tests.mjs --tests). */
export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<GradLensApi>('gradlens.gradlens');
  if (!extension) throw new Error('the GradLens extension is not installed');
  const api = await extension.activate();
  await vscode.workspace.getConfiguration('gradlens').update('openInspector', false, vscode.ConfigurationTarget.Workspace);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  const rounds = Number(process.env.GRADLENS_BENCH_ROUNDS ?? 5);
  const samples: StopSample[] = [];
  for (const workload of WORKLOADS) {
    // One warm-up session (js-debug's first launch, the capture runner's load), not counted.
    await oneStop(api, folder, workload, 0);
    for (let round = 1; round <= rounds; round++) {
      samples.push(await oneStop(api, folder, workload, round));
      console.log(`${workload.name} ${round}/${rounds}: debugger ${samples.at(-1)!.debuggerMs} ms, GradLens ${samples.at(-1)!.gradlensMs} ms`);
    }
  }
  const out = process.env.GRADLENS_TEST_RESULTS;
  if (out) writeFileSync(out, JSON.stringify(samples));
}
