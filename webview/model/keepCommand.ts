/**
 * The command a user types to trace a run again keeping one pass whole: the trace's file, seed,
 * program arguments and limits, and `--keep N` (passes numbered from 1, as they are shown). Every
 * word from the trace is quoted as a POSIX shell reads it. Pure: tested in Node.
 */
import { DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_TRACE_MB, type BackwardPass, type Trace } from '../../protocol/trace';

/** A word as a shell reads it: bare when plain, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export function keepCommand(trace: Trace, pass: BackwardPass): string {
  const { run } = trace;
  const words = ['gradlens', 'trace', shellWord(run.file), '--seed', String(run.seed)];
  if (run.maxElements !== DEFAULT_MAX_ELEMENTS) words.push('--max-elements', String(run.maxElements));
  if (run.keep && run.keep.maxTraceMb !== DEFAULT_MAX_TRACE_MB) words.push('--max-trace-mb', String(run.keep.maxTraceMb));
  words.push('--keep', String(trace.backwardPasses.indexOf(pass) + 1));
  if (run.argv.length > 0) words.push('--', ...run.argv.map(shellWord));
  return words.join(' ');
}
