// How statuses look: served by the host from the engine's StatusVocabulary, the one definition the run card and the
// command line use too (docs/engine.md, "One vocabulary").
import { h } from './dom.js';
import { RUN, RUN_SUCCEEDED_WITH_WARNINGS, STEP, STEP_WAITING_FOR_PEOPLE, TERMINAL as TERMINAL_STATUSES } from '/api/vocabulary.js';

export const TERMINAL = new Set(TERMINAL_STATUSES);
export const RUN_STATUSES = Object.keys(RUN);

export function runLook(status) {
  return RUN[status] ?? { tone: 'pending', symbol: '?', label: status };
}

/** A run as its details show it: a succeeded run whose steps found a warning or worse is amber (the API's outcome). */
export function runDetailsLook(details) {
  return details.outcome === RUN_SUCCEEDED_WITH_WARNINGS.label ? RUN_SUCCEEDED_WITH_WARNINGS : runLook(details.run.status);
}

const FINDING_LOOKS = {
  Critical: { tone: 'failed', symbol: '‼', label: 'critical' },
  Warning: { tone: 'warning', symbol: '⚠', label: 'warning' },
  Ok: { tone: 'succeeded', symbol: '✓', label: 'ok' },
};

export function findingLook(level) {
  return FINDING_LOOKS[level] ?? FINDING_LOOKS.Ok;
}

/** A step that waits is orange when it waits for people, blue when it waits for a retry delay. */
export function stepLook(status, kind) {
  if (status === 'Waiting' && kind === 'Approval') {
    return STEP_WAITING_FOR_PEOPLE;
  }
  return STEP[status] ?? { tone: 'pending', symbol: '?', label: status };
}

export function badge(look, extra = {}) {
  return h('span', { class: `badge tone-${look.tone}`, ...extra }, h('span', { class: 'sym', 'aria-hidden': 'true' }, look.symbol), ' ', look.label);
}
