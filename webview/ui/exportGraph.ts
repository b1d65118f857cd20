/** Exports the graph on screen: PNG from the canvas, SVG and Graphviz DOT from the model; the host saves the file. */
import type { WebviewToHost } from '../../protocol/messages';
import type { Decorations } from '../model/decorate';
import { toDot, toSvg } from '../model/export';
import type { GraphModel } from '../model/graph';
import type { Positions } from '../model/layout';
import type { GraphView } from '../view/graphView';
import type { ExportFormat } from './toolbar';

export interface Exportable {
  model: GraphModel;
  layout: Positions;
  view: GraphView;
  decorations: Decorations;
  /** Plain characters only, whatever run.file holds: the VS Code host refuses any other name. */
  fileName: string;
}

export function exportGraph(format: ExportFormat, graph: Exportable, post: (message: WebviewToHost) => void): void {
  const { model, layout, view, decorations, fileName } = graph;
  if (format === 'png') {
    view.png().then(
      (data) => post({ type: 'export/save', format, fileName, data, encoding: 'base64' }),
      (error: unknown) => post({ type: 'webview/error', message: `PNG export failed: ${error instanceof Error ? error.message : String(error)}` }),
    );
    return;
  }
  const colors = new Map<string, string>();
  for (const [id, data] of decorations.data) if (data.color) colors.set(id, data.color);
  const text = format === 'svg' ? toSvg(model, layout.positions, { colors, marks: view.marks }) : toDot(model, { title: fileName });
  post({ type: 'export/save', format, fileName, data: text, encoding: 'utf8' });
}
