// Small helpers every panel uses: look-ups, error lines, number formats, and the two patterns of a control that works
// for a while (a timer beside it) or asks once more in place (no dialogs: the page never opens one).
export const $ = id => document.getElementById(id);

/** Shows an error (an Error, a string, or nothing to clear) in the error line given by element or id. */
export function showError(box, error) {
  (typeof box === "string" ? $(box) : box).textContent = error ? (error.message ?? String(error)) : "";
}
export function markInvalid(input, invalid) { input.setAttribute("aria-invalid", invalid ? "true" : "false"); }

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

export const fmt = (x, digits = 2) => (Math.abs(x) < 0.5 * 10 ** -digits ? 0 : x).toFixed(digits); // never "-0.00"
export const pct = x => `${Math.round(100 * x)} %`;
export const capitalise = text => text ? text[0].toUpperCase() + text.slice(1) : text;

/** "doing… 3 s" in the status element, every second, until the returned stop is called. */
export function ticker(status, doing) {
  const started = Date.now();
  const tick = () => { if (status) status.textContent = `${doing}… ${Math.round((Date.now() - started) / 1000)} s`; };
  if (status) status.textContent = `${doing}…`;
  const timer = setInterval(tick, 1000);
  return () => { clearInterval(timer); if (status) status.textContent = ""; };
}

/** Runs work with the button disabled and marked busy, and a ticker beside it; a second click meanwhile is ignored. */
export async function busy(button, status, work, doing = "working") {
  if (button.getAttribute("aria-busy") === "true") return;
  const label = button.textContent;
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  const stop = ticker(status, doing);
  try { return await work(); }
  finally {
    stop();
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
}

/**
 * A destructive button asks once more in place: the first press turns it into the question for a few seconds, the
 * second press does it. Returns true when the action ran.
 */
export function confirmInPlace(button, question, action) {
  if (button.dataset.armed !== "1") {
    button.dataset.label ??= button.textContent;
    button.dataset.armed = "1";
    button.textContent = question;
    clearTimeout(Number(button.dataset.timer));
    button.dataset.timer = String(setTimeout(() => disarm(button), 4000));
    return false;
  }
  disarm(button);
  action();
  return true;
}
function disarm(button) {
  button.dataset.armed = "";
  if (button.dataset.label !== undefined) button.textContent = button.dataset.label;
}

/** The refusal of a file past the server's limit, in the server's words; null when it fits. */
export const sizeRefusal = (setting, file, limit) =>
  file.size > limit ? `${file.name}: the ${setting} is ${size(file.size)}; at most ${size(limit)}` : null;

/** A byte count as a person reads it, in the server's words ("19.4 MB"). */
export function size(bytes) {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1).replace(/\.0$/, "")} KB`
    : `${(bytes / 1048576).toFixed(1).replace(/\.0$/, "")} MB`;
}
