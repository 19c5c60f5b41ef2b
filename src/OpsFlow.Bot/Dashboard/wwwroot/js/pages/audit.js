// The audit log (admins): every security-relevant action, newest first, filtered by time, actor and action; exports
// as JSON lines or CSV; and a check of the hash chain. The server refuses everyone else, and the page shows its words.
import { api, download } from '../api.js';
import { clear, fill, formatTime, h, message } from '../dom.js';

const PAGE = 100;
const FILTERS = ['from', 'to', 'actor', 'action'];
// What the engine, the dashboard and the scheduler write (AuditEvent.Action); the filter takes any text.
const ACTIONS = ['start', 'approve', 'reject', 'extend', 'skip', 'cancel', 'pause', 'resume', 'retry', 'click',
  'schedule-add', 'schedule-remove', 'schedule-pause', 'sign-in'];
const OUTCOME_TONES = { Done: 'succeeded', Refused: 'approval', Forbidden: 'failed' };
// These act on a run, so their target is a run id whenever they went through (a refused start names the workflow).
const RUN_ACTIONS = new Set(['approve', 'reject', 'extend', 'skip', 'cancel', 'pause', 'resume', 'retry', 'click']);

export async function renderAudit(root, ctx) {
  const q = ctx.query;
  const filters = new URLSearchParams();
  for (const key of FILTERS) if (q.get(key)) filters.set(key, q.get(key));

  const field = (label, input) => h('label', { class: 'field' }, h('span', {}, label), input);
  const form = h('form', { class: 'filters', 'data-testid': 'audit-filters', on: { submit: (e) => { e.preventDefault(); apply(); } } },
    field('From', h('input', { name: 'from', type: 'datetime-local', value: localInput(q.get('from')) })),
    field('To', h('input', { name: 'to', type: 'datetime-local', value: localInput(q.get('to')) })),
    field('Actor', h('input', { name: 'actor', value: q.get('actor') ?? '', placeholder: 'name, user id, object id or UPN' })),
    field('Action', actionInput(q.get('action'))),
    h('datalist', { id: 'audit-actions' }, ACTIONS.map((a) => h('option', { value: a }))),
    h('div', { class: 'filter-buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Filter'),
      h('button', { type: 'button', on: { click: () => ctx.navigate('/audit') } }, 'Clear')));

  function apply() {
    const next = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (!value) continue;
      next.set(key, key === 'from' || key === 'to' ? new Date(value).toISOString() : value);
    }
    ctx.navigate(`/audit${next.size ? `?${next}` : ''}`);
  }

  const notice = h('div', { 'data-testid': 'audit-notice' });
  const exportLink = (label, format) => {
    const params = new URLSearchParams(filters);
    params.set('order', 'newest');
    params.set('format', format);
    const href = `/api/audit?${params}`;
    return h('a', {
      href, class: 'button', 'data-testid': `audit-export-${format}`,
      on: { click: async (e) => { e.preventDefault(); const refused = await download(href, `opsflow-audit.${format}`); if (refused) fill(notice, message('error', refused)); } },
    }, label);
  };
  const verify = h('button', { type: 'button', 'data-testid': 'audit-verify', on: { click: () => verifyChain(verify, notice) } }, 'Verify chain');
  const body = h('div', {});
  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Audit log'),
      h('div', { class: 'actions head-actions' }, h('span', { class: 'muted' }, 'Export'), exportLink('JSON lines', 'jsonl'), exportLink('CSV', 'csv'), verify)),
    h('section', { class: 'card' }, form),
    notice,
    body);

  const params = new URLSearchParams(filters);
  params.set('order', 'newest');
  params.set('limit', String(PAGE));
  if (q.get('before')) params.set('before', q.get('before'));
  const answer = await api(`/api/audit?${params}`);
  if (!answer.ok) {
    body.append(message('error', answer.detail));
    return;
  }

  const entries = answer.data;
  if (entries.length === 0) {
    body.append(message('info', filters.size === 0 && !q.get('before') ? 'Nothing is in the audit log yet.' : 'No entry matches these filters.'));
    return;
  }

  body.append(h('section', { class: 'card flush' }, h('table', { class: 'grid small', 'data-testid': 'audit-table' },
    h('thead', {}, h('tr', {}, ['#', 'When', 'Action', 'Outcome', 'Who', 'Via', 'Target', 'Detail', 'Hash'].map((t) => h('th', {}, t)))),
    h('tbody', {}, entries.map(row)))));

  const page = (before) => { const p = new URLSearchParams(filters); if (before) p.set('before', String(before)); return `/audit${p.size ? `?${p}` : ''}`; };
  body.append(h('div', { class: 'pager' },
    h('span', { class: 'muted' }, `entries ${entries[entries.length - 1].seq}–${entries[0].seq}`),
    q.get('before') ? h('a', { href: page(null), 'data-link': true, class: 'button' }, '⇤ Newest') : null,
    entries.length === PAGE ? h('a', { href: page(entries[entries.length - 1].seq), 'data-link': true, class: 'button' }, 'Older →') : null));
}

function row(entry) {
  const onRun = entry.target && entry.outcome !== 'Forbidden' && (RUN_ACTIONS.has(entry.action) || (entry.action === 'start' && entry.outcome === 'Done'));
  return h('tr', { dataset: { seq: entry.seq, action: entry.action, outcome: entry.outcome } },
    h('td', { class: 'num mono' }, String(entry.seq)),
    h('td', { class: 'nowrap', title: entry.at }, formatTime(entry.at)),
    h('td', {}, entry.action),
    h('td', {}, h('span', { class: `badge tone-${OUTCOME_TONES[entry.outcome] ?? 'skipped'}` }, entry.outcome)),
    h('td', {}, entry.actorName, h('div', { class: 'muted mono' }, (entry.actorIds ?? []).filter((id) => id !== entry.actorName).join(' · '))),
    h('td', {}, entry.via),
    h('td', { class: 'mono' }, onRun ? h('a', { href: `/runs/${encodeURIComponent(entry.target)}`, 'data-link': true }, entry.target) : entry.target),
    h('td', { class: 'audit-detail' }, entry.detail),
    h('td', { class: 'mono muted', title: entry.hash }, entry.hash.slice(0, 12)));
}

async function verifyChain(button, notice) {
  button.disabled = true;
  clear(notice).append(message('info', 'Checking every entry of the chain…'));
  const answer = await api('/api/audit/verify');
  button.disabled = false;
  if (!answer.ok) {
    fill(notice, message('error', answer.detail));
    return;
  }
  const v = answer.data;
  fill(notice, h('div', { 'data-testid': 'audit-verification' }, v.intact
    ? message('ok', `The chain is intact: ${v.checked} entries checked.`)
    : message('error', `The chain breaks at entry ${v.brokenAt}: ${v.problem}`)));
}

/** The action filter, suggesting the known actions; `list` is read-only as a property, so it is set as an attribute. */
function actionInput(value) {
  const input = h('input', { name: 'action', value: value ?? '', placeholder: 'any' });
  input.setAttribute('list', 'audit-actions');
  return input;
}

function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
