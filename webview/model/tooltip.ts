/**
 * The hover tooltip over the graph: a node's label, its file and line with the line's text, and
 * its graph breaks; a cut edge's explanation. Every text from the trace is cut and escaped
 * (display.ts) — the tooltip is a small box, not a place for a 100 MB source line.
 */
import { visible } from '../../protocol/display';
import { indexTrace } from '../../protocol/query/indexTrace';
import type { Trace } from '../../protocol/trace';
import { elementIndex, type GraphModel } from './graph';

/** Characters of a source line or message in the tooltip. */
const TOOLTIP_LIMIT = 300;
/** Graph breaks listed under a node. */
const MAX_BREAKS = 5;

const short = (text: string) => visible(text, { limit: TOOLTIP_LIMIT });
const shortLines = (text: string) => visible(text, { multiline: true, limit: TOOLTIP_LIMIT });

export function tooltipText(trace: Trace, model: GraphModel, elementId: string): string | null {
  const index = elementIndex(model);
  const edge = index.edges.get(elementId);
  if (edge) return edge.cut ? shortLines(edge.cut.message) : null;
  const node = index.nodes.get(elementId);
  if (!node) return null;
  const traceNode = indexTrace(trace).nodes.get(node.members[node.members.length - 1]!);
  const source = traceNode?.source;
  const file = source ? source.file.slice(Math.max(source.file.lastIndexOf('/'), source.file.lastIndexOf('\\')) + 1) : '';
  const where = source ? `${visible(file, { limit: 100 })}:${source.line}  ${short(source.text.trim())}` : null;
  const breaks = node.breaks.slice(0, MAX_BREAKS).map((b) => `⚠ ${shortLines(b.message)}`);
  if (node.breaks.length > MAX_BREAKS) breaks.push(`⚠ … and ${node.breaks.length - MAX_BREAKS} more graph breaks`);
  return [node.label.replace(/\n/g, '  ·  '), where, ...breaks].filter((line): line is string => line !== null).join('\n');
}
