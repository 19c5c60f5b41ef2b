import { h } from '../dom.js';

export function renderNotFound(root, _ctx, what) {
  root.append(h('section', { class: 'notfound', 'data-testid': 'not-found' },
    h('div', { class: 'big' }, '404'),
    h('h1', {}, what ?? 'There is no such page.'),
    h('p', {}, 'It may have been mistyped, or it belongs to another OpsFlow server.'),
    h('p', {}, h('a', { href: '/runs', 'data-link': true }, '← Back to the runs'))));
}
