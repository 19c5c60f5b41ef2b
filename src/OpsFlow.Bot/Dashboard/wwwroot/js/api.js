// Calls to the OpsFlow API. In development mode the chosen user travels in the X-OpsFlow-User header;
// with Entra ID sign-in the session cookie identifies the caller and the header is ignored by the server.

const USER_KEY = 'opsflow.user';
let developmentMode = false;

export function setDevelopmentMode(on) { developmentMode = on; }

export function currentUser() { return localStorage.getItem(USER_KEY) ?? ''; }

export function chooseUser(id) {
  if (id) localStorage.setItem(USER_KEY, id);
  else localStorage.removeItem(USER_KEY);
}

// Every call says it comes from the dashboard (CallerResolver.ClientHeader), so the audit log records a click here as
// via "dashboard" rather than "api". Who the caller is still comes from the session or, in development, the user header.
function requestHeaders(accept) {
  const list = { Accept: accept, 'X-OpsFlow-Client': 'dashboard' };
  if (developmentMode && currentUser()) list['X-OpsFlow-User'] = currentUser();
  return list;
}

/** An API answer: ok, status, data (parsed JSON) and, for errors, detail (the API's own words). */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = requestHeaders('application/json');
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, credentials: 'same-origin' });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    return { ok: false, status: 0, data: null, detail: 'The OpsFlow server cannot be reached. Is it running?' };
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  const detail = response.ok ? null : (data?.detail ?? data?.title ?? `The server answered ${response.status}.`);
  return { ok: response.ok, status: response.status, data, detail };
}

export const post = (path, body) => api(path, { method: 'POST', body: body ?? {} });

/**
 * Saves what path answers as a file. A plain link would not carry the development user's header, so the file is
 * fetched like any call and handed to the browser as a download. Returns null, or the API's words when it refused.
 */
export async function download(path, fallbackName) {
  let response;
  try {
    response = await fetch(path, { headers: requestHeaders('*/*'), credentials: 'same-origin' });
  } catch {
    return 'The OpsFlow server cannot be reached. Is it running?';
  }
  if (!response.ok) {
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    return data?.detail ?? `The server answered ${response.status}.`;
  }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return null;
}
