/**
 * The graph on screen, drawn by layers of ours in one viewport (camera.ts) on two canvases: the
 * graph's (the edge layer, the node layer over it) and the step layer's over it; the pointer pans,
 * zooms, taps and hovers (pointerInput.ts). Decorations (classes and data per node) and the
 * keyboard's node redraw the graph's canvas; a step redraws the step layer only. A viewport change
 * redraws both in the next frame, once however many events came in it.
 */
import type { Decorations } from '../model/decorate';
import { elementIndex, type GraphModel, type NodeKind } from '../model/graph';
import type { Positions } from '../model/layout';
import { NO_MARKS, type StepMarks } from '../model/marks';
import { CONSTANT_HEIGHT, DETAIL_MIN_ZOOM, LABEL_FONT_SIZE, NODE_HEIGHT, NODE_WIDTH, PARENT_PADDING, type GraphTheme, type LookData, type NodeLook } from '../model/style';
import { Camera } from './camera';
import { bounds, FIT_PADDING, fitViewport, openingViewport, READABLE_ZOOM } from './fit';
import { distanceToPath, edgePaths, type EdgePath, type NodeBox, type Point } from './edgeGeometry';
import { beginLayer } from './draw';
import { drawEdges } from './edgeLayer';
import { NodeLayer, type DrawnNode, type NodeScene, type ParentBox } from './nodeLayer';
import { PointerInput } from './pointerInput';
import { StepLayer, type LayerGeometry, type Viewport as StepViewport } from './stepLayer';
import { safely } from '../ui/failures';

export type { Decorations };

export interface GraphViewEvents {
  onSelect(elementId: string | null): void;
  onViewport?(): void;
  /** The pointer is over an element (its position in the graph's container), or left it. */
  onHover?(elementId: string | null, at: Point | null): void;
}


/** The class of the node the keyboard is on (style.ts draws it). */
const KEYBOARD_FOCUS = 'keyboard-focus';
/** How long a pan to a node off screen glides. */
const REVEAL_MS = 150;
/** The pointer within this many screen pixels of a graph break is over it. */
const EDGE_HOVER_PX = 5;

export class GraphView {
  private readonly container: HTMLElement;
  private readonly camera: Camera;
  private readonly input: PointerInput;
  private applied: Decorations = { classes: new Map(), data: new Map() };
  private appliedMarks: StepMarks = NO_MARKS;
  private model: GraphModel | null = null;
  /** The edges and nodes: one canvas (one to size, clear and composite), redrawn together. */
  private readonly canvas: HTMLCanvasElement;
  private readonly nodeLayer = new NodeLayer();
  private readonly layer: StepLayer;
  private nodes: DrawnNode[] = [];
  private parents: ParentBox[] = [];
  private readonly boxes = new Map<string, NodeBox>();
  private paths = new Map<string, EdgePath>();
  private readonly geometry: LayerGeometry;
  private readonly scene: NodeScene;
  /** The frame that redraws the layers after the viewport moved, if one is asked for. */
  private frame: number | null = null;
  /** What the view follows on resize: the opening view, the whole graph, or nothing (the user moved it). */
  private autoFit: 'opening' | 'whole' | false = 'opening';
  private readonly resizeObserver: ResizeObserver;
  /** The element the keyboard is on (the `keyboard-focus` class), if any. */
  private keyboardFocus: string | null = null;
  /** The element under the pointer (a node, or a graph break), if any. */
  private hovered: string | null = null;
  /** The viewport moved since the layers were last drawn. */
  private viewportMoved = false;
  /** What the step layer shows. */
  private stepDrawn: { marks: StepMarks | null; view: StepViewport | null } = { marks: null, view: null };

