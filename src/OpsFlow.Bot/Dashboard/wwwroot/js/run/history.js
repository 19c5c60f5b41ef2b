// The timeline of steps (bars over the run's span) and the audit trail (every transition, with who and why).
import { formatDuration, formatTime, h } from '../dom.js';
import { runLook, stepLook } from '../status.js';

export function timeline(details, kinds, now = Date.now()) {
  const steps = details.steps.filter((s) => s.startedAt);
  if (steps.length === 0) return h('p', { class: 'muted' }, 'No step has started yet.');
  const start = Math.min(...steps.map((s) => Date.parse(s.startedAt)));
  const end = Math.max(...steps.map((s) => (s.endedAt ? Date.parse(s.endedAt) : now)), start + 1);
  const span = end - start;
  return h('div', { class: 'timeline', 'data-testid': 'timeline' },
    steps.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt)).map((s) => {
      const from = Date.parse(s.startedAt);
      const to = s.endedAt ? Date.parse(s.endedAt) : now;
      const look = stepLook(s.status, kinds.get(s.name));
      const left = ((from - start) / span) * 100;
      const width = Math.max(0.6, ((to - from) / span) * 100);
      return h('div', { class: 'tl-row' },
        h('div', { class: 'tl-name' }, s.name),
        h('div', { class: 'tl-track' }, h('div', { class: `tl-bar tone-${look.tone}`, style: `left:${left}%;width:${Math.min(width, 100 - left)}%`, title: `${look.label} · ${formatDuration(to - from)}` })),
        h('div', { class: 'tl-time' }, formatDuration(to - from)));
    }),
    h('div', { class: 'tl-axis muted' }, h('span', {}, formatTime(new Date(start).toISOString())), h('span', {}, formatDuration(span))));
}

export function auditTrail(details) {
  const rows = [...details.history].sort((a, b) => b.seq - a.seq).map((e) => {
    const person = e.actor && e.actor !== 'system' && e.actor !== 'OpsFlow';
    const look = e.to ? (e.kind === 'Run' ? runLook(e.to) : stepLook(e.to, null)) : null;
    return h('tr', { class: person ? 'by-person' : '' },
      h('td', { class: 'nowrap' }, formatTime(e.at)),
      h('td', {}, e.actor ?? ''),
      h('td', {}, e.step ?? 'run'),
      h('td', { class: 'nowrap' }, e.from ? `${e.from} → ` : '', look ? h('span', { class: `tone-text tone-${look.tone}` }, e.to) : e.kind),
      h('td', {}, e.reason ?? ''));
  });
  return h('table', { class: 'grid small', 'data-testid': 'audit' },
    h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Change', 'Reason'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows));
}
