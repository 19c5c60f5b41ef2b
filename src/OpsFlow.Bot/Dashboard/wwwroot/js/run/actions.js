// Action buttons, shown only to roles that may use them (the server enforces the same rules and audits refusals).
import { post } from '../api.js';
import { h, message } from '../dom.js';
import { hasRole } from '../roles.js';

/**
 * Buttons for the whole run, as its state allows: pause, resume, retry and run again (operator: a new run with the same
 * parameters, its approvals asked again) and cancel (admin). The run card in chat offers the same.
 */
export function runActions(ctx, details, act) {
  const { run } = details;
  const s = run.status;
  const list = [];
  if (hasRole(ctx.me, 'operator')) {
    if (s === 'Running') list.push(['pause', 'Pause', '']);
    if (s === 'Paused') list.push(['resume', 'Resume', 'primary']);
    if (s === 'Failed') list.push(['retry', 'Retry failed steps', 'primary']);
    if (['Succeeded', 'Failed', 'RolledBack', 'Cancelled'].includes(s)) list.push(['again', 'Run again', '']);
  }
  if (hasRole(ctx.me, 'admin') && !['Succeeded', 'Failed', 'RolledBack', 'Cancelled'].includes(s)) list.push(['cancel', 'Cancel run', 'danger']);
  return list.map(([verb, label, tone]) => h('button', {
    type: 'button', class: tone, dataset: { action: verb },
    on: { click: () => act(`/api/runs/${encodeURIComponent(run.id)}/${verb}`, verb === 'cancel' ? { reason: act.reason() } : {}) },
  }, label));
}

/** Buttons for one step: approve, reject, extend (approvers) and skip (admin). */
export function stepActions(ctx, details, step, info, act) {
  const id = encodeURIComponent(details.run.id);
  const list = [];
  if (step.status === 'Waiting' && info?.kind === 'Approval' && info.mayDecide) {
    // Bound to the plan the page shows: the server refuses the decision if the plan changed since.
    const decide = (decision) => act(`/api/runs/${id}/approvals`, { decision, step: step.name, reason: act.reason(), planHash: info.plan?.hash });
    list.push(h('button', { type: 'button', class: 'ok', dataset: { action: 'approve' }, on: { click: () => decide('approve') } }, '✓ Approve'));
    list.push(h('button', { type: 'button', class: 'danger', dataset: { action: 'reject' }, on: { click: () => decide('reject') } }, '✗ Reject'));
    if ((step.extensions ?? 0) < (info.maxExtensions ?? 0)) {
      list.push(h('button', { type: 'button', dataset: { action: 'extend' }, on: { click: () => decide('extend') } }, 'Extend deadline'));
    }
  }
  const skippable = ['Failed', 'TimedOut', 'Waiting', 'Pending'].includes(step.status)
    && !['Succeeded', 'RolledBack', 'Cancelled', 'RollingBack'].includes(details.run.status);
  if (hasRole(ctx.me, 'admin') && skippable) {
    list.push(h('button', {
      type: 'button', dataset: { action: 'skip' },
      on: { click: () => act(`/api/runs/${id}/steps/${encodeURIComponent(step.name)}/skip`, { reason: act.reason() }) },
    }, 'Skip step'));
  }
  return list;
}

/**
 * Changing a paused run's parameters (admin): one field per parameter, holding the run's value; Apply sends the ones
 * edited. The server decides which may change (only what no finished step read) and says why not. Made once per page
 * and kept across redraws, so typing survives the live updates.
 */
export function createParameterEditor(act) {
  const fields = new Map();
  let runId = null;
  const list = h('div', { class: 'param-fields' });
  const apply = h('button', {
    type: 'button', dataset: { action: 'parameters' },
    on: {
      click: async () => {
        const parameters = {};
        for (const [name, input] of fields) if (input.value !== input.dataset.current) parameters[name] = input.value;
        if (Object.keys(parameters).length === 0) { act.say('info', 'Edit a value first: the fields hold the run’s parameters as they are.'); return; }
        await act(`/api/runs/${encodeURIComponent(runId)}/parameters`, { parameters, reason: act.reason() });
      },
    },
  }, 'Change parameters');
  const element = h('div', { class: 'param-editor', 'data-testid': 'param-editor' },
    h('div', { class: 'muted small' }, 'Paused: parameters that no finished step read may change; an approval given on the old values asks again.'),
    list, apply);
  return {
    render(run) {
      runId = run.id;
      for (const [name, value] of Object.entries(run.parameters ?? {})) {
        let input = fields.get(name);
        if (!input) {
          input = h('input', { type: 'text', 'aria-label': name, dataset: { param: name } });
          fields.set(name, input);
          list.append(h('label', { class: 'param-field' }, h('span', { class: 'mono' }, name), input));
        }
        // A value the server changed replaces the field's, unless the person is editing it.
        if (input.dataset.current !== value) {
          if (input.dataset.current === undefined || input.value === input.dataset.current) input.value = value;
          input.dataset.current = value;
        }
      }
      return element;
    },
  };
}

/** The function buttons call: POST, then show the API's message or its detail, then refresh the run. */
export function makeAct(output, reasonInput, refresh) {
  const act = async (path, body) => {
    output.replaceChildren(message('info', 'Sending…'));
    const answer = await post(path, body);
    output.replaceChildren(answer.ok ? message('ok', answer.data?.message ?? 'Done.') : message('error', answer.detail));
    if (answer.ok) reasonInput.value = '';
    await refresh();
  };
  act.reason = () => reasonInput.value.trim() || undefined;
  act.say = (tone, text) => output.replaceChildren(message(tone, text));
  return act;
}
