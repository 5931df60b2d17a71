// What the panels share: the picked model, its vectors and the labels, and a bus on which a panel says what changed
// ("model", "vectors", "labels", "picks") so the others follow without knowing each other.
export const state = {
  model: null,            // id of the model every URL names
  models: [],             // GET /api/models: the models on offer
  vectors: [],            // summaries of the model's vectors (with versions)
  strengths: new Map(),   // vector name -> slider value
  held: new Set(),        // vector names held fixed (conditioned on) in edits
  fits: new Map(),        // vector name -> the fit request this page sent, so a run's next checkpoint can fit it again
};

const bus = new EventTarget();
export const on = (name, handler) => bus.addEventListener(name, e => handler(e.detail));
export const emit = (name, detail) => bus.dispatchEvent(new CustomEvent(name, { detail }));

// Labels belong to a model's images and are kept in this browser, per model, so a reload keeps them.
const labelsByModel = new Map();
const storageKey = model => `dcgan-studio:labels:${model}`;
export function labels() {
  if (!labelsByModel.has(state.model)) {
    let saved = [];
    try { saved = Object.entries(JSON.parse(localStorage.getItem(storageKey(state.model)) ?? "{}")); } catch { /* unreadable: start empty */ }
    labelsByModel.set(state.model, new Map(saved.filter(([, v]) => v === "with" || v === "without")));
  }
  return labelsByModel.get(state.model);
}
/** A run's newer checkpoint is drawing now: the labels of its seeds come along (unless it has labels of its own). */
export function carryLabels(from, to) {
  const previous = state.model;
  state.model = from; const old = new Map(labels());
  state.model = to; const mine = labels();
  if (mine.size === 0) for (const [seed, value] of old) mine.set(seed, value);
  labelsChanged();
  state.model = previous;
}

/** Call after changing labels(): stores them and tells the panels. */
export function labelsChanged() {
  try { localStorage.setItem(storageKey(state.model), JSON.stringify(Object.fromEntries(labels()))); } catch { /* private mode: kept for this visit */ }
  emit("labels");
}
