/** The extension's settings (`gradlens.*`), read in one place with their defaults. */
import * as vscode from 'vscode';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../protocol/messages';
import { DEFAULT_MAX_TRACE_MB, MAX_TRACE_MB } from '../protocol/trace';

export interface Settings {
  /** Tensor elements kept per value in a trace. */
  maxElements: number;
  /** Seconds before a run is stopped. */
  timeoutSeconds: number;
  /** Open the inspector when a run finishes. */
  openInspector: boolean;
  /** Show values and gradients at the end of lines after a run. */
  inlineValues: boolean;
  thresholds: Thresholds;
  /** The Node.js that runs programs; empty: the one running the extension host. */
  nodePath: string;
  /** Elements checked per variable by a numeric gradient check. */
  gradcheckElements: number;
  /** The budget of a program's arrays in MB; null: the runner's default (half the machine, at most 8 GB). */
  maxMemoryMb: number | null;
  /** The budget of a trace's kept passes in MB: past it, passes are only summarised (the runner's `maxTraceMb`). */
  maxTraceMb: number;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration('gradlens', scope);
  const positive = (value: number | undefined, fallback: number) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback);
  return {
    maxElements: Math.floor(positive(config.get<number>('maxElements'), 1024)),
    timeoutSeconds: positive(config.get<number>('timeoutSeconds'), 30),
    openInspector: config.get<boolean>('openInspector') ?? true,
    inlineValues: config.get<boolean>('inlineValues') ?? true,
    thresholds: {
      vanishing: positive(config.get<number>('thresholds.vanishing'), DEFAULT_THRESHOLDS.vanishing),
      exploding: positive(config.get<number>('thresholds.exploding'), DEFAULT_THRESHOLDS.exploding),
    },
    nodePath: config.get<string>('nodePath') ?? '',
    gradcheckElements: Math.floor(positive(config.get<number>('gradcheck.elements'), 32)),
    maxTraceMb: (() => { const mb = config.get<number>('maxTraceMb'); return typeof mb === 'number' && Number.isFinite(mb) && mb >= 1 ? Math.min(mb, MAX_TRACE_MB) : DEFAULT_MAX_TRACE_MB; })(),
    maxMemoryMb: (() => { const mb = config.get<number>('maxMemoryMb'); return typeof mb === 'number' && Number.isFinite(mb) && mb >= 1 ? Math.floor(mb) : null; })(),
  };
}
