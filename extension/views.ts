/**
 * The views in Run and Debug: "Autograd Graph" (the last run's recordings and backward passes —
 * a line that ran many times, as in a training loop, as one item holding its passes — and their
 * nodes with shape and value/gradient), "Gradients" (each attached variable — one item for an
 * array followed over a run, with ‖∇‖ first → last — with its final gradient and, after "Check Gradients Numerically", its gradcheck result) and "Anomalies & Graph Breaks". Clicking an item selects its node in the inspector and
 * shows its line; a node selected in the inspector is revealed in the graph view.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { describeGradcheck, describeTolerance, latestGradchecks } from '../protocol/query/gradcheck';
import { nodeNames } from '../protocol/query/names';
import { indexTrace } from '../protocol/query/indexTrace';
import { selectNodes } from '../protocol/query/select';
import { formatNumber, formatShape, formatTensorShort } from '../protocol/query/format';
import type { GraphSelection, Selection, SourceRef } from '../protocol/messages';
import { lossRange, passLineKey, seriesOf } from '../protocol/query/training';
import { isKept, type BackwardPass, type Source, type Trace, type TraceNode } from '../protocol/trace';
import { Disposable } from './dispose';
import { holdsGraph, NOT_LOADED, stepCount } from './heldParts';

/** A pass's steps, and its loss when it has one. */
function passDescription(trace: Trace, pass: BackwardPass): string {
  const count = stepCount(trace, pass);
  const steps = `${count} step${count === 1 ? '' : 's'}`;
  const loss = lossRange([pass]);
  return loss ? `loss ${formatNumber(loss.first)} · ${steps}` : steps;
}

/** A line that ran backward many times: how many, the loss first → last. */
function lineDescription(passes: readonly BackwardPass[]): string {
  const loss = lossRange(passes);
  return `×${passes.length}${loss ? ` · loss ${formatNumber(loss.first)} → ${formatNumber(loss.last)}` : ''}`;
}
import type { RunRecord, Runs } from './runs';
import { plainText, safe } from './untrusted';

/** An item of the views: a line that ran backward many times, a group (recording or pass), a node, or an anomaly or graph break. */
export type Item =
  | { kind: 'line'; key: string; label: string; description: string; passes: Item[] }
  | { kind: 'group'; selection: Selection; label: string; description: string; nodeIds: number[]; parent: Item | null }
  /** `history`: a variable followed over a run (one array across its passes), ‖∇‖ first → last. */
  | { kind: 'node'; node: TraceNode; parent: Item | null; history?: string }
  | { kind: 'issue'; label: string; detail: string; nodeId: number | null; ref: SourceRef; severity: 'anomaly' | 'break' }
  /** Something of a graph whose part is not loaded (a trace opened in parts): the inspector loads it. `key`: unique in its view. */
  | { kind: 'unloaded'; key: string; label: string; selection: GraphSelection; parent: Item | null }
  | { kind: 'empty'; label: string };

function nodeIcon(node: TraceNode, trace: Trace): vscode.ThemeIcon {
  if (trace.anomalies.some((a) => a.node === node.id)) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (node.kind === 'variable') return new vscode.ThemeIcon('symbol-variable');
  if (node.kind === 'constant') return new vscode.ThemeIcon('symbol-constant');
  return new vscode.ThemeIcon('symbol-operator');
}

