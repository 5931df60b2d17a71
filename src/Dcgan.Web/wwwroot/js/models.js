// The header: which model this page draws with. Each page picks its own (nothing is selected on the server). A run is
// offered twice: "latest", which follows the run as it saves checkpoints, and its newest checkpoint exactly; an exact
// checkpoint picked earlier stays pickable while the server still has it.
import { api, modelUrl } from "./api.js";
import { $, showError } from "./dom.js";
import { emit, state } from "./state.js";

const LATEST = "latest:";
let pick = null;        // what the person picked: a model id, or LATEST + run name (kept in this browser for the next visit)
const PICK_KEY = "dcgan-studio:model";
const seen = new Map(); // id -> label of every model this page has offered, so an exact pick keeps its name

export async function loadModels() {
  const { models, leftOut } = await api("/api/models");
  state.models = models;
  for (const m of models) seen.set(m.id, m.label);
  // A damaged or half-written checkpoint is not offered; say which and why rather than let it vanish.
  $("models-left-out").textContent = leftOut.length
    ? "Not offered: " + leftOut.map(m => `${m.label} (${m.reason})`).join("; ") : "";
  const select = $("model");
  if (pick === null) {
    let saved = null;
    try { saved = localStorage.getItem(PICK_KEY); } catch { /* private mode */ }
    const offered = value => models.some(m => m.id === value || (m.run && LATEST + m.run === value));
    pick = saved && offered(saved) ? saved : models[0]?.id ?? null;
  }
  select.innerHTML = "";
  for (const m of models) {
    if (m.run) select.add(new Option(`run ${m.run} (latest: ${m.label.split(": ").at(-1)})`, LATEST + m.run));
    select.add(new Option(m.label, m.id));
  }
  if (pick && ![...select.options].some(o => o.value === pick)) {
    // An exact checkpoint the run has saved past, or a file that has gone: kept as picked, said plainly.
    const label = seen.get(pick) ?? "the model picked before";
    select.add(new Option(`${label} (older checkpoint; the run has saved newer ones)`, pick));
  }
  select.value = pick ?? "";
  const id = resolve(pick);
  if (id && id !== state.model) await switchModel(id, state.model !== null && pick.startsWith(LATEST));
  describeModel();
}

/** The model id a pick means now: a run's latest follows the run. */
function resolve(value) {
  if (!value?.startsWith(LATEST)) return value;
  return state.models.find(m => m.run === value.slice(LATEST.length))?.id ?? state.model;
}

// In words a newcomer reads; the id and the loss stay in the tooltip for those who want them.
function describeModel() {
  const m = state.models.find(x => x.id === state.model);
  const info = $("model-info");
  if (m) {
    const o = m.options;
    info.textContent = `draws ${o.imageSize}×${o.imageSize} ${o.nc === 1 ? "gray" : "colour"} images from ${o.nz} random numbers (z)`;
    info.title = `nz ${o.nz}, ${o.imageSize} px, ${o.nc} channels, ${o.loss} loss; model id ${m.id} (the start of its weights' hash)`;
  } else { info.textContent = ""; info.removeAttribute("title"); }
  // The zip holds the vectors the model has when the link is followed.
  if (state.model) $("export-web").href = modelUrl("/web-page.zip"); else $("export-web").removeAttribute("href");
}

// A run's "latest" that moves on to a newer checkpoint carries the person's work along: labels, the picked image and
// the sliders stay, and the vectors this page fitted are fitted again on the new checkpoint (vectors belong to one).
async function switchModel(id, followingRun = false) {
  const from = state.model;
  if (!followingRun) { state.strengths.clear(); state.held.clear(); }
  state.model = id;
  state.scope = pick?.startsWith(LATEST) ? pick : id;
  describeModel();
  $("model-note").textContent = followingRun
    ? `${seen.get(id) ?? "the run"} is drawing now (a newer checkpoint): your labels, your edit and the vectors fitted here came along.`
    : "";
  emit("model", { id, from, followingRun });
}

export function mountModels() {
  $("model").onchange = e => {
    pick = e.target.value;
    try { localStorage.setItem(PICK_KEY, pick); } catch { /* private mode: this visit only */ }
    const id = resolve(pick);
    showError("model-error", null);
    if (id !== state.model || state.scope !== (pick.startsWith(LATEST) ? pick : id)) switchModel(id);
  };
}
