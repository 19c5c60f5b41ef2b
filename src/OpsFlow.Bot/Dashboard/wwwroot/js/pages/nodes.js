// Nodes: the inventory the fleet workflows act on (configuration and the Ansible inventory file), filtered by tag.
import { api } from '../api.js';
import { fill, h, message } from '../dom.js';

export async function renderNodes(root, ctx) {
  const tags = ctx.query.getAll('tag');
  const input = h('input', { type: 'text', value: tags.join(' '), placeholder: 'tags, e.g. web prod', 'aria-label': 'Tags', 'data-testid': 'node-tags' });
  const list = h('div', { 'data-testid': 'nodes' });
  const apply = () => {
    const chosen = input.value.split(/\s+/).filter(Boolean);
    ctx.navigate(`/nodes${chosen.length ? `?${chosen.map((t) => `tag=${encodeURIComponent(t)}`).join('&')}` : ''}`);
  };
  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Nodes')),
    h('form', { class: 'filters', on: { submit: (e) => { e.preventDefault(); apply(); } } }, input, h('button', { type: 'submit' }, 'Filter')),
    list);
  const answer = await api(`/api/nodes${tags.length ? `?${tags.map((t) => `tag=${encodeURIComponent(t)}`).join('&')}` : ''}`);
  if (!answer.ok) { fill(list, message('error', answer.detail)); return; }
  const { nodes, inventoryProblem } = answer.data;
  fill(list,
    inventoryProblem ? message('error', `The inventory file was not read: ${inventoryProblem}. The nodes below are from before that change.`) : null,
    nodes.length === 0
      ? h('p', { class: 'muted' }, tags.length ? `No node carries every tag of ${tags.join(', ')}.` : 'No nodes: configure OpsFlow:Fleet (docs/fleet.md).')
      : h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, ['Node', 'Address', 'User', 'Tags', 'Vars'].map((t) => h('th', {}, t)))),
        h('tbody', {}, nodes.map((n) => h('tr', { dataset: { node: n.name } },
          h('td', { class: 'mono' }, n.name),
          h('td', { class: 'mono' }, n.port === 22 ? n.host : `${n.host}:${n.port}`),
          h('td', { class: 'mono' }, n.user),
          h('td', {}, n.tags.map((t) => h('a', { class: 'chip', href: `/nodes?tag=${encodeURIComponent(t)}`, 'data-link': true }, t))),
          h('td', { class: 'small mono' }, Object.entries(n.vars ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')))))));
}
