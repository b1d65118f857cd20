/**
 * The views in Run and Debug: "Autograd Graph" (the last run's recordings and backward passes, and
 * their nodes with shape and value/gradient), "Gradients" (each attached variable with its final
 * gradient and, after "Check Gradients Numerically", its gradcheck result) and "Anomalies & Graph Breaks". Clicking an item selects its node in the inspector and
 * shows its line; a node selected in the inspector is revealed in the graph view.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { describeGradcheck, describeTolerance, latestGradchecks } from '../protocol/query/gradcheck';
import { nodeNames } from '../protocol/query/names';
import { indexTrace } from '../protocol/query/indexTrace';
import { selectNodes } from '../protocol/query/select';
import { formatShape, formatTensorShort } from '../protocol/query/format';
import type { Selection, SourceRef } from '../protocol/messages';
import type { Source, Trace, TraceNode } from '../protocol/trace';
import { Disposable } from './dispose';
import type { RunRecord, Runs } from './runs';
import { plainText, safe } from './untrusted';

/** An item of the views: a group (recording or pass), a node, or an anomaly or graph break. */
export type Item =
  | { kind: 'group'; selection: Selection; label: string; description: string; nodeIds: number[] }
  | { kind: 'node'; node: TraceNode; parent: Item | null }
  | { kind: 'issue'; label: string; detail: string; nodeId: number | null; ref: SourceRef; severity: 'anomaly' | 'break' }
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
    return element.kind === 'node' ? element.parent : null;
  }

  getTreeItem(element: Item): vscode.TreeItem {
    const trace = this.record?.trace;
    switch (element.kind) {
      case 'empty':
        return new vscode.TreeItem(element.label);
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
        item.description = `${formatShape(node.shape)} · ${formatTensorShort(node.value, 4)}${node.grad ? ` · ∇ ${formatTensorShort(node.grad, 4)}` : ''}`;
        item.tooltip = safe.plain`${node.kind} ${node.op} ${formatShape(node.shape)} ${node.dtype}` + (node.source ? `\n${safe.plain`${basename(node.source.file)}:${node.source.line}  ${node.source.text.trim()}`}` : '');
        item.iconPath = nodeIcon(node, trace!);
        item.command = { title: 'Show the node', command: 'gradlens.focusNodes', arguments: [this.record!.file, [node.id]] };
        item.contextValue = node.kind;
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

/** Recordings and backward passes, each with its nodes. */
export class GraphTree extends TraceTree {
  private groups: Item[] = [];

  getChildren(element?: Item): Item[] {
    const trace = this.record?.trace;
    if (!trace) return []; // the view's welcome content says what to do
    if (!element) {
      const line = (source: Source | null) => (source ? `line ${source.line}` : '');
      this.groups = [
        ...trace.backwardPasses.map((p): Item => ({
          kind: 'group', selection: { kind: 'pass', id: p.id }, label: `${p.kind === 'grad' ? 'autograd.grad' : 'backward'} · ${line(p.source)}`,
          description: p.error ? 'failed' : `${p.steps.length} step${p.steps.length === 1 ? '' : 's'}`, nodeIds: selectNodes(trace, { kind: 'pass', id: p.id }),
        })),
        ...trace.recordings.map((r): Item => ({
          kind: 'group', selection: { kind: 'recording', id: r.id }, label: `record · ${line(r.source)}`,
          description: `${r.nodes.length} ops`, nodeIds: selectNodes(trace, { kind: 'recording', id: r.id }),
        })),
      ];
      return this.groups.length > 0 ? this.groups : [{ kind: 'empty', label: 'This run recorded nothing (no autograd.record).' }];
    }
    if (element.kind !== 'group') return [];
    const byId = indexTrace(trace).nodes;
    return element.nodeIds.map((id) => byId.get(id)).filter((n): n is TraceNode => n !== undefined).map((node) => ({ kind: 'node', node, parent: element }));
  }

  /** The item of a node in the first group that has it (to reveal a node selected in the inspector). */
  itemOf(nodeId: number): Item | null {
    if (this.groups.length === 0) this.getChildren();
    for (const group of this.groups) {
      if (group.kind === 'group' && group.nodeIds.includes(nodeId)) {
        const node = indexTrace(this.record!.trace).node(nodeId)!;
        return { kind: 'node', node, parent: group };
      }
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

  getChildren(element?: Item): Item[] {
    const trace = this.record?.trace;
    if (element) return [];
    if (!trace) return []; // the view's welcome content says what to do
    const variables = trace.nodes.filter((n) => n.kind === 'variable');
    return variables.length > 0 ? variables.map((node) => ({ kind: 'node', node, parent: null })) : [{ kind: 'empty', label: 'No variable was attached (attachGrad).' }];
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

  reveal(nodeId: number): void {
    if (!this.graphView.visible) return;
    const item = this.graph.itemOf(nodeId);
    if (item) void this.graphView.reveal(item, { select: true, focus: false, expand: true });
  }
}
