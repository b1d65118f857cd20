/**
 * The file name an export suggests: the traced program's name and the selection
 * (`model-pass0.svg`), in plain characters only — letters, digits, `-`, `_`, `.` — so that it
 * passes the host's checkExportName whatever the trace's `run.file` holds (bidi controls, slashes,
 * a leading dot, 100 MB); `graph` when nothing plain is left.
 */
import type { Selection } from '../../protocol/messages';

/** Characters of the program's name kept. */
const NAME_LIMIT = 80;

export function exportBaseName(file: unknown): string {
  if (typeof file !== 'string') return 'graph';
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  const base = (cut >= 0 ? file.slice(cut + 1) : file).slice(0, 4 * NAME_LIMIT).normalize('NFC');
  const words = base.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}_.-]+/gu, '-');
  // Cut by code points (never half a surrogate pair), then no dot or dash at either end.
  const plain = Array.from(words).slice(0, NAME_LIMIT).join('').replace(/^[.-]+|[.-]+$/g, '');
  return plain.length > 0 ? plain : 'graph';
}

export function exportFileName(file: unknown, selection: Selection | null, format: 'png' | 'svg' | 'dot'): string {
  return `${exportBaseName(file)}-${selection ? `${selection.kind}${selection.id}` : 'graph'}.${format}`;
}
