/**
 * Finding and ending every process of a run. The program runs in a process group (and session) of
 * its own on POSIX (spawned `detached`), so one signal to the group reaches what it starts — but
 * a descendant can leave the group (`setsid`, a `detached` spawn) and its parent can exit, which
 * breaks the parent chain. On Linux such a process is still found through /proc: its parent chain,
 * the run's pipes and journal it holds open (inherited fds), or the run tag in the environment it
 * started with. macOS has only `ps` (group and parent chain). Windows ends the tree with
 * `taskkill /T`, which follows parent ids only: a Job object would hold every descendant, but needs
 * native code, which GradLens does not ship.
 *
 * A program that scrubs the tag from its children's environment, closes every inherited fd and
 * double-forks out of its group escapes all of this; only a cgroup (or a subreaper, also native
 * code) would hold it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One line of the process table. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  /** Session id (Linux; -1 where unknown). */
  sid: number;
  /** `Z` for a zombie (dead, not yet reaped): it holds nothing and cannot be signalled to any effect. */
  state: string;
  /** Clock ticks since boot (Linux; -1 where unknown). */
  startTime: number;
}

/** What identifies a run's processes; taken right after the program was spawned. */
export interface RunMarks {
  /** The program: the leader of its process group and session on POSIX. */
  pid: number;
  /** `NAME=value`, as it appears in /proc/<pid>/environ of everything the program starts. */
  tag: string;
  /** What the program's fds 1–3 link to (`socket:[…]`, the journal's path): a holder is the run's. */
  handles: ReadonlySet<string>;
  /** The program's start time (-1 where unknown): nothing older is the run's, and a pid reused since is not the program. */
  startTime: number;
}

/** Ways to look inside a process (Linux: /proc), for the ones the table alone does not place. */
export interface ProcessProbe {
  hasTag(pid: number, tag: string): boolean;
  holdsHandle(pid: number, handles: ReadonlySet<string>): boolean;
}

/** Parses a line of /proc/<pid>/stat: the command name may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcessEntry | null {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  if (close < 0 || !Number.isInteger(pid)) return null;
  const fields = text.slice(close + 2).split(' ');
  // state ppid pgrp session … starttime is the 20th field after the name.
  return { pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), sid: Number(fields[3]), startTime: Number(fields[19]) };
}

/** Parses `ps -A -o pid=,ppid=,pgid=,stat=`. */
export function parsePs(text: string): ProcessEntry[] {
  return text.split('\n').flatMap((line) => {
    const [pid, ppid, pgid, state] = line.trim().split(/\s+/);
    return pid && ppid && pgid && state ? [{ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), sid: -1, state, startTime: -1 }] : [];
  });
}

/**
 * The live processes of a run, from a table: the program, its group and session (unless the
 * program's pid was reused by an unrelated process: then they are not its), what the probe places
 * (tag, handles), and every descendant of those.
 */
export function runMembers(table: readonly ProcessEntry[], marks: RunMarks, probe: ProcessProbe | null, self = process.pid): number[] {
  const live = table.filter((p) => p.pid !== self && !p.state.startsWith('Z') && (marks.startTime < 0 || p.startTime < 0 || p.startTime >= marks.startTime));
  const reused = live.some((p) => p.pid === marks.pid && marks.startTime >= 0 && p.startTime >= 0 && p.startTime !== marks.startTime);
  const members = new Set<number>();
  for (const p of live) {
    if (!reused && (p.pid === marks.pid || p.pgid === marks.pid || p.sid === marks.pid)) members.add(p.pid);
  }
  const addDescendants = () => {
    for (let grew = true; grew;) {
      grew = false;
      for (const p of live) {
        if (!members.has(p.pid) && members.has(p.ppid)) { members.add(p.pid); grew = true; }
      }
    }
  };
  addDescendants();
  if (probe) {
    for (const p of live) {
      if (!members.has(p.pid) && (probe.hasTag(p.pid, marks.tag) || probe.holdsHandle(p.pid, marks.handles))) members.add(p.pid);
    }
    addDescendants();
  }
  return [...members];
}

const procProbe: ProcessProbe = {
  hasTag(pid, tag) {
    try {
      return readFileSync(`/proc/${pid}/environ`).includes(`${tag}\0`);
    } catch {
      return false; // gone, or not ours to read
    }
  },
  holdsHandle(pid, handles) {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return handles.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  },
};

function linuxTable(): ProcessEntry[] {
  const table: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const entry = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (entry) table.push(entry);
    } catch {
      // exited while the table was read
    }
  }
  return table;
}

function psTable(): ProcessEntry[] {
  try {
    return parsePs(execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8', timeout: 5000 }));
  } catch {
    return [];
  }
}

/** What identifies the run of the program just spawned as `pid` (read before it can exit and be reaped). */
export function markRun(pid: number, tag: string): RunMarks {
  const handles = new Set<string>();
  let startTime = -1;
  if (process.platform === 'linux') {
    // fd 0 is left out: with stdin inherited it is the caller's terminal, shared with everything else.
    for (const fd of [1, 2, 3]) {
      try {
        handles.add(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        // not open
      }
    }
    try {
      startTime = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.startTime ?? -1;
    } catch {
      // already gone
    }
  }
  return { pid, tag, handles, startTime };
}

/** The live processes of the run now. */
export function findRunProcesses(marks: RunMarks): number[] {
  if (process.platform === 'win32') return [];
  return process.platform === 'linux' ? runMembers(linuxTable(), marks, procProbe) : runMembers(psTable(), marks, null);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

const ROUNDS = 20;

/**
 * Ends every process of the run (synchronously: it also runs from exit and signal handlers) and
 * returns the pids it found. Each round stops what it finds — a stopped process cannot fork, so
 * the set stops growing — until a round finds nothing new; then everything found is killed.
 */
export function endRun(marks: RunMarks): number[] {
  if (process.platform === 'win32') {
    try {
      execFileSync('taskkill', ['/T', '/F', '/PID', String(marks.pid)], { stdio: 'ignore', windowsHide: true, timeout: 5000 });
    } catch {
      // the tree was already gone
    }
    return [];
  }
  const stopped = new Set<number>();
  // While the program lives (it is our child: unreaped, even dead, its pid stays its own), its group
  // is the run's and one signal reaches all of it at once.
  let groupIsTheRun = false;
  for (let round = 0; round < ROUNDS; round++) {
    const found = findRunProcesses(marks).filter((pid) => !stopped.has(pid));
    if (found.length === 0) break;
    if (round === 0 && found.includes(marks.pid)) {
      groupIsTheRun = true;
      signal(-marks.pid, 'SIGSTOP');
    }
    for (const pid of found) {
      signal(pid, 'SIGSTOP');
      stopped.add(pid);
    }
  }
  if (groupIsTheRun) signal(-marks.pid, 'SIGKILL');
  for (const pid of stopped) signal(pid, 'SIGKILL');
  return [...stopped];
}

/**
 * Ends what the run left running after the program exited by itself. Not on Windows: `taskkill`
 * follows a pid, and the program's may already belong to another process there.
 */
export function endLeftovers(marks: RunMarks): number[] {
  return process.platform === 'win32' ? [] : endRun(marks);
}