  constructor(container: HTMLElement, private theme: GraphTheme, private readonly events: GraphViewEvents) {
    this.container = container;
    this.camera = new Camera(() => this.moved());
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'graph-layer';
    this.canvas.setAttribute('aria-hidden', 'true');
    container.prepend(this.canvas);
    this.layer = new StepLayer(container);
    this.geometry = { node: (id) => this.boxes.get(id), nodes: () => this.boxes, edge: (id) => this.paths.get(id) };
    this.scene = {
      nodes: [], parents: [],
      classes: (id) => this.classesOf(id),
      data: (id) => this.applied.data.get(id) as LookData | undefined,
    };
    // Every handler reports a failure instead of throwing out of an event listener (failures.ts).
    this.input = new PointerInput(container, {
      pan: safely('moving the view', (dx: number, dy: number) => { this.autoFit = false; this.camera.panBy(dx, dy); }),
      zoom: safely('zooming the view', (factor: number, at: Point) => { this.autoFit = false; this.camera.zoomAt(this.camera.zoom * factor, at); }),
      tap: safely('a click on the graph', (at: Point) => events.onSelect(this.nodeAt(at))),
      hover: safely('hovering the graph', (at: Point | null) => this.hoverAt(at)),
    });
    this.resizeObserver = new ResizeObserver(safely('resizing the graph', () => this.resize()));
    this.resizeObserver.observe(container);
  }

  /** Replaces the drawn graph, fitted to the view. */
  show(model: GraphModel, layout: Positions, decorations: Decorations, options: { groupByFunction?: boolean } = {}): void {
    this.model = model;
    this.boxes.clear();
    this.nodes = [];
    const members = new Map<string, { label: string; boxes: NodeBox[] }>();
    for (const node of model.nodes) {
      const at = layout.positions.get(node.id) ?? { x: 0, y: 0 };
      const box = { x: at.x, y: at.y, w: NODE_WIDTH, h: nodeHeight(node.kind) };
      this.boxes.set(node.id, box);
      this.nodes.push({ id: node.id, box, label: node.label });
      if (options.groupByFunction && node.fn) {
        const parent = members.get(node.fn) ?? { label: `${node.fn}()`, boxes: [] };
        parent.boxes.push(box);
        members.set(node.fn, parent);
      }
    }
    this.parents = [...members].map(([fn, { label, boxes }]) => {
      const { x1, y1, x2, y2 } = bounds(boxes);
      return { id: `fn:${fn}`, label, x1: x1 - PARENT_PADDING, y1: y1 - PARENT_PADDING, x2: x2 + PARENT_PADDING, y2: y2 + PARENT_PADDING };
    });
    Object.assign(this.scene, { nodes: this.nodes, parents: this.parents });
    this.paths = edgePaths(model.edges, this.boxes);
    this.applied = decorations;
    this.appliedMarks = NO_MARKS;
    this.keyboardFocus = null;
    this.hovered = null;
    // Fitted to the size last measured (a reveal still gliding toward a node of the graph before
    // ends); the frame that draws it measures again, with the page laid out, and fits it again if
    // that changed (a first graph: always) — one layout, not one here and one there.
    this.camera.set(openingViewport(this.boxes.values(), this.camera.view));
    this.autoFit = 'opening';
    this.drawSoon();
  }

  /** Draws nothing (the page shows a summary or a description instead). */
  clear(): void {
    this.model = null;
    this.boxes.clear();
    this.nodes = [];
    this.parents = [];
    Object.assign(this.scene, { nodes: this.nodes, parents: this.parents });
    this.paths = new Map();
    this.keyboardFocus = null;
    this.hovered = null;
    this.applied = { classes: new Map(), data: new Map() };
    this.appliedMarks = NO_MARKS;
    this.drawNow();
  }

  /** Where an edge's label sits on screen, in the container's pixels (for tests). */
  renderedMidpoint(edgeId: string): Point | null {
    const path = this.paths.get(edgeId);
    return path ? this.toScreen(path.mid) : null;
  }

  /** A node's box on screen, in the container's pixels (for tests). */
  renderedBox(elementId: string): { x1: number; y1: number; x2: number; y2: number } | null {
    const box = this.boxes.get(elementId);
    if (!box) return null;
    const a = this.toScreen({ x: box.x - box.w / 2, y: box.y - box.h / 2 });
    const b = this.toScreen({ x: box.x + box.w / 2, y: box.y + box.h / 2 });
    return { x1: a.x, y1: a.y, x2: b.x, y2: b.y };
  }

  /** The source and target element of an edge (for tests). */
  edgeEnds(edgeId: string): { source: string; target: string } | null {
    const edge = this.model ? elementIndex(this.model).edges.get(edgeId) : undefined;
    return edge ? { source: edge.source, target: edge.target } : null;
  }

