// Talking to the server. Failures become Errors that carry the server's problem detail, its code (the library's input
// problem, e.g. "other-model") and the setting at fault, so a panel can act on the code instead of parsing words.
import { state } from "./state.js";

export async function api(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) {
    const problem = await problemOf(response);
    throw Object.assign(new Error(problem.text), { code: problem.code, setting: problem.setting, status: response.status });
  }
  return response.status === 204 ? null : response.json();
}

export async function problemOf(response) {
  try {
    const problem = await response.json();
    return { text: problem.detail ?? problem.title ?? `the server answered ${response.status}`, code: problem.code, setting: problem.setting };
  } catch { return { text: `the server answered ${response.status} ${response.statusText}` }; }
}

export const jsonPost = body => ({ method: "POST", headers: { "content-type": "application/json" }, body });

/** A URL of the picked model: every picture names its model by id, so the browser may cache it for good. */
export const modelUrl = path => `/api/models/${state.model}${path}`;

/** The server's bounds (GET /api/limits), read once at start: the page checks input by them and never restates them. */
export const limits = {};
export async function loadLimits() { Object.assign(limits, await api("/api/limits")); }
