/**
 * The journal's frames. The program could write into its journal — the file is in a folder of its
 * own user and its fd is inherited — so every write of the recorder is one frame authenticated
 * with a key that only the runner and the preload hold (it never passes through the environment),
 * and the runner accepts only frames that verify, in sequence. What else is in the file was
 * written by the program: it is counted and ignored.
 *
 *   frame:  "GLJ1" · stream (u32) · sequence (u32) · length (u32) · HMAC-SHA256 (32 bytes) · payload
 *   MAC:    HMAC-SHA256(key, stream ‖ sequence ‖ length ‖ payload); sequence counts frames from 0
 *
 * One frame per stream per flush (journal-writer.ts), so the MAC costs once per batch, not per record.
 * This stops writes through files and fds; the key is in the program's own process, so a program
 * that reads the preload's memory (an in-process inspector session, /proc/self/mem) can still forge.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { writevSync } from 'node:fs';

export const STREAMS = { text: 0, ints: 1, floats: 2 } as const;
export type StreamId = (typeof STREAMS)[keyof typeof STREAMS];

const MAGIC = Buffer.from('GLJ1', 'latin1');
const HEADER_BYTES = 48;
const MAC_AT = 16;
/** Hashing spent looking for the next real frame after foreign bytes: past it, reading stops. */
const RESYNC_BUDGET_BYTES = 256 * 2 ** 20;

function mac(key: Buffer, header: Buffer, payload: Uint8Array): Buffer {
  return createHmac('sha256', key).update(header.subarray(4, MAC_AT)).update(payload).digest();
}

/** The preload's side: writes frames to the journal's fd. */
export class FrameWriter {
  private sequence = 0;

  constructor(private readonly fd: number, private readonly key: Buffer) {}

  write(stream: StreamId, payload: Uint8Array): void {
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(stream, 4);
    header.writeUInt32LE(this.sequence++, 8);
    header.writeUInt32LE(payload.byteLength, 12);
    mac(this.key, header, payload).copy(header, MAC_AT);
    // One writev: with O_APPEND the frame lands whole, never interleaved with another writer's bytes.
    writevSync(this.fd, [header, payload]);
  }
}

/** What the runner read from a journal. */
export interface FrameReading {
  /** The payloads of each stream's accepted frames, in order. */
  text: string;
  ints: Int32Array;
  floats: Float64Array;
  /** Records in the file that were not GradLens's (forged lines, replayed or altered frames, other bytes). */
  foreign: number;
  /** Why reading stopped before the end of the file, when it did. */
  stopped?: string;
}

interface Frame {
  stream: number;
  sequence: number;
  end: number;
  payload: Buffer;
}

/** The frame at `at` if it is complete and its MAC verifies. */
function frameAt(data: Buffer, at: number, key: Buffer): Frame | null {
  if (at + HEADER_BYTES > data.length || data.compare(MAGIC, 0, 4, at, at + 4) !== 0) return null;
  const stream = data.readUInt32LE(at + 4);
  const length = data.readUInt32LE(at + 12);
  const end = at + HEADER_BYTES + length;
  if (stream > 2 || end > data.length) return null;
  const header = data.subarray(at, at + HEADER_BYTES);
  const payload = data.subarray(at + HEADER_BYTES, end);
  if (!timingSafeEqual(mac(key, header, payload), header.subarray(MAC_AT))) return null;
  return { stream, sequence: data.readUInt32LE(at + 8), end, payload };
}

/** The next offset from `from` where a frame verifies (-1: none), spending at most `budget` bytes of hashing. */
function nextFrame(data: Buffer, from: number, key: Buffer, budget: number): { at: number; hashed: number; exhausted: boolean } {
  let hashed = 0;
  for (let candidate = data.indexOf(MAGIC, from); candidate >= 0; candidate = data.indexOf(MAGIC, candidate + 1)) {
    if (hashed > budget) return { at: -1, hashed, exhausted: true };
    if (candidate + HEADER_BYTES <= data.length) hashed += Math.min(data.length - candidate, data.readUInt32LE(candidate + 12));
    if (frameAt(data, candidate, key)) return { at: candidate, hashed, exhausted: false };
  }
  return { at: -1, hashed, exhausted: false };
}

