// Workflows: description, parameters and their rules, schedules, success rate and last runs, and a start form.
import { api, post } from '../api.js';
import { fill, formatDuration, formatTime, h, message, percent } from '../dom.js';
import { hasRole } from '../roles.js';
import { badge, runLook } from '../status.js';

export async function renderWorkflows(root, ctx) {
  root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Workflows')));
  const [workflows, schedules, stats] = await Promise.all([api('/api/workflows'), api('/api/schedules'), api('/api/reports/workflows')]);
  if (!workflows.ok) { root.append(message('error', workflows.detail)); return; }
  if (!stats.ok) root.append(message('info', stats.status === 404 ? 'Success rates appear here once this server has the reports API.' : `Success rates are unavailable: ${stats.detail}`));
  const statsBy = new Map((stats.ok ? stats.data : []).map((s) => [s.workflow, s]));
  const schedulesOf = (name) => (schedules.ok ? schedules.data : []).filter((s) => s.workflow === name);

  for (const wf of workflows.data) {
    const card = h('section', { class: 'card workflow', dataset: { workflow: wf.name } });
    root.append(card);
    const stat = statsBy.get(wf.name);
    fill(card, 
      h('div', { class: 'wf-head' }, h('h2', {}, wf.name), wf.version ? h('span', { class: 'mono muted' }, wf.version.slice(0, 19)) : null,
        stat ? h('span', { class: 'wf-stat' }, `${percent(stat.successRate)} success · ${stat.runs} runs · avg ${formatDuration(stat.averageDurationMs)}`) : null),
      h('p', {}, wf.description),
      parameters(wf),
      startRules(wf),
      schedulesOf(wf.name).length ? h('div', {}, h('h3', {}, 'Schedules'), h('ul', { class: 'plain' }, schedulesOf(wf.name).map((s) =>
        h('li', {}, h('span', { class: 'mono' }, s.cron), ` (${s.timeZone}) · next ${formatTime(s.nextFireAt)}`, s.declaredIn ? h('span', { class: 'muted' }, ` · declared in ${s.declaredIn}`) : null)))) : null,
      h('div', { class: 'wf-columns' }, lastRuns(wf.name), hasRole(ctx.me, 'operator') ? startForm(wf, ctx) : h('p', { class: 'muted' }, 'Operators can start this workflow.')));
  }
}

function parameters(wf) {
  if (!wf.parameters?.length) return h('p', { class: 'muted' }, 'No parameters.');
  return h('table', { class: 'grid small' },
    h('thead', {}, h('tr', {}, ['Parameter', 'Rule', 'Default', 'Description'].map((t) => h('th', {}, t)))),
    h('tbody', {}, wf.parameters.map((p) => h('tr', {},
      h('td', { class: 'mono' }, p.name, p.required ? h('span', { class: 'req', title: 'required' }, ' *') : null),
      h('td', {}, p.rule), h('td', { class: 'mono' }, p.default ?? '—'), h('td', {}, p.description ?? '')))));
}

// Who may start it: any operator, or the rules the script declares (StartableBy); the server enforces them.
function startRules(wf) {
  const rules = wf.startRules ?? [];
  return h('div', { class: 'start-rules' }, h('h3', {}, 'Who may start it'),
    rules.length === 0 ? h('p', { class: 'muted' }, 'Any operator.')
      : h('ul', { class: 'plain' }, rules.map((r) => h('li', {}, r.when ? `When ${r.when}: ` : 'Every start: ', 'only ',
        h('span', { class: 'mono' }, r.who.join(', ')), r.source ? h('span', { class: 'muted' }, ` (${r.source.file}:${r.source.line})`) : null))));
}

function lastRuns(name) {
  const box = h('div', { class: 'last-runs' }, h('h3', {}, 'Last runs'));
  api(`/api/runs?workflow=${encodeURIComponent(name)}&take=5`).then((answer) => {
    if (!answer.ok) { box.append(message('error', answer.detail)); return; }
    if (answer.data.runs.length === 0) { box.append(h('p', { class: 'muted' }, 'Never run.')); return; }
    box.append(h('ul', { class: 'plain' }, answer.data.runs.map((r) => h('li', {}, badge(runLook(r.status)), ' ',
      h('a', { href: `/runs/${encodeURIComponent(r.id)}`, 'data-link': true, class: 'mono' }, r.id), h('span', { class: 'muted' }, ` ${formatTime(r.createdAt)} by ${r.requestedByName}`)))));
  });
  return box;
}

function startForm(wf, ctx) {
  const errors = new Map();
  const fields = (wf.parameters ?? []).map((p) => {
    const input = p.oneOf?.length || p.type === 'Bool'
      ? h('select', { name: p.name }, p.required ? h('option', { value: '' }, 'choose…') : null,
        (p.oneOf?.length ? p.oneOf : ['true', 'false']).map((v) => h('option', { value: v, selected: v === p.default }, v)))
      : h('input', { name: p.name, value: p.default ?? '', placeholder: p.example ?? '', inputMode: p.type === 'Int' ? 'numeric' : undefined });
    const error = h('div', { class: 'field-error', dataset: { errorFor: p.name } });
    errors.set(p.name, error);
    return h('label', { class: 'field' }, h('span', {}, p.name, p.required ? ' *' : ''), input, error);
  });
  const general = h('div', {});
  const form = h('form', { class: 'start-form', dataset: { start: wf.name }, on: { submit: async (e) => {
    e.preventDefault();
    for (const el of errors.values()) el.textContent = '';
    general.replaceChildren();
    const values = {};
    for (const [k, v] of new FormData(form)) if (v !== '') values[k] = v;
    const answer = await post('/api/runs', { workflow: wf.name, parameters: values });
    if (answer.ok) { ctx.navigate(`/runs/${encodeURIComponent(answer.data.run.id)}`); return; }
    const named = (answer.data?.errors ?? []).filter((x) => errors.has(x.parameter));
    for (const x of named) errors.get(x.parameter).textContent = `${x.problem} (example: ${x.example})`;
    if (named.length === 0 || named.length < (answer.data?.errors ?? []).length) general.append(message('error', answer.detail));
  } } }, h('h3', {}, 'Start a run'), fields, general, h('button', { type: 'submit', class: 'primary' }, `Start ${wf.name}`));
  return form;
}
