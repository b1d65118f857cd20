/**
 * The one module that touches the live Cytoscape instance. Three layers draw the graph: the edge
 * layer (under), Cytoscape's nodes at precomputed positions, and the step layer (over). Cytoscape
 * gets decorations (classes and data) when they change, only what changed and in one batch, and
 * the `detail` class on the nodes in view (level of detail, see style.ts). A step redraws the step
 * layer only: it touches no Cytoscape element, so Cytoscape's cached textures survive it.
 */
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import type { Decorations } from '../model/decorate';
import { elementIndex, type GraphModel, type NodeKind } from '../model/graph';
import type { Positions } from '../model/layout';
import { NO_MARKS, type StepMarks } from '../model/marks';
import { CONSTANT_HEIGHT, DETAIL_MIN_ZOOM, graphStylesheet, NODE_HEIGHT, NODE_WIDTH, type GraphTheme } from '../model/style';
import { distanceToPath, edgePaths, type EdgePath, type NodeBox, type Point } from './edgeGeometry';
import { EdgeLayer } from './edgeLayer';
import { StepLayer, type LayerGeometry } from './stepLayer';
import { safely } from '../ui/failures';

export type { Decorations };

export interface GraphViewEvents {
  onSelect(elementId: string | null): void;
  onViewport?(): void;
  /** The pointer is over an element (its position in the graph's container), or left it. */
  onHover?(elementId: string | null, at: Point | null): void;
}

interface Viewport { zoom: number; pan: Point }

/** Padding around the graph when it is fitted, in screen pixels. */
const FIT_PADDING = 30;
/** No closer than this when fitting: labels are readable at 1. */
const FIT_MAX_ZOOM = 1.2;
/** The zoom at which node labels read comfortably: a whole-graph fit at least this close is kept. */
const READABLE_ZOOM = 0.8;
/** Labels are drawn from this zoom on (their 11 px at Cytoscape's min-zoomed-font-size of 7). */
const LABEL_ZOOM = 0.7;
/**
 * A graph whose whole-graph fit would hide its labels, but that is at most this many times
 * wider or taller than the view at LABEL_ZOOM, opens at LABEL_ZOOM on its heads instead: a row of
 * a dozen layers is read, not seen as a strip of coloured boxes. Bigger graphs open whole.
 */
const OPEN_READABLE_SPAN = 2.5;
/** The class of the node the keyboard is on (style.ts draws it). */
const KEYBOARD_FOCUS = 'keyboard-focus';
/** How long the viewport must rest before the level of detail follows it. */
const DETAIL_DELAY_MS = 90;

export class GraphView {
  private readonly cy: Core;
  private applied: Decorations = { classes: new Map(), data: new Map() };
  private appliedMarks: StepMarks = NO_MARKS;
  private readonly layer: StepLayer;
  private model: GraphModel | null = null;
  private readonly edgeLayer: EdgeLayer;
  private readonly boxes = new Map<string, NodeBox>();
  private paths = new Map<string, EdgePath>();
  private readonly geometry: LayerGeometry;
  /** Elements with the `detail` class. */
  private detailed = new Set<string>();
  private detailTimer: ReturnType<typeof setTimeout> | null = null;
  /** The view is the automatic fit (no pan or zoom by the user yet): a resize fits again. */
  /** What the view follows on resize: the opening view, the whole graph, or nothing (the user moved it). */
  private autoFit: 'opening' | 'whole' | false = 'opening';
  private readonly resizeObserver: ResizeObserver;
  /** The element the keyboard is on (the `keyboard-focus` class), if any. */
  private keyboardFocus: string | null = null;