/** The start of a frame that the end of the file cut short (the program was killed while it was written). */
function isCutFrame(rest: Buffer): boolean {
  const prefix = Math.min(4, rest.length);
  if (rest.compare(MAGIC, 0, prefix, 0, prefix) !== 0) return false;
  return rest.length < HEADER_BYTES || rest.length < HEADER_BYTES + rest.readUInt32LE(12);
}

/** Records in bytes the program wrote: one per frame-like write (it starts with the magic), else one per line. */
function countRecords(bytes: Buffer): number {
  let records = 0;
  let at = 0;
  while (at < bytes.length) {
    const frame = bytes.indexOf(MAGIC, at);
    const text = bytes.subarray(at, frame < 0 ? bytes.length : frame).toString('latin1');
    records += text.split('\n').filter((line) => line.trim().length > 0).length;
    if (frame < 0) break;
    records++;
    at = bytes.indexOf(MAGIC, frame + 1) < 0 ? bytes.length : bytes.indexOf(MAGIC, frame + 1);
  }
  return Math.max(1, records);
}

/** The payloads joined in a fresh buffer (typed arrays need their element alignment). */
export function joined(parts: readonly Buffer[]): ArrayBuffer {
  const buffer = new ArrayBuffer(parts.reduce((n, part) => n + part.length, 0));
  const bytes = new Uint8Array(buffer);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return buffer;
}

/**
 * The frames at the start of `data` that verify in sequence from `expected`, as a journal that is
 * still growing is read (liveJournal.ts): `end` is where they stop, and `clean` says whether what
 * follows is only the start of a frame still being written — else the journal holds bytes that are
 * not GradLens's, and only readFrames can sort them out.
 */
export function framesInSequence(data: Buffer, key: Buffer, expected: number): { payloads: { stream: StreamId; payload: Buffer }[]; end: number; clean: boolean } {
  const payloads: { stream: StreamId; payload: Buffer }[] = [];
  let at = 0;
  for (let frame = frameAt(data, at, key); frame && frame.sequence === expected + payloads.length; frame = frameAt(data, at, key)) {
    payloads.push({ stream: frame.stream as StreamId, payload: frame.payload });
    at = frame.end;
  }
  const rest = data.subarray(at);
  return { payloads, end: at, clean: rest.length === 0 || isCutFrame(rest) };
}

/** Reads the frames of a journal, accepting only those that verify, in sequence. */
export function readFrames(data: Buffer, key: Buffer): FrameReading {
  const streams: Buffer[][] = [[], [], []];
  let foreign = 0;
  let stopped: string | undefined;
  let expected = 0;
  let hashed = 0;
  let at = 0;
  while (at < data.length) {
    const frame = frameAt(data, at, key);
    if (frame && frame.sequence === expected) {
      streams[frame.stream]!.push(frame.payload);
      expected++;
      at = frame.end;
      continue;
    }
    if (frame && frame.sequence < expected) { // a real frame copied again
      foreign++;
      at = frame.end;
      continue;
    }
    if (frame) {
      stopped = `frames ${expected} to ${frame.sequence - 1} are missing (the journal was altered): what came after them is ignored`;
      break;
    }
    // Foreign bytes: skip to the next place where a real frame begins.
    const next = nextFrame(data, at + 1, key, RESYNC_BUDGET_BYTES - hashed);
    hashed += next.hashed;
    const rest = data.subarray(at, next.at < 0 ? data.length : next.at);
    if (next.at >= 0 || !isCutFrame(rest)) foreign += countRecords(rest);
    if (next.at >= 0) { at = next.at; continue; }
    if (next.exhausted) stopped = `too much of the journal after byte ${at} was not GradLens's: the rest is ignored`;
    break;
  }
  return {
    text: Buffer.concat(streams[STREAMS.text]!).toString('utf8'),
    ints: new Int32Array(joined(streams[STREAMS.ints]!)),
    floats: new Float64Array(joined(streams[STREAMS.floats]!)),
    foreign,
    ...(stopped ? { stopped } : {}),
  };
}
