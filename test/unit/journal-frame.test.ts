// The journal's frames: only what the recorder wrote with the run's key is read back, in sequence;
// lines, bytes and copied frames written by the program are counted and ignored.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameWriter, readFrames, STREAMS } from '../../capture/journal-frame';

suite('journal frames', () => {
  let folder: string;
  let path: string;
  let fd: number;
  let writer: FrameWriter;
  const key = randomBytes(32);
  const forged = '{"t":"error","message":"forged","stack":"","position":{"file":"/etc/passwd","line":1,"column":1}}\n';

  setup(() => {
    folder = mkdtempSync(join(tmpdir(), 'gradlens-frames-'));
    path = join(folder, 'journal');
    fd = openSync(path, 'a');
    writer = new FrameWriter(fd, key);
  });
  teardown(() => {
    closeSync(fd);
    rmSync(folder, { recursive: true, force: true });
  });

  const text = (chunk: string) => writer.write(STREAMS.text, Buffer.from(chunk));

  test('text and binary streams read back as written, in order', () => {
    writer.write(STREAMS.text, Buffer.from('{"t":"start"}\n'));
    const ints = Int32Array.of(1, 2, -3);
    const floats = Float64Array.of(0.5, Number.NaN);
    writer.write(STREAMS.ints, new Uint8Array(ints.buffer));
    writer.write(STREAMS.floats, new Uint8Array(floats.buffer));
    writer.write(STREAMS.text, Buffer.from('{"t":"name"}\n'));
    writer.write(STREAMS.ints, new Uint8Array(Int32Array.of(4).buffer));
    const read = readFrames(readFileSync(path), key);
    assert.equal(read.text, '{"t":"start"}\n{"t":"name"}\n');
    assert.deepEqual([...read.ints], [1, 2, -3, 4]);
    assert.deepEqual([...read.floats], [0.5, Number.NaN]);
    assert.equal(read.foreign, 0);
    assert.equal(read.stopped, undefined);
  });

  test('lines the program appended between and after frames are counted and ignored', () => {
    writer.write(STREAMS.text, Buffer.from('{"t":"start"}\n'));
    appendFileSync(path, forged + forged);
    writer.write(STREAMS.text, Buffer.from('{"t":"site"}\n'));
    appendFileSync(path, forged);
    const read = readFrames(readFileSync(path), key);
    assert.equal(read.text, '{"t":"start"}\n{"t":"site"}\n');
    assert.equal(read.foreign, 3);
  });

  test('a frame under another key, an altered frame and a copied frame are not accepted', () => {
    writer.write(STREAMS.text, Buffer.from('{"t":"start"}\n'));
    new FrameWriter(fd, randomBytes(32)).write(STREAMS.text, Buffer.from(forged)); // sequence 0 under a guessed key
    const genuine = readFileSync(path).subarray(0, 48 + 14);
    appendFileSync(path, genuine); // replayed: right MAC, sequence 0 again
    const altered = Buffer.from(genuine);
    altered[altered.length - 3] ^= 1;
    appendFileSync(path, altered);
    writer.write(STREAMS.text, Buffer.from('{"t":"end"}\n'));
    const read = readFrames(readFileSync(path), key);
    assert.equal(read.text, '{"t":"start"}\n{"t":"end"}\n');
    assert.equal(read.foreign, 3);
  });

  test('a frame cut short at the end (the program was killed mid-write) is dropped without a warning', () => {
    text('{"t":"start"}\n');
    text('{"t":"more"}\n');
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 5));
    const read = readFrames(readFileSync(path), key);
    assert.equal(read.text, '{"t":"start"}\n');
    assert.equal(read.foreign, 0);
  });

  test('frames missing from the middle (the file was altered) stop the reading there', () => {
    text('{"t":"a"}\n');
    text('{"t":"b"}\n');
    text('{"t":"c"}\n');
    const whole = readFileSync(path);
    const frame = 48 + 10;
    writeFileSync(path, Buffer.concat([whole.subarray(0, frame), whole.subarray(2 * frame)]));
    const read = readFrames(readFileSync(path), key);
    assert.equal(read.text, '{"t":"a"}\n');
    assert.match(read.stopped ?? '', /frames 1 to 1 are missing/);
  });

  test('nothing but foreign bytes: nothing accepted, one record per line', () => {
    writeFileSync(path, `${forged}garbage without a line break`);
    const read = readFrames(readFileSync(path), key);
    assert.deepEqual([read.text, read.ints.length, read.foreign], ['', 0, 2]);
  });
});