  constructor(container: HTMLElement, private theme: GraphTheme, events: GraphViewEvents) {
    this.cy = cytoscape({
      container,
      style: graphStylesheet(theme) as unknown as cytoscape.StylesheetJson,
      layout: { name: 'preset' },
      // "Fit" shows the whole graph, however large (a chain of 10,000 nodes is ~1.2M px long).
      minZoom: 0.0005,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: true,
      // Speed for large graphs: a cached bitmap while panning/zooming, no motion blur.
      textureOnViewport: true,
      motionBlur: false,
      pixelRatio: 1,
    });
    // Every handler reports a failure instead of throwing out of Cytoscape's event loop (failures.ts).
    this.cy.on('tap', 'node', safely('selecting a node', (event: cytoscape.EventObject) => events.onSelect(event.target.id())));
    this.cy.on('tap', safely('a click on the graph', (event: cytoscape.EventObject) => { if (event.target === this.cy) events.onSelect(null); }));
    this.cy.on('viewport', safely('moving the view', () => {
      this.drawLayers();
      this.scheduleDetail();
      events.onViewport?.();
    }));
    this.cy.on('mouseover', 'node', safely('hovering a node', (event: cytoscape.EventObject) => events.onHover?.(event.target.id(), event.renderedPosition ?? null)));
    this.cy.on('mouseout', 'node', safely('hovering a node', () => events.onHover?.(null, null)));
    // Edges are not Cytoscape elements: the pointer over a graph break is found here.
    let hovered: string | null = null;
    this.cy.on('mousemove', safely('hovering the graph', (event: cytoscape.EventObject) => {
      if (event.target !== this.cy) return;
      const edge = this.cutEdgeAt(event.position);
      if (edge === null && hovered === null) return;
      hovered = edge;
      events.onHover?.(edge, edge ? event.renderedPosition : null);
    }));
    // Cytoscape builds its layered texture cache synchronously the first time it draws, and in
    // idle frames after that. Drawing the empty graph once, now, keeps that build off the first
    // frame of a real graph (for 1,000 nodes fitted, a 7,000 × 2,000 px layer before anything shows).
    const renderTo = (this.cy as unknown as { renderTo?: (cxt: CanvasRenderingContext2D, zoom: number, pan: Point, pxRatio: number) => void }).renderTo;
    const scratch = document.createElement('canvas').getContext('2d');
    if (typeof renderTo === 'function' && scratch) renderTo.call(this.cy, scratch, 1, { x: 0, y: 0 }, 1);
    // The user moving the view ends the automatic fit.
    this.cy.on('dragpan scrollzoom pinchzoom', () => { this.autoFit = false; });
    this.resizeObserver = new ResizeObserver(safely('resizing the graph', () => this.resize()));
    this.resizeObserver.observe(container);
    this.edgeLayer = new EdgeLayer(container);
    this.layer = new StepLayer(container);
    this.geometry = { node: (id) => this.boxes.get(id), nodes: () => this.boxes, edge: (id) => this.paths.get(id) };
  }

