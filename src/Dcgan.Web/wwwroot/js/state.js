// What the panels share: the picked model, its vectors and the labels, and a bus on which a panel says what changed
// ("model", "vectors", "labels", "picks") so the others follow without knowing each other.
export const state = {
  model: null,            // id of the model every URL names
  scope: null,            // what labels and fits belong to: the model id, or "latest:RUN" while following a run
  models: [],             // GET /api/models: the models on offer
  vectors: [],            // summaries of the model's vectors (with versions)
  strengths: new Map(),   // vector name -> slider value
  held: new Set(),        // vector names held fixed (conditioned on) in edits
};

const bus = new EventTarget();
export const on = (name, handler) => bus.addEventListener(name, e => handler(e.detail));
export const emit = (name, detail) => bus.dispatchEvent(new CustomEvent(name, { detail }));

// Labels and the fits this page sent are kept in this browser per scope, so a reload keeps them; following a run's
// latest, they belong to the run, so they outlive each checkpoint (and a visit that finds a newer one).
const kept = new Map(); // storage key -> Map
function keptMap(kind, accept) {
  const key = `dcgan-studio:${kind}:${state.scope ?? state.model}`;
  if (!kept.has(key)) {
    let saved = [];
    try { saved = Object.entries(JSON.parse(localStorage.getItem(key) ?? "{}")); } catch { /* unreadable: start empty */ }
    kept.set(key, new Map(saved.filter(([, v]) => accept(v))));
  }
  return [key, kept.get(key)];
}
function store(kind, accept) {
  const [key, map] = keptMap(kind, accept);
  try { localStorage.setItem(key, JSON.stringify(Object.fromEntries(map))); } catch { /* private mode: kept for this visit */ }
}

const isLabel = v => v === "with" || v === "without";
/** Seed (string) -> "with" | "without", for the images of the picked model (or run). */
export const labels = () => keptMap("labels", isLabel)[1];
/** Call after changing labels(): stores them and tells the panels. */
export function labelsChanged() { store("labels", isLabel); emit("labels"); }

const isFit = v => typeof v === "string";
/** Vector name -> the fit request (JSON text) this page sent, so a newer checkpoint or a restarted server can fit it again. */
export const fits = () => keptMap("fits", isFit)[1];
export const fitsChanged = () => store("fits", isFit);
