// PRODUCT §7: pending blue, running yellow, succeeded green ✓, failed red ✗, skipped grey, approval orange.
import { h } from './dom.js';

const RUN = {
  Pending: ['pending', '○', 'pending'],
  Running: ['running', '●', 'running'],
  WaitingForApproval: ['approval', '◔', 'waiting for approval'],
  Paused: ['skipped', '‖', 'paused'],
  Failed: ['failed', '✗', 'failed'],
  RollingBack: ['running', '↺', 'rolling back'],
  RolledBack: ['failed', '↺', 'rolled back'],
  Succeeded: ['succeeded', '✓', 'succeeded'],
  Cancelled: ['skipped', '⊘', 'cancelled'],
};

const STEP = {
  Pending: ['pending', '○', 'pending'],
  Running: ['running', '●', 'running'],
  Succeeded: ['succeeded', '✓', 'succeeded'],
  Failed: ['failed', '✗', 'failed'],
  Skipped: ['skipped', '↷', 'skipped'],
  TimedOut: ['failed', '✗', 'timed out'],
  Cancelled: ['skipped', '⊘', 'cancelled'],
  Compensating: ['running', '↺', 'compensating'],
  Compensated: ['skipped', '↺', 'compensated'],
  CompensationFailed: ['failed', '✗', 'compensation failed'],
};

export const TERMINAL = new Set(['Succeeded', 'Failed', 'RolledBack', 'Cancelled']);
export const RUN_STATUSES = Object.keys(RUN);

export function runLook(status) {
  const [tone, symbol, label] = RUN[status] ?? ['pending', '?', status];
  return { tone, symbol, label };
}

/** A step that waits is orange when it waits for people, blue when it waits for a retry delay. */
export function stepLook(status, kind) {
  if (status === 'Waiting') {
    return kind === 'Approval' ? { tone: 'approval', symbol: '◔', label: 'waiting for approval' } : { tone: 'pending', symbol: '↻', label: 'waiting to retry' };
  }
  const [tone, symbol, label] = STEP[status] ?? ['pending', '?', status];
  return { tone, symbol, label };
}

export function badge(look, extra = {}) {
  return h('span', { class: `badge tone-${look.tone}`, ...extra }, h('span', { class: 'sym', 'aria-hidden': 'true' }, look.symbol), ' ', look.label);
}
