// The dashboard shell: who is signed in (or chosen, in development mode), and a small router over history.
import { api, chooseUser, currentUser, setDevelopmentMode } from './api.js';
import { clear, h, message, fill } from './dom.js';
import { renderRuns } from './pages/runs.js';
import { renderRun } from './pages/run.js';
import { renderWorkflows } from './pages/workflows.js';
import { renderReports } from './pages/reports.js';
import { renderAudit } from './pages/audit.js';
import { renderNodes } from './pages/nodes.js';
import { hasRole } from './roles.js';
import { renderNotFound } from './pages/notfound.js';

const app = document.getElementById('app');
let me = { id: 'anonymous', displayName: 'anonymous', roles: ['viewer'], developmentMode: true, users: [] };
let leave = null; // what the current page stops (streams, timers) when the user navigates away

const routes = [
  [/^\/$/, () => renderRuns],
  [/^\/runs\/?$/, () => renderRuns],
  [/^\/runs\/([^/]+)\/?$/, (m) => (root, ctx) => renderRun(root, ctx, decodeURIComponent(m[1]))],
  [/^\/workflows\/?$/, () => renderWorkflows],
  [/^\/reports\/?$/, () => renderReports],
  [/^\/audit\/?$/, () => renderAudit],
  [/^\/nodes\/?$/, () => renderNodes],
];

export function navigate(path) {
  history.pushState(null, '', path);
  route();
}

function route() {
  if (leave) { leave(); leave = null; }
  clear(app);
  const path = location.pathname;
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('active', path.startsWith(`/${link.dataset.nav}`) || (path === '/' && link.dataset.nav === 'runs'));
  }
  const match = routes.map(([pattern, page]) => [path.match(pattern), page]).find(([m]) => m);
  const page = match ? match[1](match[0]) : renderNotFound;
  const ctx = { me, navigate, query: new URLSearchParams(location.search), onLeave: (stop) => { leave = stop; } };
  Promise.resolve(page(app, ctx)).catch((error) => {
    fill(app, message('error', `This page failed to draw: ${error.message}`));
  });
}

function renderWho() {
  // Links to pages only some roles may read (the audit log: admins); the server refuses the others regardless.
  for (const link of document.querySelectorAll('[data-role]')) link.hidden = !hasRole(me, link.dataset.role);
  const who = clear(document.getElementById('who'));
  const roles = h('span', { class: 'roles', 'data-testid': 'roles' }, me.roles.join(', '));
  if (!me.developmentMode) {
    who.append(h('span', { class: 'name' }, me.displayName), roles, h('a', { href: '/signout', class: 'signout' }, 'Sign out'));
    return;
  }
  const select = h('select', {
    id: 'user-picker', 'aria-label': 'Act as',
    on: { change: async (e) => { chooseUser(e.target.value); await loadMe(); route(); } },
  }, h('option', { value: '' }, 'anonymous (default role)'), me.users.map((u) => h('option', { value: u, selected: u === currentUser() }, u)));
  who.append(h('label', { for: 'user-picker', class: 'act-as' }, 'Act as'), select, roles);
}

async function loadMe() {
  setDevelopmentMode(true); // the header is harmless when the server ignores it, and needed before we know
  const answer = await api('/api/me');
  if (answer.ok) me = { ...answer.data, roles: answer.data.roles ?? [] };
  setDevelopmentMode(me.developmentMode);
  document.getElementById('dev-banner').hidden = !me.developmentMode;
  renderWho();
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-link]');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', route);

await loadMe();
route();
