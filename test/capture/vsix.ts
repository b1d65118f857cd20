/**
 * Reading a packaged extension back: a .vsix is a zip file, and the esbuild binary in it is a PE
 * (Windows), ELF (Linux) or Mach-O (macOS) executable whose header names the machine it runs on.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  data: Buffer;
  /** The Unix file mode recorded by the zip's writer (0 if it recorded none): VS Code restores it on install. */
  mode: number;
}

/** The entries of a zip file (name → uncompressed bytes and mode), from its central directory. */
export function readZip(file: string): Map<string, ZipEntry> {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, `${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, `${file}: central directory entry ${i}`);
    const madeOnUnix = zip.readUInt8(at + 5) === 3;
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const [nameLength, extraLength, commentLength] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const externalAttributes = zip.readUInt32LE(at + 38);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    entries.set(name, { data: method === 8 ? inflateRawSync(data) : Buffer.from(data), mode: madeOnUnix ? externalAttributes >>> 16 : 0 });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const PE_MACHINES: Record<number, string> = { 0x8664: 'x86-64', 0xaa64: 'arm64' };
const ELF_MACHINES: Record<number, string> = { 0x3e: 'x86-64', 0xb7: 'aarch64', 0x28: 'ARM' };
const MACHO_CPUS: Record<number, string> = { 0x01000007: 'x86-64', 0x0100000c: 'arm64' };

/**
 * What an executable's header says it is: its format, width and machine, e.g. `PE32+ x86-64`,
 * `ELF32 ARM`, `Mach-O 64 arm64`; an assertion fails for anything else.
 */
export function executableHeader(binary: Buffer): string {
  const start = binary.subarray(0, 16).toString('hex');
  if (binary.toString('latin1', 0, 2) === 'MZ') {
    // The DOS stub points at the PE header: "PE\0\0", the machine, …, then the optional header's magic.
    const pe = binary.readUInt32LE(0x3c);
    assert.equal(binary.toString('latin1', pe, pe + 4), 'PE\0\0', `MZ without a PE header at ${pe}`);
    const machine = binary.readUInt16LE(pe + 4);
    const magic = binary.readUInt16LE(pe + 24);
    return `${magic === 0x20b ? 'PE32+' : magic === 0x10b ? 'PE32' : `PE(magic ${magic.toString(16)})`} ${PE_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`}`;
  }
  if (binary.readUInt32BE(0) === 0x7f454c46) {
    const bits = ({ 1: 32, 2: 64 } as Record<number, number>)[binary[4]!];
    assert.equal(binary[5], 1, 'ELF little-endian');
    const machine = binary.readUInt16LE(18);
    return `ELF${bits ?? `(class ${binary[4]})`} ${ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`}`;
  }
  if (binary.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = binary.readUInt32LE(4);
    return `Mach-O 64 ${MACHO_CPUS[cpu] ?? `cputype 0x${cpu.toString(16)}`}`;
  }
  assert.fail(`not a PE, ELF or 64-bit Mach-O executable: it starts ${start}`);
}