  /** Replaces the drawn graph, fitted to the view. */
  show(model: GraphModel, layout: Positions, decorations: Decorations, options: { groupByFunction?: boolean } = {}): void {
    this.model = model;
    this.cy.resize(); // the container may have changed size since Cytoscape last looked
    this.boxes.clear();
    for (const node of model.nodes) {
      const at = layout.positions.get(node.id) ?? { x: 0, y: 0 };
      this.boxes.set(node.id, { x: at.x, y: at.y, w: NODE_WIDTH, h: nodeHeight(node.kind) });
    }
    this.paths = edgePaths(model.edges, this.boxes);
    // The viewport first, from the layout: the elements then come with their level of detail.
    const viewport = this.openingViewport();
    this.detailed = this.detailFor(viewport);
    const classes = (id: string) => [...(decorations.classes.get(id) ?? []), ...(this.detailed.has(id) ? ['detail'] : [])].join(' ');
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
        classes: classes(node.id),
      });
    }
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
    this.applied = decorations;
    this.appliedMarks = NO_MARKS;
    this.keyboardFocus = null;
    // A reveal still animating toward a node of the graph shown before would carry the camera off this one.
    this.cy.stop(true, false);
    this.cy.viewport(viewport);
    this.autoFit = 'opening';
    this.drawLayers();
  }

  /** Draws nothing (the page shows a summary or a description instead). */
  clear(): void {
    this.model = null;
    this.boxes.clear();
    this.paths = new Map();
    this.detailed = new Set();
    this.keyboardFocus = null;
    this.cy.elements().remove();
    this.applied = { classes: new Map(), data: new Map() };
    this.appliedMarks = NO_MARKS;
    this.drawLayers();
  }

  /** Where an edge's label sits on screen, in the container's pixels (for tests). */
  renderedMidpoint(edgeId: string): Point | null {
    const path = this.paths.get(edgeId);
    if (!path) return null;
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    return { x: path.mid.x * zoom + pan.x, y: path.mid.y * zoom + pan.y };
  }

  /** The source and target element of an edge (for tests: edges are drawn, not Cytoscape elements). */
  edgeEnds(edgeId: string): { source: string; target: string } | null {
    const edge = this.model ? elementIndex(this.model).edges.get(edgeId) : undefined;
    return edge ? { source: edge.source, target: edge.target } : null;
  }

  /** Shows the marks of a step (what is pending, current, receiving, carried) on the step layer. */
  mark(marks: StepMarks): void {
    this.appliedMarks = marks;
    this.drawLayer();
  }

  /** The marks shown (for tests). */
  get marks(): StepMarks {
    return this.appliedMarks;
  }

  /** The colours drawn with now (for tests). */
  get colors(): GraphTheme {
    return this.theme;
  }

  setTheme(theme: GraphTheme): void {
    this.theme = theme;
    this.cy.style(graphStylesheet(theme) as unknown as cytoscape.StylesheetJson);
    this.drawLayers();
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
        if (before.join(' ') !== after.join(' ')) element.classes([...after, ...(this.detailed.has(id) ? ['detail'] : []), ...(id === this.keyboardFocus ? [KEYBOARD_FOCUS] : [])]);
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

  /** Marks the element the keyboard is on (null: none) and pans to it if it is off screen. */
  setKeyboardFocus(elementId: string | null): void {
    if (elementId === this.keyboardFocus) return;
    if (this.keyboardFocus !== null) this.cy.getElementById(this.keyboardFocus).removeClass(KEYBOARD_FOCUS);
    this.keyboardFocus = elementId !== null && this.boxes.has(elementId) ? elementId : null;
    if (this.keyboardFocus === null) return;
    this.cy.getElementById(this.keyboardFocus).addClass(KEYBOARD_FOCUS);
    this.reveal(this.keyboardFocus);
  }

  /** The element marked as the keyboard's (for tests). */
  get focused(): string | null {
    return this.keyboardFocus;
  }

  /** Fits the whole graph, or the given elements (no closer than readable). */
  fit(elementIds?: readonly string[]): void {
    this.cy.stop(true, false); // an animation under way would move the camera after the fit
    if (!elementIds || elementIds.length === 0) {
      this.cy.viewport(this.fitViewport(this.boxes.values(), FIT_PADDING));
      this.autoFit = 'whole';
      return;
    }
    const boxes = elementIds.map((id) => this.boxes.get(id)).filter((b): b is NodeBox => b !== undefined);
    if (boxes.length === 0) return;
    // A graph that fits whole at a readable zoom stays whole (the elements are highlighted in it):
    // zooming in on one node would push its neighbours, the context of its gradient, out of view.
    const whole = this.fitViewport(this.boxes.values(), FIT_PADDING);
    const focused = this.fitViewport(boxes, 80);
    if (whole.zoom >= Math.min(focused.zoom, READABLE_ZOOM)) {
      this.cy.viewport(whole);
      this.autoFit = 'whole';
      return;
    }
    this.autoFit = false;
    this.cy.viewport(focused);
  }

  /** Pans so that the element is visible, without changing the zoom, if it is off screen. */
  reveal(elementId: string): void {
    const box = this.boxes.get(elementId);
    if (!box) return;
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    const [x1, y1] = [(box.x - box.w / 2) * zoom + pan.x, (box.y - box.h / 2) * zoom + pan.y];
    const [x2, y2] = [(box.x + box.w / 2) * zoom + pan.x, (box.y + box.h / 2) * zoom + pan.y];
    if (x1 >= 0 && y1 >= 0 && x2 <= this.cy.width() && y2 <= this.cy.height()) return;
    this.cy.animate({ center: { eles: this.cy.getElementById(elementId) }, duration: 150 });
  }

  zoom(factor: number): void {
    this.autoFit = false;
    this.cy.zoom({ level: this.cy.zoom() * factor, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
  }

  /** The visible part of the graph, in model coordinates (for the minimap). */
  viewport(): { x1: number; y1: number; x2: number; y2: number } {
    const extent = this.cy.extent();
    return { x1: extent.x1, y1: extent.y1, x2: extent.x2, y2: extent.y2 };
  }

  panTo(x: number, y: number): void {
    this.autoFit = false;
    const zoom = this.cy.zoom();
    this.cy.pan({ x: this.cy.width() / 2 - x * zoom, y: this.cy.height() / 2 - y * zoom });
  }

  /** The whole graph with the marks of the step shown, as a PNG (base64, no data: prefix). */
  async png(): Promise<string> {
    const scale = 2;
    const margin = 20;
    const background = getComputedStyle(this.cy.container()!).backgroundColor;
    // The picture has every detail, whatever the zoom on screen, and not the keyboard's mark.
    this.cy.batch(() => this.cy.nodes().addClass('detail').removeClass(KEYBOARD_FOCUS));
    try {
      const nodes = this.cy.png({ full: true, scale, output: 'base64uri' }) as string;
      const nodesBox = this.cy.elements().boundingBox();
      let [x1, y1, x2, y2] = [nodesBox.x1, nodesBox.y1, nodesBox.x2, nodesBox.y2];
      for (const path of this.paths.values()) {
        [x1, y1, x2, y2] = [Math.min(x1, path.box.x1), Math.min(y1, path.box.y1), Math.max(x2, path.box.x2), Math.max(y2, path.box.y2)];
      }
      [x1, y1, x2, y2] = [x1 - margin, y1 - margin, x2 + margin, y2 + margin];
      const image = new Image();
      image.src = nodes;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil((x2 - x1) * scale);
      canvas.height = Math.ceil((y2 - y1) * scale);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = background && background !== 'rgba(0, 0, 0, 0)' ? background : this.theme.background;
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      const view = { zoom: scale, pan: { x: -x1 * scale, y: -y1 * scale }, width: canvas.width, height: canvas.height };
      this.edgeLayer.draw(this.model?.edges ?? [], this.paths, view, this.theme, ctx);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(image, (nodesBox.x1 - x1) * scale, (nodesBox.y1 - y1) * scale);
      this.layer.draw(this.appliedMarks, this.geometry, view, this.theme, ctx);
      const uri = canvas.toDataURL('image/png');
      return uri.slice(uri.indexOf(',') + 1);
    } finally {
      this.cy.batch(() => {
        this.cy.nodes().removeClass('detail');
        for (const id of this.detailed) this.cy.getElementById(id).addClass('detail');
        if (this.keyboardFocus !== null) this.cy.getElementById(this.keyboardFocus).addClass(KEYBOARD_FOCUS);
      });
    }
  }

  /** The container changed size: Cytoscape measures again, and an automatic fit is redone. */
  resize(): void {
    this.cy.resize();
    if (this.autoFit !== false && this.model) {
      this.cy.viewport(this.autoFit === 'opening' ? this.openingViewport() : this.fitViewport(this.boxes.values(), FIT_PADDING));
    }
    this.drawLayers();
    this.scheduleDetail();
  }

  /** Elements with the `detail` class now (for tests). */
  get detail(): ReadonlySet<string> {
    return this.detailed;
  }

  /** For tests and the benchmark: the instance. */
  get core(): Core {
    return this.cy;
  }

  destroy(): void {
    if (this.detailTimer) clearTimeout(this.detailTimer);
    this.resizeObserver.disconnect();
    this.cy.destroy();
    this.layer.canvas.remove();
    this.edgeLayer.canvas.remove();
  }

  // ---- Level of detail -------------------------------------------------------------------------

  private scheduleDetail(): void {
    if (this.detailTimer) clearTimeout(this.detailTimer);
    this.detailTimer = setTimeout(safely('showing labels', () => { this.detailTimer = null; this.updateDetail(); }), DETAIL_DELAY_MS);
  }

  /** Moves the `detail` class to what is in view now, changing only the elements that differ. */
  private updateDetail(): void {
    if (!this.model) return;
    const next = this.detailFor({ zoom: this.cy.zoom(), pan: this.cy.pan() });
    const added = [...next].filter((id) => !this.detailed.has(id));
    const removed = [...this.detailed].filter((id) => !next.has(id));
    if (added.length === 0 && removed.length === 0) return;
    this.cy.batch(() => {
      for (const id of added) this.cy.getElementById(id).addClass('detail');
      for (const id of removed) this.cy.getElementById(id).removeClass('detail');
    });
    this.detailed = next;
  }

  /** The nodes in (or near) the view at this viewport; none when zoomed far out. */
  private detailFor(viewport: Viewport): Set<string> {
    const detailed = new Set<string>();
    if (!this.model || viewport.zoom < DETAIL_MIN_ZOOM) return detailed;
    const { zoom, pan } = viewport;
    const [w, h] = [this.cy.width() / zoom, this.cy.height() / zoom];
    const [x1, y1] = [-pan.x / zoom - w / 4, -pan.y / zoom - h / 4];
    const [x2, y2] = [x1 + w * 1.5, y1 + h * 1.5];
    for (const [id, box] of this.boxes) {
      if (box.x + box.w / 2 >= x1 && box.x - box.w / 2 <= x2 && box.y + box.h / 2 >= y1 && box.y - box.h / 2 <= y2) detailed.add(id);
    }
    return detailed;
  }

  /**
   * The first view of a graph: the whole graph fitted, unless that hides the labels of a graph
   * only a little too big (OPEN_READABLE_SPAN): then LABEL_ZOOM, with the heads (the right
   * edge, where backward starts) in view and the graph centred across.
   */
  private openingViewport(): Viewport {
    const whole = this.fitViewport(this.boxes.values(), FIT_PADDING);
    if (whole.zoom >= LABEL_ZOOM || whole.zoom * OPEN_READABLE_SPAN < LABEL_ZOOM) return whole;
    const { x1, y1, x2, y2 } = bounds(this.boxes.values());
    const [w, h] = [this.cy.width(), this.cy.height()];
    const zoom = LABEL_ZOOM;
    // Across the rows: centred if it fits, else from the top. Along: the right edge in view.
    const panX = (x2 - x1) * zoom <= w - 2 * FIT_PADDING ? w / 2 - zoom * (x1 + x2) / 2 : w - FIT_PADDING - zoom * x2;
    const panY = (y2 - y1) * zoom <= h - 2 * FIT_PADDING ? h / 2 - zoom * (y1 + y2) / 2 : FIT_PADDING - zoom * y1;
    return { zoom, pan: { x: panX, y: panY } };
  }

  /** The zoom and pan that show these boxes with `padding` screen pixels around, no closer than readable. */
  private fitViewport(boxes: Iterable<NodeBox>, padding: number): Viewport {
    const { x1, y1, x2, y2 } = bounds(boxes);
    const [w, h] = [this.cy.width(), this.cy.height()];
    if (!Number.isFinite(x1) || w <= 0 || h <= 0) return { zoom: 1, pan: { x: w / 2, y: h / 2 } };
    const fitted = Math.min((w - 2 * padding) / Math.max(1, x2 - x1), (h - 2 * padding) / Math.max(1, y2 - y1));
    const zoom = Math.max(this.cy.minZoom(), Math.min(FIT_MAX_ZOOM, fitted));
    return { zoom, pan: { x: w / 2 - zoom * (x1 + x2) / 2, y: h / 2 - zoom * (y1 + y2) / 2 } };
  }

  // ---- Edge and step layers ------------------------------------------------------------------

  private drawLayers(): void {
    const view = { zoom: this.cy.zoom(), pan: this.cy.pan(), width: this.cy.width(), height: this.cy.height() };
    this.edgeLayer.draw(this.model?.edges ?? [], this.paths, view, this.theme);
    this.layer.draw(this.appliedMarks, this.geometry, view, this.theme);
  }

  private drawLayer(): void {
    this.layer.draw(this.appliedMarks, this.geometry, { zoom: this.cy.zoom(), pan: this.cy.pan(), width: this.cy.width(), height: this.cy.height() }, this.theme);
  }

  /** The graph break under the pointer (within a few screen pixels), if any. */
  private cutEdgeAt(at: Point): string | null {
    const tolerance = 5 / this.cy.zoom();
    for (const edge of this.model?.edges ?? []) {
      if (!edge.cut) continue;
      const path = this.paths.get(edge.id);
      if (!path || at.x < path.box.x1 - tolerance || at.x > path.box.x2 + tolerance || at.y < path.box.y1 - tolerance || at.y > path.box.y2 + tolerance) continue;
      if (distanceToPath(path, at) <= tolerance) return edge.id;
    }
    return null;
  }
}

/** The rectangle around boxes (infinite extents for none). */
function bounds(boxes: Iterable<NodeBox>): { x1: number; y1: number; x2: number; y2: number } {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    x1 = Math.min(x1, b.x - b.w / 2);
    y1 = Math.min(y1, b.y - b.h / 2);
    x2 = Math.max(x2, b.x + b.w / 2);
    y2 = Math.max(y2, b.y + b.h / 2);
  }
  return { x1, y1, x2, y2 };
}

function nodeHeight(kind: NodeKind): number {
  return kind === 'constant' ? CONSTANT_HEIGHT : NODE_HEIGHT;
}
