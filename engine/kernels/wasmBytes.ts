/**
 * A WebAssembly kernel's bytes from the base64 text the build bundles (engine/wasm/wat.d.ts).
 * Decoded here, not with Buffer or atob: the engine runs where neither exists (a bare JavaScript
 * context, a worker without them).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const values = new Uint8Array(128).fill(255);
  for (let i = 0; i < ALPHABET.length; i++) values[ALPHABET.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    const value = values[clean.charCodeAt(i)] ?? 255;
    if (value === 255) throw new Error(`not base64 at character ${i}`);
    bits = (bits << 6) | value;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[at++] = (bits >> count) & 0xff;
    }
  }
  return out;
}