  /** The drawn nodes (those with `className`, if given), with their labels (for tests and the benchmark). */
  elements(className?: string): { id: string; label: string }[] {
    return this.nodes.filter((node) => className === undefined || this.classesOf(node.id).includes(className)).map(({ id, label }) => ({ id, label }));
  }

  /** The functions' boxes drawn (grouping by function), with their labels and where they are on screen (for tests). */
  get functionBoxes(): readonly { id: string; label: string; x1: number; y1: number; x2: number; y2: number }[] {
    return this.parents.map(({ id, label, x1, y1, x2, y2 }) => {
      const a = this.toScreen({ x: x1, y: y1 });
      const b = this.toScreen({ x: x2, y: y2 });
      return { id, label, x1: a.x, y1: a.y, x2: b.x, y2: b.y };
    });
  }

  /** How a node is drawn now, at the level of detail of the view (for tests). */
  lookOf(elementId: string): NodeLook | null {
    return this.boxes.has(elementId) ? this.nodeLayer.look(this.scene, elementId, this.camera.zoom >= DETAIL_MIN_ZOOM, this.theme) : null;
  }

  /** Shows the marks of a step (what is pending, current, receiving, carried) on the step layer. */
  mark(marks: StepMarks): void {
    this.appliedMarks = marks;
    if (this.frame === null) this.drawStep();
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
    this.stepDrawn = { marks: null, view: null };
    this.drawNow();
  }

  /** Applies new decorations: the node layer is drawn again. */
  decorate(next: Decorations): void {
    if (next === this.applied) return;
    this.applied = next;
    this.drawNodes();
  }

  /** Marks the element the keyboard is on (null: none) and pans to it if it is off screen. */
  setKeyboardFocus(elementId: string | null): void {
    if (elementId === this.keyboardFocus) return;
    this.keyboardFocus = elementId !== null && this.boxes.has(elementId) ? elementId : null;
    this.drawNodes();
    if (this.keyboardFocus !== null) this.reveal(this.keyboardFocus);
  }

  /** The element marked as the keyboard's (for tests). */
  get focused(): string | null {
    return this.keyboardFocus;
  }

  /** Fits the whole graph, or the given elements (no closer than readable). */
  fit(elementIds?: readonly string[]): void {
    if (!elementIds || elementIds.length === 0) {
      this.camera.set(fitViewport(this.boxes.values(), this.camera.view, FIT_PADDING));
      this.autoFit = 'whole';
      return;
    }
    const boxes = elementIds.map((id) => this.boxes.get(id)).filter((b): b is NodeBox => b !== undefined);
    if (boxes.length === 0) return;
    // A graph that fits whole at a readable zoom stays whole (the elements are highlighted in it):
    // zooming in on one node would push its neighbours, the context of its gradient, out of view.
    const whole = fitViewport(this.boxes.values(), this.camera.view, FIT_PADDING);
    const focused = fitViewport(boxes, this.camera.view, 80);
    if (whole.zoom >= Math.min(focused.zoom, READABLE_ZOOM)) {
      this.camera.set(whole);
      this.autoFit = 'whole';
      return;
    }
    this.autoFit = false;
    this.camera.set(focused);
  }

  /** Pans so that the element is visible, without changing the zoom, if it is off screen. */
  reveal(elementId: string): void {
    const box = this.renderedBox(elementId);
    if (!box) return;
    const { width, height } = this.camera.view;
    if (box.x1 >= 0 && box.y1 >= 0 && box.x2 <= width && box.y2 <= height) return;
    this.camera.centreOn(this.boxes.get(elementId)!, REVEAL_MS);
  }

  zoom(factor: number): void {
    this.autoFit = false;
    const { width, height } = this.camera.view;
    this.camera.zoomAt(this.camera.zoom * factor, { x: width / 2, y: height / 2 });
  }

  /** The zoom, pan and size of the view now (for tests and the minimap's frame). */
  get viewState(): Readonly<{ zoom: number; pan: Point; width: number; height: number }> {
    return this.camera.view;
  }

