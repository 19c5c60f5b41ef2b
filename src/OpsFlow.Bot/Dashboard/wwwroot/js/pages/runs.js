// Runs: filter by workflow, status, requester and time; paged; newest first.
import { api, post } from '../api.js';
import { hasRole } from '../roles.js';
import { between, clear, formatDuration, formatTime, h, message } from '../dom.js';
import { RUN_STATUSES, badge, runLook } from '../status.js';

const PAGE = 25;

export async function renderRuns(root, ctx) {
  const q = ctx.query;
  const skip = Math.max(0, Number.parseInt(q.get('skip') ?? '0', 10) || 0);
  const workflows = await api('/api/workflows');
  const names = workflows.ok ? workflows.data.map((w) => w.name) : [];

  const field = (label, input) => h('label', { class: 'field' }, h('span', {}, label), input);
  const form = h('form', { class: 'filters', 'data-testid': 'run-filters', on: { submit: (e) => { e.preventDefault(); apply(); } } },
    field('Workflow', h('select', { name: 'workflow' }, h('option', { value: '' }, 'any'),
      names.map((n) => h('option', { value: n, selected: n === q.get('workflow') }, n)))),
    field('Status', h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
      RUN_STATUSES.map((s) => h('option', { value: s, selected: s.toLowerCase() === (q.get('status') ?? '').toLowerCase() }, runLook(s).label)))),
    field('Requested by', h('input', { name: 'requestedBy', value: q.get('requestedBy') ?? '', placeholder: 'user id' })),
    field('From', h('input', { name: 'from', type: 'datetime-local', value: localInput(q.get('from')) })),
    field('To', h('input', { name: 'to', type: 'datetime-local', value: localInput(q.get('to')) })),
    h('div', { class: 'filter-buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Filter'),
      h('button', { type: 'button', on: { click: () => ctx.navigate('/runs') } }, 'Clear')));

  function apply() {
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const [key, value] of data) {
      if (!value) continue;
      next.set(key, key === 'from' || key === 'to' ? new Date(value).toISOString() : value);
    }
    ctx.navigate(`/runs${next.size ? `?${next}` : ''}`);
  }

  const body = h('div', {});
  const failures = h('div', {});
  const stop = h('div', {});
  root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Runs')), stop, failures, h('section', { class: 'card' }, form), body);
  emergencyStop(stop, ctx);
  failedDeliveries(failures, ctx);

  const params = new URLSearchParams();
  for (const key of ['workflow', 'status', 'requestedBy', 'from', 'to']) if (q.get(key)) params.set(key, q.get(key));
  params.set('skip', String(skip));
  params.set('take', String(PAGE));
  const answer = await api(`/api/runs?${params}`);
  if (!answer.ok) {
    body.append(message('error', answer.detail));
    return;
  }

  const { runs, total } = answer.data;
  if (runs.length === 0) {
    body.append(message('info', total === 0 && params.size <= 2 ? 'No runs yet. Start one from the Workflows page.' : 'No run matches these filters.'));
    return;
  }

  const rows = runs.map((run) => h('tr', { dataset: { run: run.id, status: run.status } },
    h('td', {}, badge(runLook(run.status))),
    h('td', {}, h('a', { href: `/runs/${encodeURIComponent(run.id)}`, 'data-link': true, class: 'mono' }, run.id),
      run.archivedIn ? h('span', { class: 'muted small', title: run.archivedIn }, ' archived') : null),
    h('td', {}, run.workflow),
    h('td', { class: 'params' }, Object.entries(run.parameters ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')),
    h('td', {}, run.requestedByName, run.requestedByName !== run.requestedById ? h('span', { class: 'muted' }, ` (${run.requestedById})`) : null),
    h('td', {}, run.trigger),
    h('td', {}, formatTime(run.createdAt)),
    h('td', { class: 'num' }, formatDuration(between(run.startedAt, run.endedAt)))));
  body.append(h('section', { class: 'card flush' }, h('table', { class: 'grid', 'data-testid': 'runs-table' },
    h('thead', {}, h('tr', {}, ['Status', 'Run', 'Workflow', 'Parameters', 'Requested by', 'Trigger', 'Created', 'Duration'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows))));

  const page = (toSkip) => { const p = new URLSearchParams(q); p.set('skip', String(toSkip)); return `/runs?${p}`; };
  body.append(h('div', { class: 'pager' },
    h('span', { class: 'muted' }, `${skip + 1}–${skip + runs.length} of ${total}`),
    skip > 0 ? h('a', { href: page(Math.max(0, skip - PAGE)), 'data-link': true, class: 'button' }, '← Newer') : null,
    skip + runs.length < total ? h('a', { href: page(skip + PAGE), 'data-link': true, class: 'button' }, 'Older →') : null));

  // A running list is worth refreshing while someone watches it; the page is cheap.
  if (runs.some((r) => !['Succeeded', 'Failed', 'RolledBack', 'Cancelled'].includes(r.status))) {
    const timer = setTimeout(() => { if (root.contains(body)) renderAgain(); }, 5000);
    ctx.onLeave(() => clearTimeout(timer));
  }

  function renderAgain() {
    clear(root);
    renderRuns(root, ctx);
  }
}

function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// Notices the severity routes could not deliver (email, webhooks, other conversations): retrying or given up, with
// why, so an operator sees that the pager never heard of a failure. Nothing is drawn while all is well.
/**
 * The emergency stop: a banner while one is in force (who, when, why), and for admins the button that calls it (with
 * a reason) or lifts it. The server decides and audits; the same as /stop-all and /resume-all in chat.
 */
async function emergencyStop(box, ctx) {
  const answer = await api('/api/emergency-stop');
  if (!answer.ok) return;
  const state = answer.data;
  const admin = hasRole(ctx.me, 'admin');
  const said = h('div', {});
  const act = async (call) => {
    const result = await call();
    said.replaceChildren(message(result.ok ? 'ok' : 'error', result.ok ? result.data.message : result.detail));
    if (result.ok) { box.replaceChildren(); await emergencyStop(box, ctx); box.append(said); }
  };
  if (state.active) {
    box.append(h('section', { class: 'card msg-error', 'data-testid': 'emergency-stop' },
      h('h2', {}, '⛔ Emergency stop in force'),
      h('p', {}, `Called by ${state.byName} at ${formatTime(state.at)}: ${state.reason}. Running runs are paused and new runs are refused.`),
      admin ? h('button', { type: 'button', class: 'primary', dataset: { action: 'resume-all' }, on: { click: () => act(() => api('/api/emergency-stop', { method: 'DELETE' })) } }, 'Lift the emergency stop') : null,
      said));
  } else if (admin) {
    const reason = h('input', { name: 'stop-reason', placeholder: 'Why stop everything? (shown to everyone)', maxlength: 500 });
    box.append(h('details', { class: 'card', 'data-testid': 'emergency-stop' },
      h('summary', {}, '⛔ Emergency stop…'),
      h('p', { class: 'small' }, 'Pauses every running run and refuses new ones (chat, API, dashboard, schedules) until it is lifted.'),
      reason,
      h('button', { type: 'button', class: 'danger', dataset: { action: 'stop-all' }, on: { click: () => act(() => post('/api/emergency-stop', { reason: reason.value.trim() })) } }, 'Stop all runs'),
      said));
  }
}

async function failedDeliveries(box, ctx) {
  const answer = await api('/api/notifications?failed=true&take=20');
  if (!answer.ok || answer.data.length === 0) return;
  const rows = answer.data.map((d) => h('tr', {},
    h('td', { class: 'mono' }, d.channel),
    h('td', {}, h('a', { href: `/runs/${encodeURIComponent(d.runId)}`, on: { click: (e) => { e.preventDefault(); ctx.navigate(`/runs/${encodeURIComponent(d.runId)}`); } } }, d.subject)),
    h('td', {}, d.gaveUp ? `gave up after ${d.attempts}` : `retrying (${d.attempts} failed, next ${formatTime(d.nextAt)})`),
    h('td', { class: 'small' }, d.lastError ?? '')));
  box.append(h('section', { class: 'card msg-error', 'data-testid': 'failed-deliveries' },
    h('h2', {}, `⚠ ${answer.data.length} notice(s) could not be delivered`),
    h('table', { class: 'grid small' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Channel'), h('th', {}, 'Notice'), h('th', {}, 'State'), h('th', {}, 'Last error'))),
      h('tbody', {}, rows))));
}

