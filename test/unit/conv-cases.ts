/**
 * A convolution test case as the kernel tests write them (test/unit/conv-kernels.test.ts,
 * wasm-conv.test.ts): the data and weight shapes, the options where they are not the defaults.
 */
import { convGeometry, type ConvGeometry } from '../../engine/kernels/conv';

export interface ConvCase {
  name: string;
  data: number[];
  weight: number[];
  stride?: number[];
  pad?: number[];
  dilate?: number[];
  groups?: number;
  bias?: boolean;
}

/** The case's geometry: stride and dilation 1, no padding, one group unless it says otherwise. */
export function geometryOf(c: ConvCase): ConvGeometry {
  const spatial = c.data.length - 2;
  const fill = (v: number[] | undefined, d: number) => v ?? Array.from({ length: spatial }, () => d);
  return convGeometry(c.data, c.weight, { stride: fill(c.stride, 1), pad: fill(c.pad, 0), dilate: fill(c.dilate, 1), groups: c.groups ?? 1 });
}
