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

/** An API answer: ok, status, data (parsed JSON) and, for errors, detail (the API's own words). */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (developmentMode && currentUser()) headers['X-OpsFlow-User'] = currentUser();
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
