// Keeps a run fresh: Server-Sent Events from /api/runs/{id}/events, and polling every 2 s when the stream is
// unavailable (an older server answers 404) or drops. Stops once the run is terminal.
import { api } from '../api.js';
import { TERMINAL } from '../status.js';

export function watchRun(id, onRun, onMode) {
  let stopped = false;
  let source = null;
  let timer = null;
  let last = null;

  const terminal = () => last && TERMINAL.has(last.run.status);
  // Answers can arrive out of order: a refresh sent before the last event may land after it. An older version
  // never replaces a newer one (it once left a finished run showing "running" for good).
  const accept = (details) => {
    if (last && details.run.version < last.run.version) return;
    last = details;
    onRun(details);
    if (terminal()) { onMode('ended'); stop(); }
  };

  function stream() {
    if (typeof EventSource === 'undefined') { poll(); return; }
    source = new EventSource(`/api/runs/${encodeURIComponent(id)}/events`);
    source.addEventListener('open', () => onMode('live'));
    source.addEventListener('run', (event) => {
      try { accept(JSON.parse(event.data)); } catch { /* a malformed event is skipped; the next one carries the whole run */ }
    });
    source.addEventListener('error', () => {
      source?.close();
      source = null;
      if (!stopped && !terminal()) poll();
    });
  }

  async function poll() {
    if (stopped) return;
    onMode('polling');
    const answer = await api(`/api/runs/${encodeURIComponent(id)}`);
    if (stopped) return;
    if (answer.ok) accept(answer.data);
    if (!stopped && !terminal()) timer = setTimeout(poll, 2000);
  }

  function stop() {
    stopped = true;
    source?.close();
    clearTimeout(timer);
  }

  /** Fetch once now (after an action), without waiting for the next event or poll. */
  async function refresh() {
    const answer = await api(`/api/runs/${encodeURIComponent(id)}`);
    if (answer.ok) accept(answer.data);
  }

  stream();
  return { stop, refresh };
}
