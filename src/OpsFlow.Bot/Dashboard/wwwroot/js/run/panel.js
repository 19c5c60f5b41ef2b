// One step in detail: status, attempts, timings, outputs, error, votes, and its log (refreshed while it runs).
import { api } from '../api.js';
import { between, clear, formatBytes, formatDuration, formatTime, h, message, fill } from '../dom.js';
import { badge, findingLook, stepLook } from '../status.js';
import { timeLeft } from './clock.js';

// A node's state in a step over many, in words.
const ITEM_WORDS = { Pending: 'waiting', Running: 'running', Succeeded: '✓ done', Failed: '✗ failed', Skipped: 'skipped (not reached)', Compensated: '↩ rolled back', CompensationFailed: '✗ roll-back failed', Unreachable: '✗ unreachable (nothing ran)' };

export function createPanel(runId) {
  const element = h('section', { class: 'card step-panel', 'data-testid': 'step-panel' });
  let shown = null;
  let logTimer = null;
  let logBox = null;

  async function loadLog(step) {
    const answer = await api(`/api/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(step)}/log`);
    if (shown !== step || !logBox) return;
    if (!answer.ok) { logBox.replaceChildren(message('error', answer.detail)); return; }
    const lines = answer.data ?? [];
    if (lines.length === 0) { logBox.replaceChildren(h('div', { class: 'muted' }, 'No log lines yet.')); return; }
    let attempt = null;
    const rows = [];
    for (const line of lines) {
      if (line.attempt !== attempt) { attempt = line.attempt; rows.push(h('div', { class: 'log-attempt' }, `attempt ${attempt}`)); }
      rows.push(h('div', { class: `log-line level-${String(line.level).toLowerCase()}` },
        h('span', { class: 'log-at' }, new Date(line.at).toLocaleTimeString()), ' ', h('span', { class: 'log-text' }, line.text)));
    }
    const atBottom = logBox.scrollTop + logBox.clientHeight >= logBox.scrollHeight - 8;
    logBox.replaceChildren(...rows);
    if (atBottom) logBox.scrollTop = logBox.scrollHeight;
  }

  function render(details, info, stepName, actions) {
    const step = details.steps.find((s) => s.name === stepName);
    if (!step) { fill(element, h('p', { class: 'muted' }, 'Click a step in the graph to see its log, attempts, timings and outputs.')); stop(); shown = null; return; }
    const look = stepLook(step.status, info?.kind);
    const first = shown !== stepName;
    shown = stepName;
    const facts = [
      ['Kind', info?.kind ?? '—'],
      ['Attempt', `${step.attempt}${info?.maxAttempts > 1 ? ` of ${info.maxAttempts}` : ''}`],
      ['Started', formatTime(step.startedAt)],
      ['Ended', formatTime(step.endedAt)],
      ['Duration', formatDuration(between(step.startedAt, step.endedAt))],
    ];
    // What the processes of its last finished attempt used (ctx.Run measures them); nothing for a step that ran none.
    if (step.cpuMilliseconds !== null && step.cpuMilliseconds !== undefined) {
      facts.push(['CPU time', formatDuration(step.cpuMilliseconds)], ['Peak memory', formatBytes(step.peakMemoryBytes)]);
    }
    if (info?.dependsOn?.length) facts.push(['After', info.dependsOn.join(', ')]);
    if (step.progressText) facts.push(['Progress', `${step.progressPercent ?? ''} % ${step.progressText}`]);
    const approval = info?.kind === 'Approval' ? h('div', { class: 'approval-box' },
      h('div', {}, 'Approvers: ', (info.approvers?.length ? info.approvers.join(', ') : 'any operator but the requester'),
        info.requiredApprovals > 1 ? ` (${info.requiredApprovals} needed)` : ''),
      step.status === 'Waiting' && step.dueAt ? h('div', { class: 'clock', dataset: { due: step.dueAt } }, timeLeft(step.dueAt)) : null,
      (step.votes ?? []).map((v) => h('div', { class: 'vote' }, v.approved ? '✓ ' : '✗ ', `${v.actorName} `, h('span', { class: 'muted' }, formatTime(v.at)), v.reason ? ` — ${v.reason}` : ''))) : null;
    const outputs = Object.entries(step.outputs ?? {});
    // A step over many nodes: each node's state, as the step reported it (the card shows the count).
    const items = (step.items ?? []).length === 0 ? null : h('table', { class: 'grid small items', 'data-testid': 'step-items' },
      h('thead', {}, h('tr', {}, ['Node', 'State', 'Error'].map((t) => h('th', {}, t)))),
      h('tbody', {}, step.items.map((i) => h('tr', { dataset: { item: i.name, status: i.status } },
        h('td', { class: 'mono' }, i.name), h('td', {}, ITEM_WORDS[i.status] ?? i.status), h('td', { class: 'error-text' }, i.error ?? '')))));

    logBox = first || !logBox ? h('div', { class: 'log', 'data-testid': 'step-log' }, h('div', { class: 'muted' }, 'Loading the log…')) : logBox;
    fill(element,
      h('div', { class: 'panel-head' }, h('h2', {}, step.name), badge(look, { 'data-testid': 'step-status' })),
      h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      step.error ? h('div', { class: 'msg msg-error' }, step.error) : null,
      step.errorDetail ? h('details', { class: 'error-detail' }, h('summary', { class: 'small' }, 'Exception and stack trace'),
        h('pre', { class: 'mono small', 'data-testid': 'error-detail' }, step.errorDetail)) : null,
      approval,
      actions.length ? h('div', { class: 'actions' }, actions) : null,
      step.findings?.length ? [h('h3', {}, 'Findings'), h('ul', { class: 'plain small', 'data-testid': 'step-findings' }, step.findings.map((f) => {
        const seen = findingLook(f.level);
        return h('li', { class: `tone-text tone-${seen.tone}` }, `${seen.symbol} ${f.text}`);
      }))] : null,
      items ? [h('h3', {}, `Nodes (${step.items.length})`), items] : null,
      outputs.length ? [h('h3', {}, 'Outputs'), h('table', { class: 'grid small' }, h('tbody', {}, outputs.map(([k, v]) => h('tr', {}, h('td', { class: 'mono' }, k), h('td', { class: 'mono' }, v)))))] : null,
      h('h3', {}, 'Log'), logBox);
    if (first) loadLog(stepName);
    stop();
    if (['Running', 'Compensating', 'Waiting'].includes(step.status)) logTimer = setInterval(() => loadLog(stepName), 2000);
    else if (!first) loadLog(stepName); // one last read once the step has ended
  }

  function stop() { clearInterval(logTimer); logTimer = null; }

  return { element, render, stop };
}