abstract class TraceTree extends Disposable implements vscode.TreeDataProvider<Item> {
  protected record: RunRecord | null;
  private readonly changed = this.register(new vscode.EventEmitter<Item | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(runs: Runs) {
    super();
    this.record = runs.last();
    this.register(runs.onDidRun((record) => { this.record = record; this.changed.fire(undefined); }));
  }

  abstract getChildren(element?: Item): Item[];

  getParent(element: Item): Item | null {
    return element.kind === 'node' || element.kind === 'group' || element.kind === 'unloaded' ? element.parent : null;
  }

  getTreeItem(element: Item): vscode.TreeItem {
    const trace = this.record?.trace;
    switch (element.kind) {
      case 'empty':
        return new vscode.TreeItem(element.label);
      case 'line': {
        const item = new vscode.TreeItem(plainText(element.label), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `line:${element.key}`;
        item.description = plainText(element.description);
        item.iconPath = new vscode.ThemeIcon('history');
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(plainText(element.label), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${element.selection.kind}${element.selection.id}`;
        item.description = plainText(element.description);
        item.iconPath = new vscode.ThemeIcon(element.selection.kind === 'pass' ? 'debug-step-back' : 'record');
        item.command = { title: 'Open in the inspector', command: 'gradlens.openInspectorAt', arguments: [vscode.Uri.file(this.record!.file), element.selection] };
        item.contextValue = 'group';
        return item;
      }
      case 'node': {
        const node = element.node;
        const name = nodeNames(trace!).get(node.id);
        const item = new vscode.TreeItem(name ? safe.plain`${name} = ${node.op}` : plainText(node.op));
        item.id = `${element.parent?.kind === 'group' ? `${element.parent.selection.kind}${element.parent.selection.id}/` : ''}n${node.id}`;
        item.description = `${element.history ? `${element.history} · ` : ''}${formatShape(node.shape)} · ${formatTensorShort(node.value, 4)}${node.grad ? ` · ∇ ${formatTensorShort(node.grad, 4)}` : ''}`;
        item.tooltip = safe.plain`${node.kind} ${node.op} ${formatShape(node.shape)} ${node.dtype}` + (node.source ? `\n${safe.plain`${basename(node.source.file)}:${node.source.line}  ${node.source.text.trim()}`}` : '');
        item.iconPath = nodeIcon(node, trace!);
        item.command = { title: 'Show the node', command: 'gradlens.focusNodes', arguments: [this.record!.file, [node.id]] };
        item.contextValue = node.kind;
        return item;
      }
      case 'unloaded': {
        const item = new vscode.TreeItem(plainText(element.label));
        item.id = `unloaded:${element.key}`;
        item.iconPath = new vscode.ThemeIcon('cloud-download');
        item.command = { title: 'Open in the inspector', command: 'gradlens.openInspectorAt', arguments: [vscode.Uri.file(this.record!.file), element.selection] };
        return item;
      }
      case 'issue': {
        const item = new vscode.TreeItem(plainText(element.label));
        item.description = plainText(element.detail);
        item.tooltip = plainText(element.label, { multiline: true });
        item.iconPath = element.severity === 'anomaly' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('debug-disconnect');
        item.command = { title: 'Show where', command: 'gradlens.focusNodes', arguments: [this.record!.file, element.nodeId === null ? [] : [element.nodeId], element.ref] };
        return item;
      }
    }
  }
}

/** Backward passes (those of a line that ran many times under that line) and recordings, each with its nodes. */
export class GraphTree extends TraceTree {
  /** Every pass and recording item, in order (what itemOf searches). */
  private groups: Item[] = [];
  private roots: Item[] = [];

  getChildren(element?: Item): Item[] {
    const trace = this.record?.trace;
    if (!trace) return []; // the view's welcome content says what to do
    if (!element) {
      const line = (source: Source | null) => (source ? `line ${source.line}` : '');
      const title = (p: BackwardPass) => `${p.kind === 'grad' ? 'autograd.grad' : 'backward'} · ${line(p.source)}`;
      const byLine = new Map<string, BackwardPass[]>();
      for (const p of trace.backwardPasses) {
        const key = passLineKey(p);
        byLine.set(key, [...(byLine.get(key) ?? []), p]);
      }
      this.groups = [];
      this.roots = [];
      const passIndex = new Map(trace.backwardPasses.map((p, i) => [p.id, i]));
      for (const [key, passes] of byLine) {
        const parent: Item | null = passes.length > 1
          ? { kind: 'line', key, label: title(passes[0]!), description: lineDescription(passes), passes: [] }
          : null;
        for (const p of passes) {
          const number = passIndex.get(p.id)! + 1;
          const group: Item = {
            kind: 'group', selection: { kind: 'pass', id: p.id }, label: parent ? `#${number}` : title(p),
            description: p.error ? 'failed' : passDescription(trace, p), nodeIds: selectNodes(trace, { kind: 'pass', id: p.id }), parent,
          };
          this.groups.push(group);
          if (parent?.kind === 'line') parent.passes.push(group);
          else this.roots.push(group);
        }
        if (parent) this.roots.push(parent);
      }
      for (const r of trace.recordings) {
        const group: Item = {
          kind: 'group', selection: { kind: 'recording', id: r.id }, label: `record · ${line(r.source)}`,
          description: `${r.nodes.length} ops${!r.closed && trace.run.paused ? ' so far (recording)' : ''}`, nodeIds: selectNodes(trace, { kind: 'recording', id: r.id }), parent: null,
        };
        this.groups.push(group);
        this.roots.push(group);
      }
      return this.roots.length > 0 ? this.roots : [{ kind: 'empty', label: 'This run recorded nothing (no autograd.record).' }];
    }
    if (element.kind === 'line') return element.passes;
    if (element.kind !== 'group') return [];
    const byId = indexTrace(trace).nodes;
    const nodes: Item[] = element.nodeIds.map((id) => byId.get(id)).filter((n): n is TraceNode => n !== undefined).map((node) => ({ kind: 'node', node, parent: element }));
    // A trace opened in parts holds its last graph: the others' nodes come when the inspector opens them.
    const selection = element.selection;
    if (selection.kind !== 'training' && !holdsGraph(trace, selection)) nodes.push({ kind: 'unloaded', key: `${selection.kind}${selection.id}`, label: NOT_LOADED, selection, parent: element });
    return nodes;
  }

  /** The item of a node in the first group that has it (to reveal a node selected in the inspector). */
  itemOf(nodeId: number): Item | null {
    if (this.groups.length === 0) this.getChildren();
    for (const group of this.groups) {
      const node = group.kind === 'group' && group.nodeIds.includes(nodeId) ? indexTrace(this.record!.trace).node(nodeId) : undefined;
      if (node) return { kind: 'node', node, parent: group };
    }
    return null;
  }
}

/** The attached variables and their final gradients, with their numeric check when one ran. */
export class GradientsTree extends TraceTree {
  override getTreeItem(element: Item): vscode.TreeItem {
    const item = super.getTreeItem(element);
    const trace = this.record?.trace;
    if (element.kind !== 'node' || !trace) return item;
    const check = latestGradchecks(trace.backwardPasses).get(element.node.id);
    if (!check) {
      item.tooltip = `${String(item.tooltip)}\n\nCheck Gradients Numerically (the beaker) compares this gradient with central differences.`;
      return item;
    }
    const { result, pass } = check;
    item.description = `${result.ok ? '✓' : '✗'} ${String(item.description)}`;
    item.iconPath = result.ok
      ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    item.tooltip = `${String(item.tooltip)}\n\n${describeGradcheck(result)}\n${describeTolerance(pass)}${pass.source ? `\nchecked before the backward at line ${pass.source.line}` : ''}`;
    item.contextValue = `variable.${result.ok ? 'passed' : 'failed'}`;
    return item;
  }

