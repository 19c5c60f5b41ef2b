// A run: its step graph live, approvals with their clock, a step's details and log, the timeline and the audit trail.
import { api } from '../api.js';
import { between, clear, formatDuration, formatTime, h, message, fill } from '../dom.js';
import { badge, findingLook, runDetailsLook } from '../status.js';
import { createParameterEditor, makeAct, runActions, stepActions } from '../run/actions.js';
import { hasRole } from '../roles.js';
import { startClock, timeLeft } from '../run/clock.js';
import { createGraph } from '../run/graph.js';
import { auditTrail, timeline } from '../run/history.js';
import { watchRun } from '../run/live.js';
import { createPanel } from '../run/panel.js';
import { renderNotFound } from './notfound.js';

export async function renderRun(root, ctx, id) {
  const first = await api(`/api/runs/${encodeURIComponent(id)}`);
  if (first.status === 404) { renderNotFound(root, ctx, `There is no run “${id}”.`); return; }
  if (!first.ok) { root.append(message('error', first.detail)); return; }

  const graphAnswer = await api(`/api/runs/${encodeURIComponent(id)}/graph`);
  let graph = graphAnswer.ok ? graphAnswer.data.steps : null;
  const graphNote = graphAnswer.ok ? null : message('info', `${graphAnswer.detail} The steps are shown in order, without their dependencies.`);

  let details = first.data;
  let selected = new URLSearchParams(location.search).get('step');
  const head = h('section', { class: 'card run-head' });
  const headInfo = h('div', {});
  const approvals = h('div', { 'data-testid': 'approvals' });
  const dag = createGraph((name) => { selected = name; draw(); history.replaceState(null, '', `?step=${encodeURIComponent(name)}`); });
  const panel = createPanel(id);
  const timelineBox = h('div', {});
  const auditBox = h('div', {});
  const mode = h('span', { class: 'live-mode', 'data-testid': 'live-mode' }, 'connecting…');
  const output = h('div', { class: 'action-output', 'data-testid': 'action-output' });
  const reason = h('input', { type: 'text', class: 'reason', placeholder: 'Reason (optional, kept in the audit trail)', 'aria-label': 'Reason' });

  // The fields people type in (the reason, the parameter editor) stay attached across redraws: a live update that
  // detached them would take the focus away mid-word, and the rest of what was typed would go nowhere.
  const actionButtons = h('span', { class: 'action-buttons' });
  const controls = h('div', { class: 'actions' }, actionButtons, reason);
  const editorSlot = h('div', {});
  head.append(headInfo, controls, editorSlot);

  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Run ', h('span', { class: 'mono' }, id)), mode),
    head, approvals, output,
    h('div', { class: 'run-body' },
      h('section', { class: 'card graph-card' }, h('h2', {}, 'Steps'), graphNote, h('div', { class: 'dag-wrap', 'data-testid': 'dag' }, dag.element)),
      panel.element),
    h('section', { class: 'card' }, h('h2', {}, 'Timeline'), timelineBox),
    h('section', { class: 'card' }, h('h2', {}, 'Audit trail'), auditBox));

  const watcher = watchRun(id, (d) => { details = d; draw(); }, (m) => {
    mode.textContent = { live: '● live', polling: '● live (polling every 2 s)', ended: 'finished' }[m] ?? m;
    mode.dataset.mode = m;
  });
  const act = makeAct(output, reason, async () => {
    // Approver rules depend on the state (escalation), so the graph's mayDecide is read again too.
    const again = await api(`/api/runs/${encodeURIComponent(id)}/graph`);
    if (again.ok) graph = again.data.steps;
    await watcher.refresh();
  });
  const parameterEditor = createParameterEditor(act);
  const stopClock = startClock(root);
  ctx.onLeave(() => { watcher.stop(); panel.stop(); stopClock(); });

  function draw() {
    const { run, steps } = details;
    const shape = graph ?? [...steps].sort((a, b) => a.position - b.position).map((s) => ({ name: s.name, kind: null, dependsOn: [] }));
    const info = new Map(shape.map((s) => [s.name, s]));
    const kinds = new Map(shape.map((s) => [s.name, s.kind]));
    const look = runDetailsLook(details);
    const buttons = runActions(ctx, details, act);

    fill(headInfo,
      h('div', { class: 'run-title' }, badge(look, { 'data-testid': 'run-status' }), h('h2', {}, run.workflow),
        h('span', { class: 'params' }, Object.entries(run.parameters ?? {}).map(([k, v]) => h('span', { class: 'chip' }, `${k}=${v}`))),
        run.archivedIn ? h('span', { class: 'badge tone-skipped', 'data-testid': 'run-archived', title: `read from the archive file ${run.archivedIn}` }, 'archived') : null),
      h('dl', { class: 'facts inline' },
        h('dt', {}, 'Requested by'), h('dd', {}, `${run.requestedByName} (${run.requestedById}) via ${run.trigger}`),
        h('dt', {}, 'Created'), h('dd', {}, formatTime(run.createdAt)),
        h('dt', {}, 'Duration'), h('dd', {}, formatDuration(between(run.startedAt, run.endedAt))),
        run.lockKey ? [h('dt', {}, 'Lock'), h('dd', { class: 'mono' }, run.lockKey)] : null,
        run.workflowVersion ? [h('dt', {}, 'Version'), h('dd', { class: 'mono' }, run.workflowVersion.slice(0, 19))] : null,
        run.archivedIn ? [h('dt', {}, 'Archive'), h('dd', { class: 'mono' }, run.archivedIn)] : null),
      run.error ? h('div', { class: 'msg msg-error' }, run.error) : null,
      details.failureHistory ? h('div', { class: 'muted small', 'data-testid': 'failure-history' }, details.failureHistory.text) : null,
      findingsList(details.findings));
    fill(actionButtons, buttons);
    controls.style.display = buttons.length || hasStepButtons() ? '' : 'none';
    if (hasRole(ctx.me, 'admin') && run.status === 'Paused') {
      const editor = parameterEditor.render(run);
      if (editor.parentNode !== editorSlot) editorSlot.replaceChildren(editor);
    } else if (editorSlot.firstChild) {
      editorSlot.replaceChildren();
    }

    const waiting = steps.filter((s) => s.status === 'Waiting' && kinds.get(s.name) === 'Approval');
    fill(approvals, ...waiting.map((s) => {
      const stepButtons = stepActions(ctx, details, s, info.get(s.name), act);
      const who = info.get(s.name)?.approvers;
      return h('section', { class: 'card approval-card', dataset: { step: s.name } },
        h('div', { class: 'approval-main' },
          h('span', { class: 'badge tone-approval' }, '◔ approval'),
          h('strong', {}, s.name),
          h('span', { class: 'muted' }, ` waits for ${who?.length ? who.join(', ') : 'an operator other than the requester'}`),
          s.dueAt ? h('span', { class: 'clock', dataset: { due: s.dueAt } }, timeLeft(s.dueAt)) : null),
        approvalPlan(info.get(s.name)?.plan),
        stepButtons.length ? h('div', { class: 'actions' }, stepButtons) : h('div', { class: 'muted small' }, ctx.me.id === run.requestedById ? 'You started this run; someone else must decide (four-eyes rule).' : 'You are not one of its approvers.'));
    }));

    dag.update(shape, steps, selected);
    const chosen = steps.find((s) => s.name === selected);
    panel.render(details, info.get(selected), selected, chosen ? stepActions(ctx, details, chosen, info.get(selected), act) : []);
    fill(timelineBox, timeline(details, kinds));
    fill(auditBox, auditTrail(details));

    function hasStepButtons() {
      return steps.some((s) => stepActions(ctx, details, s, info.get(s.name), act).length > 0);
    }
  }

  draw();
}

