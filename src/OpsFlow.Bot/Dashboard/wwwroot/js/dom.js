// Building DOM nodes from data. Text always goes in as textContent, never as HTML, so run data cannot inject markup.

/** h('a', {href, class, dataset: {x}, on: {click}}, child, 'text', [more]) */
export function h(tag, attrs = {}, ...children) {
  const node = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key === 'text') {
      node.textContent = String(value);
    } else if (key === 'class') {
      node.setAttribute('class', value);
    } else if (key in node && !tag.startsWith('svg:')) {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** As DurationText in the engine writes it (a browser test holds the two together): 850 ms, 12.5 s, 3 min 20 s, 1 h 5 min. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  const span = Math.max(0, ms);
  if (span < 1000) return `${Math.round(span)} ms`;
  if (span < 60000) return `${Number((span / 1000).toFixed(1))} s`;
  const minutes = Math.floor(span / 60000);
  if (minutes < 60) return `${minutes} min ${Math.floor(span / 1000) % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Bytes as the shipped workflows write them (lib/format.csx): 512 bytes, 85.3 MiB, 1.2 GiB. */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(bytes)) return '—';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return unit === 0 ? `${value} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}

export function between(startIso, endIso, now = Date.now()) {
  if (!startIso) return null;
  const end = endIso ? Date.parse(endIso) : now;
  return end - Date.parse(startIso);
}

/** A message box: kind is 'error', 'info' or 'ok'. */
export function message(kind, text) {
  return h('div', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function percent(value) {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;
}

/** Replaces a node's children; null, false and nested arrays are handled as in h() (Element.append would print "null"). */
export function fill(node, ...children) {
  clear(node);
  append(node, children);
  return node;
}
