/**
 * A tensor for a person to read: shape first, then the number of a scalar, a heat-mapped table
 * for 1-D and 2-D (a slice picker for more dimensions), and a histogram with stats for large or
 * truncated tensors.
 */
import type { Tensor } from '../../protocol/trace';
import { formatNumber, formatShape, knownValues, sizeOf } from '../model/tensor';
import { histogramChart } from './charts';
import { el } from './dom';
import { safely } from './failures';

const MAX_ROWS = 48;
const MAX_COLUMNS = 16;

/** A diverging colour for a value relative to the largest magnitude: blue < 0 < red. */
function heat(value: number, scale: number): string {
  if (!Number.isFinite(value)) return 'var(--gl-error-bg)';
  const t = scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
  const alpha = (Math.abs(t) * 0.55).toFixed(3);
  return t >= 0 ? `rgba(220, 80, 60, ${alpha})` : `rgba(60, 120, 220, ${alpha})`;
}

function statsLine(tensor: Tensor): HTMLElement {
  const s = tensor.stats;
  const item = (label: string, value: number | null) => el('span', { class: 'stat' }, `${label} `, el('b', {}, value === null ? '–' : formatNumber(value)));
  return el('div', { class: 'stats' },
    item('min', s.min), item('max', s.max), item('mean', s.mean), item('std', s.std), item('L2', s.l2),
    el('span', { class: `stat${s.nan > 0 ? ' bad' : ''}` }, 'NaN ', el('b', {}, String(s.nan))),
    el('span', { class: `stat${s.inf > 0 ? ' bad' : ''}` }, '±∞ ', el('b', {}, String(s.inf))),
    el('span', { class: 'stat' }, 'zeros ', el('b', {}, String(s.zeros))));
}

/** A 2-D (rows × columns) block of `data` starting at `offset`, heat-mapped. */
function table(data: Float64Array, offset: number, rows: number, columns: number, scale: number): HTMLElement {
  const body = el('tbody');
  const shownRows = Math.min(rows, MAX_ROWS);
  const shownColumns = Math.min(columns, MAX_COLUMNS);
  const header = el('tr', {}, el('th', {}, ''));
  for (let c = 0; c < shownColumns; c++) header.append(el('th', {}, String(c)));
  if (columns > shownColumns) header.append(el('th', {}, '…'));
  for (let r = 0; r < shownRows; r++) {
    const row = el('tr', {}, el('th', {}, rows > 1 ? String(r) : ''));
    for (let c = 0; c < shownColumns; c++) {
      const value = data[offset + r * columns + c]!;
      const cell = el('td', { title: String(value) }, formatNumber(value));
      cell.style.background = heat(value, scale);
      row.append(cell);
    }
    if (columns > shownColumns) row.append(el('td', { class: 'more' }, '…'));
    body.append(row);
  }
  if (rows > shownRows) body.append(el('tr', {}, el('td', { class: 'more', colspan: String(shownColumns + 1) }, `… ${rows - shownRows} more rows`)));
  return el('table', { class: 'tensor' }, el('thead', {}, header), body);
}

export function tensorView(tensor: Tensor, title: string): HTMLElement {
  const size = sizeOf(tensor.shape);
  const head = el('div', { class: 'tensor-head' }, el('b', {}, title), ' ', el('span', { class: 'shape' }, `${formatShape(tensor.shape)} ${tensor.dtype}`));
  const root = el('div', { class: 'tensor-view' }, head);
  const data = tensor.data ? knownValues(tensor) : null;
  if (data && tensor.shape.length === 0) {
    root.append(el('div', { class: 'scalar' }, formatNumber(data[0]!, 8)));
    return root;
  }
  root.append(statsLine(tensor));
  const scale = Math.max(Math.abs(tensor.stats.min ?? 0), Math.abs(tensor.stats.max ?? 0));
  if (data && tensor.shape.length === 1) {
    // A vector as a row when short, a column otherwise.
    root.append(size <= MAX_COLUMNS ? table(data, 0, 1, size, scale) : table(data, 0, size, 1, scale));
  } else if (data && tensor.shape.length === 2) {
    root.append(table(data, 0, tensor.shape[0]!, tensor.shape[1]!, scale));
  } else if (data) {
    root.append(slicePicker(tensor, data, scale));
  } else {
    root.append(el('div', { class: 'note' }, `${size} elements: the trace keeps the stats and the first ${tensor.sample?.length ?? 0} values.`));
  }
  if (size > 64 || !data) {
    const chart = el('div', { class: 'histogram' });
    root.append(chart);
    requestAnimationFrame(safely('drawing a histogram', () => { histogramChart(chart, knownValues(tensor)); }));
  }
  return root;
}

/** For 3-D and more: pick an index of every leading axis, see the last two as a table. */
function slicePicker(tensor: Tensor, data: Float64Array, scale: number): HTMLElement {
  const leading = tensor.shape.slice(0, -2);
  const [rows, columns] = tensor.shape.slice(-2) as [number, number];
  const index = leading.map(() => 0);
  const holder = el('div');
  const render = () => {
    let offset = 0;
    let stride = rows * columns;
    for (let axis = leading.length - 1; axis >= 0; axis--) {
      offset += index[axis]! * stride;
      stride *= leading[axis]!;
    }
    holder.replaceChildren(table(data, offset, rows, columns, scale));
  };
  const pickers = leading.map((dim, axis) => {
    const input = el('input', { type: 'number', min: '0', max: String(dim - 1), value: '0', 'aria-label': `index of axis ${axis}` });
    input.addEventListener('input', () => {
      index[axis] = Math.max(0, Math.min(dim - 1, Number(input.value) || 0));
      render();
    });
    return el('label', { class: 'slice' }, `axis ${axis} `, input, ` / ${dim}`);
  });
  render();
  return el('div', { class: 'slices' }, el('div', { class: 'slice-pickers' }, 'slice [', ...pickers, ', :, :]'), holder);
}
