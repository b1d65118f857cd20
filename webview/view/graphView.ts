/**
 * The one module that touches the live Cytoscape instance: it draws a graph model at precomputed
 * positions and applies decorations (classes and data) as the user steps, changing only what
 * changed, in one batch.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import type { Decorations } from '../model/decorate';
import type { GraphModel } from '../model/graph';
import type { Positions } from '../model/layout';
import { graphStylesheet, type GraphTheme } from '../model/style';


export type { Decorations };

export interface GraphViewEvents {
  onSelect(elementId: string | null): void;
  onViewport?(): void;
}

export class GraphView {
  private readonly cy: Core;
  private applied: Decorations = { classes: new Map(), data: new Map() };

  constructor(container: HTMLElement, theme: GraphTheme, events: GraphViewEvents) {
    this.cy = cytoscape({
      container,
      style: graphStylesheet(theme) as unknown as cytoscape.StylesheetJson,
      layout: { name: 'preset' },
      minZoom: 0.02,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: true,
      // Speed for large graphs: a cached bitmap while panning/zooming, no motion blur.
      textureOnViewport: true,
      motionBlur: false,
      pixelRatio: 1,
    });
    this.cy.on('tap', 'node', (event) => events.onSelect(event.target.id()));
    this.cy.on('tap', (event) => { if (event.target === this.cy) events.onSelect(null); });
    this.cy.on('viewport', () => events.onViewport?.());
  }

  /** Replaces the drawn graph. */
  show(model: GraphModel, layout: Positions, decorations: Decorations, options: { groupByFunction?: boolean } = {}): void {
    const elements: ElementDefinition[] = [];
    const parents = new Set<string>();
    for (const node of model.nodes) {
      const parent = options.groupByFunction && node.fn ? `fn:${node.fn}` : undefined;
      if (parent && !parents.has(parent)) {
        parents.add(parent);
        elements.push({ group: 'nodes', data: { id: parent, label: `${node.fn}()` }, classes: 'function' });
      }
      elements.push({
        group: 'nodes',
        data: { id: node.id, label: node.label, ...(parent ? { parent } : {}), ...(decorations.data.get(node.id) ?? {}) },
        position: { ...(layout.positions.get(node.id) ?? { x: 0, y: 0 }) },
        classes: (decorations.classes.get(node.id) ?? []).join(' '),
      });
    }
    for (const edge of model.edges) {
      elements.push({
        group: 'edges',
        data: { id: edge.id, source: edge.source, target: edge.target, ...(decorations.data.get(edge.id) ?? {}) },
        classes: (decorations.classes.get(edge.id) ?? []).join(' '),
      });
    }
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
    this.applied = decorations;
    this.cy.fit(undefined, 30);
    if (this.cy.zoom() > 1.2) this.cy.zoom(1.2).center();
  }

  /** Applies new decorations, touching only the elements whose classes or data changed. */
  decorate(next: Decorations): void {
    const previous = this.applied;
    this.cy.batch(() => {
      const ids = new Set([...previous.classes.keys(), ...next.classes.keys(), ...previous.data.keys(), ...next.data.keys()]);
      for (const id of ids) {
        const element = this.cy.getElementById(id);
        if (element.empty()) continue;
        const before = previous.classes.get(id) ?? [];
        const after = next.classes.get(id) ?? [];
        if (before.join(' ') !== after.join(' ')) element.classes(after);
        const oldData = previous.data.get(id);
        const newData = next.data.get(id);
        if (oldData !== newData && JSON.stringify(oldData) !== JSON.stringify(newData)) {
          // Keys that disappear are cleared (removing data fields is not possible; empty values hide labels).
          const cleared: Record<string, string> = {};
          for (const key of Object.keys(oldData ?? {})) cleared[key] = '';
          element.data({ ...cleared, ...(newData ?? {}) });
        }
      }
    });
    this.applied = next;
  }

  fit(elementIds?: readonly string[]): void {
    if (!elementIds || elementIds.length === 0) { this.cy.fit(undefined, 30); return; }
    let collection = this.cy.collection();
    for (const id of elementIds) collection = collection.union(this.cy.getElementById(id));
    if (collection.empty()) return;
    // Fitting a few nodes would zoom far in: no closer than 1.2× (labels are readable at 1).
    this.cy.fit(collection, 80);
    if (this.cy.zoom() > 1.2) {
      const box = collection.boundingBox();
      this.cy.zoom({ level: 1.2, position: { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 } });
    }
  }

  /** Pans so that the element is visible, without changing the zoom, if it is off screen. */
  reveal(elementId: string): void {
    const element = this.cy.getElementById(elementId);
    if (element.empty()) return;
    const box = element.renderedBoundingBox();
    const w = this.cy.width();
    const h = this.cy.height();
    if (box.x1 >= 0 && box.y1 >= 0 && box.x2 <= w && box.y2 <= h) return;
    this.cy.animate({ center: { eles: element }, duration: 150 });
  }

  zoom(factor: number): void {
    this.cy.zoom({ level: this.cy.zoom() * factor, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
  }

  /** The visible part of the graph, in model coordinates (for the minimap). */
  viewport(): { x1: number; y1: number; x2: number; y2: number } {
    const extent = this.cy.extent();
    return { x1: extent.x1, y1: extent.y1, x2: extent.x2, y2: extent.y2 };
  }

  panTo(x: number, y: number): void {
    const zoom = this.cy.zoom();
    this.cy.pan({ x: this.cy.width() / 2 - x * zoom, y: this.cy.height() / 2 - y * zoom });
  }

  /** The whole graph as a PNG (base64, no data: prefix). */
  png(): string {
    const uri = this.cy.png({ full: true, scale: 2, output: 'base64uri', bg: getComputedStyle(this.cy.container()!).backgroundColor || '#ffffff' }) as string;
    return uri.slice(uri.indexOf(',') + 1);
  }

  resize(): void {
    this.cy.resize();
  }

  /** For tests and the benchmark: the instance. */
  get core(): Core {
    return this.cy;
  }

  destroy(): void {
    this.cy.destroy();
  }
}