  /** Sets the zoom about a model point kept where it is on screen, as a user would (for tests). */
  zoomTo(level: number, at: Point): void {
    this.autoFit = false;
    this.camera.zoomAt(level, this.toScreen(at));
  }

  /** The visible part of the graph, in model coordinates (for the minimap). */
  viewport(): { x1: number; y1: number; x2: number; y2: number } {
    return this.camera.extent();
  }

  panTo(x: number, y: number): void {
    this.autoFit = false;
    const { zoom, width, height } = this.camera.view;
    this.camera.set({ zoom, pan: { x: width / 2 - x * zoom, y: height / 2 - y * zoom } });
  }

  /** The whole graph with the marks of the step shown, as a PNG (base64, no data: prefix). */
  async png(): Promise<string> {
    const scale = 2;
    const margin = 20;
    const background = getComputedStyle(this.container).backgroundColor;
    let { x1, y1, x2, y2 } = bounds(this.boxes.values());
    for (const p of this.parents) [x1, y1, x2, y2] = [Math.min(x1, p.x1), Math.min(y1, p.y1 - 2 * LABEL_FONT_SIZE), Math.max(x2, p.x2), Math.max(y2, p.y2)];
    for (const path of this.paths.values()) [x1, y1, x2, y2] = [Math.min(x1, path.box.x1), Math.min(y1, path.box.y1), Math.max(x2, path.box.x2), Math.max(y2, path.box.y2)];
    if (!Number.isFinite(x1)) [x1, y1, x2, y2] = [0, 0, 0, 0];
    [x1, y1, x2, y2] = [x1 - margin, y1 - margin, x2 + margin, y2 + margin];
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil((x2 - x1) * scale);
    canvas.height = Math.ceil((y2 - y1) * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = background && background !== 'rgba(0, 0, 0, 0)' ? background : this.theme.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const view = { zoom: scale, pan: { x: -x1 * scale, y: -y1 * scale }, width: canvas.width, height: canvas.height };
    drawEdges(this.model?.edges ?? [], this.paths, view, this.theme, { ctx, dpr: 1 });
    // The picture has every detail, whatever the zoom on screen, and not the keyboard's mark.
    const focus = this.keyboardFocus;
    this.keyboardFocus = null;
    try {
      this.nodeLayer.draw(this.scene, view, this.theme, { ctx, dpr: 1 }, { detail: 'all' });
    } finally {
      this.keyboardFocus = focus;
    }
    this.layer.draw(this.appliedMarks, this.geometry, view, this.theme, ctx);
    const uri = canvas.toDataURL('image/png');
    return uri.slice(uri.indexOf(',') + 1);
  }

  /** The container changed size (told after layout, before paint): measured again, fitted again if the view follows the fit, drawn now. */
  resize(): void {
    if (this.fitSize()) this.drawNow();
  }

  /** The nodes drawn with their details (borders, labels) now: those in view, once the zoom shows them (for tests). */
  get detail(): ReadonlySet<string> {
    const detailed = new Set<string>();
    if (this.camera.zoom < DETAIL_MIN_ZOOM) return detailed;
    const { x1, y1, x2, y2 } = this.camera.extent();
    for (const [id, b] of this.boxes) {
      if (b.x + b.w / 2 >= x1 && b.x - b.w / 2 <= x2 && b.y + b.h / 2 >= y1 && b.y - b.h / 2 <= y2) detailed.add(id);
    }
    return detailed;
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.camera.stop();
    this.input.dispose();
    this.resizeObserver.disconnect();
    this.layer.canvas.remove();
    this.canvas.remove();
  }

  // ---- Drawing -------------------------------------------------------------------------------

  private classesOf(id: string): readonly string[] {
    const classes = this.applied.classes.get(id) ?? [];
    return id === this.keyboardFocus ? [...classes, KEYBOARD_FOCUS] : classes;
  }

  /** The viewport moved: the layers follow in the next frame (and the minimap, told then). */
  private moved(): void {
    this.viewportMoved = true;
    this.drawSoon();
  }

  /**
   * Draws every layer in the next frame, once however many changes come before it. A graph just
   * shown is drawn there too: by then the page around it is laid out (the bars filled in the same
   * task), so it is measured, fitted and drawn once, at the size it is painted at.
   */
  private drawSoon(): void {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(safely('drawing the graph', () => {
      this.fitSize(); // may move the camera: moved() finds this frame still asked for
      this.frame = null;
      this.drawNow();
    }));
  }

  private drawNow(): void {
    if (this.frame !== null) { cancelAnimationFrame(this.frame); this.frame = null; }
    this.drawGraph();
    this.drawStep();
    if (this.viewportMoved) {
      this.viewportMoved = false;
      this.hovered = null; // the renderer hides the tooltip on a move: the next pointer move shows it again
      this.events.onViewport?.();
    }
  }

  /** The graph's canvas now, unless a frame that draws every layer is on its way. */
  private drawNodes(): void {
    if (this.frame === null) this.drawGraph();
  }

  /** Edges, then nodes over them, on the graph's canvas. */
  private drawGraph(): void {
    const view = this.camera.view;
    const target = beginLayer(this.canvas, view);
    if (!target) return;
    drawEdges(this.model?.edges ?? [], this.paths, view, this.theme, target);
    this.nodeLayer.draw(this.scene, view, this.theme, target);
  }

  /** The step layer, unless it shows these marks in this viewport already. */
  private drawStep(): void {
    const view = this.camera.view;
    if (this.stepDrawn.marks === this.appliedMarks && this.stepDrawn.view === view) return;
    this.layer.draw(this.appliedMarks, this.geometry, view, this.theme);
    this.stepDrawn = { marks: this.appliedMarks, view };
  }

  /** Measures the container; a size that changed is fitted again while the view follows the automatic fit. */
  private fitSize(): boolean {
    const { width, height } = this.camera.view;
    this.measure();
    if (this.camera.view.width === width && this.camera.view.height === height) return false;
    if (this.autoFit !== false && this.model) {
      this.camera.set(this.autoFit === 'opening' ? openingViewport(this.boxes.values(), this.camera.view) : fitViewport(this.boxes.values(), this.camera.view, FIT_PADDING));
    }
    return true;
  }

  private measure(): void {
    this.camera.setSize(this.container.clientWidth, this.container.clientHeight);
  }

  private toScreen(p: Point): Point {
    const { zoom, pan } = this.camera.view;
    return { x: p.x * zoom + pan.x, y: p.y * zoom + pan.y };
  }

  private toModel(p: Point): Point {
    const { zoom, pan } = this.camera.view;
    return { x: (p.x - pan.x) / zoom, y: (p.y - pan.y) / zoom };
  }

  // ---- Pointer -------------------------------------------------------------------------------

  /** The node under a point of the container, if any. */
  private nodeAt(at: Point): string | null {
    const p = this.toModel(at);
    for (const node of this.nodes) {
      const b = node.box;
      if (Math.abs(p.x - b.x) <= b.w / 2 && Math.abs(p.y - b.y) <= b.h / 2) return node.id;
    }
    return null;
  }

  /** The pointer moved to `at` (null: it left): the node or graph break under it is told when it changes. */
  private hoverAt(at: Point | null): void {
    const next = at === null ? null : this.nodeAt(at) ?? this.cutEdgeAt(this.toModel(at));
    if (next === this.hovered) return;
    if (this.hovered !== null) this.events.onHover?.(null, null);
    this.hovered = next;
    if (next !== null) this.events.onHover?.(next, at);
  }

  /** The graph break near a model point (within a few screen pixels), if any. */
  private cutEdgeAt(at: Point): string | null {
    const tolerance = EDGE_HOVER_PX / this.camera.zoom;
    for (const edge of this.model?.edges ?? []) {
      if (!edge.cut) continue;
      const path = this.paths.get(edge.id);
      if (!path || at.x < path.box.x1 - tolerance || at.x > path.box.x2 + tolerance || at.y < path.box.y1 - tolerance || at.y > path.box.y2 + tolerance) continue;
      if (distanceToPath(path, at) <= tolerance) return edge.id;
    }
    return null;
  }
}

function nodeHeight(kind: NodeKind): number {
  return kind === 'constant' ? CONSTANT_HEIGHT : NODE_HEIGHT;
}
