// The step graph as a DAG: dagre lays it out, we draw SVG so each step is a node the page (and tests) can
// address and colour. Layout runs only when the set of steps changes; live updates just restyle nodes.
import dagre from '/lib/dagre.esm.js';
import { h } from '../dom.js';
import { stepLook } from '../status.js';
import { timeLeft } from './clock.js';

const W = 190;
const H = 58;

export function createGraph(onSelect) {
  const svg = h('svg:svg', { class: 'dag', role: 'img', 'aria-label': 'Step graph' });
  const nodes = new Map();
  let shape = '';

  function layout(graph) {
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 54, marginx: 12, marginy: 12 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const step of graph) g.setNode(step.name, { width: W, height: H });
    for (const step of graph) for (const dep of step.dependsOn ?? []) if (g.hasNode(dep)) g.setEdge(dep, step.name);
    dagre.layout(g);

    while (svg.firstChild) svg.firstChild.remove();
    nodes.clear();
    const { width, height } = g.graph();
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.append(h('svg:defs', {}, h('svg:marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' },
      h('svg:path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
    for (const e of g.edges()) {
      const points = g.edge(e).points;
      const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
      svg.append(h('svg:path', { d, class: 'edge', 'marker-end': 'url(#arrow)', dataset: { from: e.v, to: e.w } }));
    }
    for (const step of graph) {
      const n = g.node(step.name);
      const symbol = h('svg:text', { x: '16', y: '35', class: 'node-symbol' });
      const title = h('svg:text', { x: '36', y: '25', class: 'node-name' }, clip(step.name, 20));
      const sub = h('svg:text', { x: '36', y: '44', class: 'node-sub' });
      const node = h('svg:g', {
        class: 'node', tabindex: '0', role: 'button', transform: `translate(${n.x - W / 2}, ${n.y - H / 2})`,
        dataset: { step: step.name, kind: step.kind ?? 'Action' },
        on: { click: () => onSelect(step.name), keydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); onSelect(step.name); } } },
      }, h('svg:title', {}, step.name), h('svg:rect', { width: String(W), height: String(H), rx: '10', class: 'node-box' }), symbol, title, sub);
      svg.append(node);
      nodes.set(step.name, { node, symbol, sub, kind: step.kind });
    }
  }

  /** graph: [{name, kind, dependsOn}]; steps: the run's stored steps; selected: a step name. */
  function update(graph, steps, selected) {
    const nextShape = JSON.stringify(graph.map((s) => [s.name, s.dependsOn]));
    if (nextShape !== shape) { layout(graph); shape = nextShape; }
    const byName = new Map(steps.map((s) => [s.name, s]));
    for (const [name, view] of nodes) {
      const step = byName.get(name);
      const status = step?.status ?? 'Pending';
      const look = stepLook(status, view.kind);
      view.node.setAttribute('class', `node tone-${look.tone}${status === 'Running' || status === 'Compensating' ? ' animated' : ''}${name === selected ? ' selected' : ''}`);
      view.node.dataset.status = status;
      view.symbol.textContent = look.symbol;
      view.sub.textContent = subtitle(step, look, view.kind);
      if (status === 'Waiting' && step?.dueAt) view.sub.dataset.due = step.dueAt; else delete view.sub.dataset.due;
    }
    for (const edge of svg.querySelectorAll('path.edge')) {
      const from = byName.get(edge.dataset.from);
      edge.setAttribute('class', `edge${from && ['Succeeded', 'Skipped'].includes(from.status) ? ' done' : ''}`);
    }
  }

  return { element: svg, update };
}

function subtitle(step, look, kind) {
  if (!step) return look.label;
  if (step.status === 'Waiting' && kind === 'Approval' && step.dueAt) return `approval · ${timeLeft(step.dueAt)}`;
  if (step.status === 'Running' && step.progressPercent !== null && step.progressPercent !== undefined) return `running · ${step.progressPercent} %`;
  return step.attempt > 1 ? `${look.label} · attempt ${step.attempt}` : look.label;
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