// What the steps found, worst first (an inspection's disk, memory, endpoints…).
function findingsList(findings) {
  if (!findings?.length) return null;
  const attention = findings.filter((f) => f.level !== 'Ok').length;
  return h('div', { class: 'findings', 'data-testid': 'findings' },
    h('div', { class: 'small' }, h('strong', {}, attention ? `Findings: ${attention} of ${findings.length} need attention` : `Findings: all ${findings.length} ok`)),
    h('ul', { class: 'plain small' }, findings.map((f) => {
      const look = findingLook(f.level);
      return h('li', { class: `tone-text tone-${look.tone}` }, `${look.symbol} ${f.step}: ${f.text}`);
    })));
}

// What approving lets happen: the steps it gates with their parameters and script version, and the plan's hash.
function approvalPlan(plan) {
  if (!plan) return null;
  return h('div', { class: 'approval-plan', 'data-testid': 'approval-plan' },
    h('div', { class: 'small' }, h('strong', {}, 'Approving lets this run'), h('span', { class: 'muted mono' }, ` · plan ${plan.hash.slice(0, 12)}`)),
    plan.steps.length ? h('ol', { class: 'small' }, plan.steps.map((line) => h('li', {}, line))) : h('p', { class: 'muted small' }, 'No step waits for this approval.'),
    h('div', { class: 'muted small' }, `parameters: ${Object.entries(plan.parameters ?? {}).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'} · script ${plan.workflowVersion ? plan.workflowVersion.slice(0, 12) : 'built in'}`));
}
