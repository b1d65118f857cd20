/**
 * The reference of the inspector benchmark, in the browser: the same graph laid out by
 * cytoscape-dagre (a general-purpose layered layout), timed from page start to the first frame.
 */
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';

cytoscape.use(dagre);

interface Result { layoutMs: number; firstFrameAt: number }

const data = JSON.parse(document.getElementById('elements')!.textContent ?? '{}') as { nodes: { id: string; label: string }[]; edges: { id: string; source: string; target: string }[] };
const cy = cytoscape({
  container: document.getElementById('graph'),
  elements: [
    ...data.nodes.map((n) => ({ group: 'nodes' as const, data: { id: n.id, label: n.label } })),
    ...data.edges.map((e) => ({ group: 'edges' as const, data: e })),
  ],
  style: [
    { selector: 'node', style: { shape: 'round-rectangle', width: 150, height: 44, label: 'data(label)', 'font-size': 11, 'text-wrap': 'wrap', 'text-valign': 'center' } },
    { selector: 'edge', style: { 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', width: 1.5 } },
  ],
  textureOnViewport: true,
  pixelRatio: 1,
});
const layoutStart = performance.now();
cy.layout({ name: 'dagre', rankDir: 'LR' } as cytoscape.LayoutOptions).run();
const layoutMs = performance.now() - layoutStart;
cy.fit();
requestAnimationFrame(() => {
  (window as unknown as { result: Result }).result = { layoutMs, firstFrameAt: performance.now() };
});
