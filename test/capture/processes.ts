/** Telling whether processes are gone, by pid, for the hostile-program suite. */
import { readFileSync } from 'node:fs';

/** Running (or stopped), not dead: a zombie waits only for its parent (or init) to reap it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pids among `pids` still alive after polling for up to `withinMs`. */
export async function survivors(pids: readonly number[], withinMs = 2000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Ends what a failed test left behind, so that one failure does not leak into the next tests. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** The pids a hostile fixture printed as its first line of output (`{"pids":[…]}`). */
export function printedPids(stdout: string): number[] {
  const line = stdout.split('\n').find((text) => text.startsWith('{"pids":'));
  if (!line) throw new Error(`the program printed no pids; its output was:\n${stdout}`);
  const pids = (JSON.parse(line) as { pids: unknown[] }).pids;
  if (!pids.every((pid) => Number.isInteger(pid) && (pid as number) > 0)) throw new Error(`not pids: ${line}`);
  return pids as number[];
}