  /**
   * One item per variable: a variable followed over a run (the same array in every pass, a
   * parameter the trainer updates in place) is one item at its latest node, with ‖∇‖ first → last;
   * variables no pass reached are listed as they are.
   */
  getChildren(element?: Item): Item[] {
    const trace = this.record?.trace;
    if (element) return [];
    if (!trace) return []; // the view's welcome content says what to do
    const byId = indexTrace(trace).nodes;
    const followed = new Set<number>();
    const items: Item[] = [];
    for (const series of seriesOf(trace)) {
      for (const point of series.points) followed.add(point.variable.node);
      // Its latest node the trace holds (a trace opened in parts may not hold the last pass that reached it).
      const last = series.points.map((point) => byId.get(point.variable.node)).reverse().find((node) => node !== undefined);
      const norms = series.points.map((p) => p.variable.gradL2);
      const f = (v: number | null) => (v === null ? '–' : formatNumber(v, 3));
      const history = series.points.length > 1 ? `‖∇‖ ${f(norms[0]!)} → ${f(norms[norms.length - 1]!)} over ${series.points.length} passes` : undefined;
      if (!last) {
        // None of its passes is loaded: what the summaries say, and the way to the inspector.
        const point = [...series.points].reverse().find((p) => isKept(p.pass));
        const name = point?.variable.param ?? `the variable of backward pass #${(point?.index ?? 0) + 1}`;
        if (point) items.push({ kind: 'unloaded', key: `series${series.id}`, label: `${name}: ${history ?? `‖∇‖ ${f(norms[0]!)}`} · ${NOT_LOADED}`, selection: { kind: 'pass', id: point.pass.id }, parent: null });
        continue;
      }
      items.push({ kind: 'node', node: last, parent: null, ...(history ? { history } : {}) });
    }
    // Versions of a followed array that no pass reached (made by an in-place write after the last pass) are not listed again.
    const versions = new Set<number>();
    for (const node of trace.nodes) if (node.previous !== undefined && (followed.has(node.previous) || versions.has(node.previous))) versions.add(node.id);
    for (const node of trace.nodes) {
      if (node.kind === 'variable' && !followed.has(node.id) && !versions.has(node.id)) items.push({ kind: 'node', node, parent: null });
    }
    return items.length > 0 ? items : [{ kind: 'empty', label: 'No variable was attached (attachGrad).' }];
  }
}

/** NaN/Inf anomalies, then graph breaks. */
export class IssuesTree extends TraceTree {
  getChildren(element?: Item): Item[] {
    const trace = this.record?.trace;
    if (element) return [];
    if (!trace) return []; // the view's welcome content says what to do
    const where = (source: Source | null) => (source ? `${basename(source.file)}:${source.line}` : '');
    const items: Item[] = [
      ...trace.anomalies.map((a, index): Item => ({ kind: 'issue', label: a.message, detail: where(a.source), nodeId: a.node, ref: { kind: 'anomaly', index }, severity: 'anomaly' })),
      ...trace.graphBreaks.map((b, index): Item => ({ kind: 'issue', label: b.message, detail: where(b.source), nodeId: b.node ?? null, ref: { kind: 'break', index }, severity: 'break' })),
    ];
    return items.length > 0 ? items : [{ kind: 'empty', label: 'No NaN, no Infinity, no graph break.' }];
  }
}

/** The three views, registered; `reveal` shows a node selected elsewhere in the graph view. */
export class DebugViews extends Disposable {
  readonly graph: GraphTree;
  readonly gradients: GradientsTree;
  readonly issues: IssuesTree;
  private readonly graphView: vscode.TreeView<Item>;

  constructor(runs: Runs) {
    super();
    this.graph = this.register(new GraphTree(runs));
    this.gradients = this.register(new GradientsTree(runs));
    this.issues = this.register(new IssuesTree(runs));
    this.graphView = this.register(vscode.window.createTreeView('gradlens.graph', { treeDataProvider: this.graph, showCollapseAll: true }));
    this.register(vscode.window.createTreeView('gradlens.gradients', { treeDataProvider: this.gradients }));
    this.register(vscode.window.createTreeView('gradlens.issues', { treeDataProvider: this.issues }));
  }

  /** Whether the Autograd Graph view is on screen (for tests). */
  get graphVisible(): boolean {
    return this.graphView.visible;
  }

  reveal(nodeId: number): void {
    if (!this.graphView.visible) return;
    const item = this.graph.itemOf(nodeId);
    if (item) void this.graphView.reveal(item, { select: true, focus: false, expand: true });
  }
}
