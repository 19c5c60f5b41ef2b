// Reports (a day without runs has no success rate: it is drawn as a gap, not as 0 %): success rate over time, where time goes per step, top failure causes, most used workflows, the monthly report.
import { api } from '../api.js';
import { formatDuration, formatTime, h, message, percent } from '../dom.js';

const COLORS = { green: '#16a34a', red: '#dc2626', blue: '#2563eb', yellow: '#ca8a04', grey: '#9ca3af' };

export async function renderReports(root, ctx) {
  root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Reports')));
  const names = ['summary', 'success-rate', 'step-durations', 'failures', 'workflows', 'monthly'];
  const answers = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await api(`/api/reports/${n}`)])));
  if (answers.summary.status === 404) {
    root.append(h('div', { 'data-testid': 'reports-unavailable' }, message('info', 'Reports are not available on this server yet: it has no reports API (/api/reports answered 404). Runs, workflows and live runs work as usual.')));
    return;
  }
  const charts = [];
  ctx.onLeave(() => charts.forEach((c) => c.destroy()));
  const section = (title, answer, draw) => h('section', { class: 'card' }, h('h2', {}, title), answer.ok ? draw(answer.data) : message('error', answer.detail));

  root.append(section('Summary', answers.summary, summary));
  root.append(h('div', { class: 'two' },
    section('Success rate over time', answers['success-rate'], (data) => chart(charts, 'line', data.map((p) => new Date(p.start).toLocaleDateString()), [
      { label: 'success rate %', data: data.map((p) => (p.runs === 0 || p.successRate === null ? null : p.successRate * 100)), spanGaps: true, borderColor: COLORS.green, backgroundColor: 'rgba(22,163,74,.15)', fill: true, tension: 0.25, yAxisID: 'y' },
      { label: 'runs', data: data.map((p) => p.runs), type: 'bar', backgroundColor: 'rgba(37,99,235,.25)', yAxisID: 'runs' },
    ], { y: { min: 0, max: 100, title: { display: true, text: '%' } }, runs: { position: 'right', beginAtZero: true, grid: { display: false } } })),
    section('Where time goes (per step)', answers['step-durations'], (data) => {
      const top = [...data].sort((a, b) => b.totalMs - a.totalMs).slice(0, 12);
      return chart(charts, 'bar', top.map((s) => `${s.workflow} · ${s.step}`), [
        { label: 'average', data: top.map((s) => s.averageMs / 1000), backgroundColor: COLORS.blue },
        { label: 'p95', data: top.map((s) => s.p95Ms / 1000), backgroundColor: COLORS.yellow },
        // CPU of the step's processes (ctx.Run), on average: far below the duration means the step mostly waits.
        { label: 'CPU (average)', data: top.map((s) => (s.averageCpuMs === null || s.averageCpuMs === undefined ? null : s.averageCpuMs / 1000)), backgroundColor: COLORS.green },
      ], { x: { title: { display: true, text: 'seconds' } } }, 'y');
    })));
  root.append(h('div', { class: 'two' },
    section('Top failure causes', answers.failures, failures),
    section('Most used workflows', answers.workflows, workflows)));
  root.append(section('Monthly report', answers.monthly, (m) => h('div', {},
    h('p', { class: 'muted' }, `Month ${m.month}`), h('pre', { class: 'monthly', 'data-testid': 'monthly' }, m.text ?? ''))));
}

function summary(s) {
  const tile = (label, value, tone) => h('div', { class: `tile ${tone ?? ''}` }, h('div', { class: 'tile-value' }, value), h('div', { class: 'tile-label' }, label));
  return h('div', { class: 'tiles', 'data-testid': 'summary' },
    tile('runs', String(s.runs)), tile('succeeded', String(s.succeeded), 'tone-succeeded'), tile('failed', String(s.failed), 'tone-failed'),
    tile('rolled back', String(s.rolledBack), 'tone-failed'), tile('cancelled', String(s.cancelled), 'tone-skipped'),
    tile('success rate', percent(s.successRate)), tile('average', formatDuration(s.averageDurationMs)), tile('median', formatDuration(s.medianDurationMs)));
}

function failures(list) {
  if (list.length === 0) return h('p', { class: 'muted' }, 'No failures. ✓');
  return h('table', { class: 'grid small', 'data-testid': 'failures' },
    h('thead', {}, h('tr', {}, ['Workflow', 'Step', 'Error', 'Count', 'Last'].map((t) => h('th', {}, t)))),
    h('tbody', {}, list.map((f) => h('tr', {}, h('td', {}, f.workflow), h('td', {}, f.step ?? '—'), h('td', { class: 'error-text' }, f.error),
      h('td', { class: 'num' }, String(f.count)), h('td', {}, f.lastRunId ? h('a', { href: `/runs/${encodeURIComponent(f.lastRunId)}`, 'data-link': true }, formatTime(f.lastAt)) : formatTime(f.lastAt))))));
}

function workflows(list) {
  if (list.length === 0) return h('p', { class: 'muted' }, 'No runs yet.');
  return h('table', { class: 'grid small', 'data-testid': 'workflow-usage' },
    h('thead', {}, h('tr', {}, ['Workflow', 'Runs', 'Success', 'Average', 'Last run'].map((t) => h('th', {}, t)))),
    h('tbody', {}, [...list].sort((a, b) => b.runs - a.runs).map((w) => h('tr', {}, h('td', {}, w.workflow), h('td', { class: 'num' }, String(w.runs)),
      h('td', { class: 'num' }, percent(w.successRate)), h('td', { class: 'num' }, formatDuration(w.averageDurationMs)),
      h('td', {}, w.lastRunId ? h('a', { href: `/runs/${encodeURIComponent(w.lastRunId)}`, 'data-link': true }, `${w.lastStatus ?? ''} ${formatTime(w.lastRunAt)}`) : '—')))));
}

function chart(charts, type, labels, datasets, scales, indexAxis = 'x') {
  const canvas = h('canvas', { height: 260 });
  const box = h('div', { class: 'chart' }, canvas);
  if (!window.Chart) return message('error', 'The chart library did not load.');
  if (labels.length === 0) return h('p', { class: 'muted' }, 'No data yet.');
  queueMicrotask(() => charts.push(new window.Chart(canvas, {
    type, data: { labels, datasets },
    options: { indexAxis, responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } }, scales },
  })));
  return box;
}
