// DCGAN Studio page. Every picture comes from the server's PNG endpoints, so its pixels are the command's. Every URL
// names its model by id (and vectors as NAME@VERSION), so the browser may cache images for good and never shows a
// stale one. Seeds are exact integers up to 2^63 - 1: they are kept as BigInt and strings, never as JS numbers.
const $ = id => document.getElementById(id);
const MAX_SEED = (1n << 63n) - 1n;
const PAGE = 24;

const state = {
  model: null,            // id of the model every URL names
  models: [],             // GET /api/models
  labelsByModel: new Map(), // model id -> (seed string -> "with" | "without"): labels belong to a model's images
  vectors: [],            // summaries of the model's vectors (with versions)
  strengths: new Map(),   // vector name -> slider value
  shown: [],              // seeds (BigInt) in the grid
  editSeed: null,         // seed (BigInt) being edited
  editLatent: null,       // or z of the person's own image (base64url float32), from POST .../invert
};
const modelUrl = path => `/api/models/${state.model}${path}`;
function labels() {
  if (!state.labelsByModel.has(state.model)) state.labelsByModel.set(state.model, new Map());
  return state.labelsByModel.get(state.model);
}

// ---- talking to the server: failures become Errors carrying the server's problem detail
async function api(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) {
    const problem = await problemOf(response);
    // The library's typed errors carry a code (e.g. "other-model") and the setting at fault: the page acts on those.
    throw Object.assign(new Error(problem.text), { code: problem.code, setting: problem.setting });
  }
  return response.status === 204 ? null : response.json();
}
async function problemOf(response) {
  try {
    const problem = await response.json();
    return { text: problem.detail ?? problem.title ?? `the server answered ${response.status}`, code: problem.code, setting: problem.setting };
  } catch { return { text: `the server answered ${response.status} ${response.statusText}` }; }
}
async function problemText(response) { return (await problemOf(response)).text; }
const jsonPost = body => ({ method: "POST", headers: { "content-type": "application/json" }, body });

function showError(id, error) { $(id).textContent = error ? (error.message ?? String(error)) : ""; }
function markInvalid(input, invalid) { input.setAttribute("aria-invalid", invalid ? "true" : "false"); }

// A button that shows it is working, ignores clicks meanwhile, and says what and for how long beside it.
async function busy(button, status, work, doing = "working") {
  if (button.getAttribute("aria-busy") === "true") return;
  const label = button.textContent, started = Date.now();
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  if (status) status.textContent = `${doing}…`;
  const timer = setInterval(() => { if (status) status.textContent = `${doing}… ${Math.round((Date.now() - started) / 1000)} s`; }, 1000);
  try { return await work(); }
  finally {
    clearInterval(timer);
    if (status) status.textContent = "";
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = label;
  }
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// ---- seeds: exact integers, checked here before any request
function parseSeed(text, what) {
  const t = String(text).trim();
  if (!/^\d+$/.test(t)) throw new Error(`${what}: "${t}" is not a seed (a whole number from 0 to ${MAX_SEED})`);
  const seed = BigInt(t);
  if (seed > MAX_SEED) throw new Error(`${what}: ${t} is too large (seeds go up to ${MAX_SEED})`);
  return seed;
}
function checkSeedList(text, what, max = 16) {
  const parts = text.split(",").map(p => p.trim()).filter(p => p !== "");
  if (!parts.length) throw new Error(`${what}: give at least one seed, such as 3,7,12-14`);
  let count = 0n;
  for (const part of parts) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`${what}: "${part}" is not a seed or a range such as 12-14`);
    const from = parseSeed(m[1], what), to = m[2] === undefined ? from : parseSeed(m[2], what);
    if (to < from) throw new Error(`${what}: the range ${part} runs backwards`);
    count += to - from + 1n;
  }
  if (count > BigInt(max)) throw new Error(`${what}: ${count} seeds, at most ${max}`);
  return parts.join(",");
}
const fmt = (x, digits = 2) => (Math.abs(x) < 0.5 * 10 ** -digits ? 0 : x).toFixed(digits); // never "-0.00"
const pct = x => `${Math.round(100 * x)} %`;

// ---- images: a placeholder until there is something to show; a failed image says why, next to it
function setImage(img, url, errorId) {
  const frame = img.closest(".frame");
  if (!url) {
    img.removeAttribute("src");
    delete img.dataset.url;
    frame.classList.add("empty");
    frame.classList.remove("loading");
    return;
  }
  if (img.dataset.url === url) return;
  img.dataset.url = url;
  frame.classList.add("loading");
  img.onload = () => { frame.classList.remove("empty", "loading"); if (errorId) showError(errorId, null); };
  img.onerror = async () => {
    frame.classList.remove("loading");
    frame.classList.add("empty");
    if (img.dataset.url !== url) return;
    let reason = "the image could not be drawn";
    try { const r = await fetch(url); if (!r.ok) reason = await problemText(r); } catch { reason = "the server did not answer"; }
    if (errorId) showError(errorId, reason);
  };
  img.src = url;
}

// ---- models: each page picks its own; the list follows the runs and models folders
async function loadModels() {
  const { models, leftOut } = await api("/api/models");
  state.models = models;
  // A damaged or half-written checkpoint is not offered; say which and why rather than let it vanish.
  $("models-left-out").textContent = leftOut.length
    ? "Not offered: " + leftOut.map(m => `${m.label} (${m.reason})`).join("; ") : "";
  const select = $("model");
  const keep = state.model ?? models[0]?.id;
  select.innerHTML = "";
  for (const m of models) select.add(new Option(m.label, m.id, false, m.id === keep));
  if (keep && !models.some(m => m.id === keep)) select.add(new Option("(the model picked before; no longer listed)", keep, false, true));
  if (!state.model && keep) await switchModel(keep);
  describeModel();
}
function describeModel() {
  const m = state.models.find(x => x.id === state.model);
  $("model-info").textContent = m ? `nz ${m.options.nz}, ${m.options.imageSize} px, ${m.options.loss} · id ${m.id}` : "";
  // The zip holds the vectors the model has when the link is followed.
  if (state.model) $("export-web").href = modelUrl("/web-page.zip"); else $("export-web").removeAttribute("href");
}
async function switchModel(id) {
  state.model = id;
  // Labels are kept per model (switching back brings them back); strengths and the picked image start afresh.
  state.strengths.clear(); state.editSeed = null; state.editLatent = null;
  $("reconstruction-figure").hidden = true;
  $("invert-result").textContent = "";
  updateCounts();
  $("compute-result").textContent = "";
  $("vectors-note").textContent = "";
  for (const id of ["compute-error", "vectors-error", "edit-error", "interp-error", "arith-error"]) showError(id, null);
  $("edit-seed").textContent = "(press ✎ edit on an image to pick it)";
  setImage($("original"), null); setImage($("edited"), null);
  $("edited-download").removeAttribute("href");
  describeModel();
  showGrid(state.shown[0] ?? 0n, state.shown.length || PAGE);
  updateInterpolation();
  if ($("arith").dataset.url) drawArithmetic();
  await loadVectors();
}
$("model").onchange = e => switchModel(e.target.value).catch(error => showError("model-error", error));

// ---- the grid: tiles are buttons (keyboard and touch), with a visible ✓ / ✗ besides the colour
const LABEL_TEXT = { with: "has the attribute", without: "does not have the attribute" };
function tile(seed) {
  const key = seed.toString();
  const div = document.createElement("div");
  div.className = "tile";
  div.dataset.seed = key;
  div.innerHTML = `<button class="label" type="button"><span class="mark" aria-hidden="true"></span>` +
    `<img src="${modelUrl(`/images/${key}.png`)}" alt=""><span class="seed" title="seed ${key}">${key}</span></button>` +
    `<button class="edit" type="button" aria-label="edit seed ${key}" title="edit seed ${key}">✎ edit</button>`;
  const label = div.querySelector(".label");
  label.onclick = () => clickTile(seed, div);
  div.querySelector(".edit").onclick = () => pickForEdit(seed);
  paintTile(div);
  return div;
}
function paintTile(div) {
  const value = labels().get(div.dataset.seed);
  div.classList.toggle("with", value === "with");
  div.classList.toggle("without", value === "without");
  div.querySelector(".mark").textContent = value === "with" ? "✓" : value === "without" ? "✗" : "";
  const button = div.querySelector(".label");
  button.setAttribute("aria-pressed", value ? "true" : "false");
  button.setAttribute("aria-label", `seed ${div.dataset.seed}: ${LABEL_TEXT[value] ?? "not labelled"}`);
}
function clickTile(seed, div) {
  const key = seed.toString(), mode = $("click-mode").value;
  if (mode === "from" || mode === "to") {
    $(mode === "from" ? "interp-a" : "interp-b").value = key;
    updateInterpolation();
    return;
  }
  if (mode !== "label") {
    const input = $("arith-" + mode);
    const seeds = input.value.split(",").map(x => x.trim()).filter(x => x !== "");
    const at = seeds.indexOf(key);
    if (at >= 0) seeds.splice(at, 1); else seeds.push(key);
    input.value = seeds.join(",");
    return;
  }
  const next = { undefined: "with", with: "without", without: undefined }[labels().get(key)];
  if (next) labels().set(key, next); else labels().delete(key);
  paintTile(div);
  updateCounts();
}
function showGrid(first, count, append = false) {
  const grid = $("grid");
  if (!append) { grid.innerHTML = ""; state.shown = []; }
  for (let i = 0n; i < BigInt(count) && first + i <= MAX_SEED; i++) {
    state.shown.push(first + i);
    grid.appendChild(tile(first + i));
  }
  updateCounts();
}
function updateCounts() {
  const values = [...labels().values()];
  const shown = new Set(state.shown.map(String));
  const hidden = [...labels().keys()].filter(seed => !shown.has(seed)).length;
  $("counts").textContent = `${values.filter(v => v === "with").length} with, ${values.filter(v => v === "without").length} without` +
    (hidden ? ` (${hidden} of them on images not shown now)` : "");
}
function showFromInput() {
  try {
    const first = parseSeed($("seed").value, "First seed");
    markInvalid($("seed"), false); showError("seed-error", null);
    showGrid(first, PAGE);
  } catch (error) { markInvalid($("seed"), true); showError("seed-error", error); }
}
$("show").onclick = showFromInput;
$("seed").onkeydown = e => { if (e.key === "Enter") showFromInput(); };
$("more").onclick = () => {
  const last = state.shown.at(-1) ?? -1n;
  if (last >= MAX_SEED) { showError("seed-error", `there are no seeds after ${MAX_SEED}`); return; }
  showGrid(last + 1n, PAGE, true);
};
$("new-seeds").onclick = () => {
  const random = crypto.getRandomValues(new BigUint64Array(1))[0] % (MAX_SEED - BigInt(PAGE));
  $("seed").value = random.toString();
  showFromInput();
};
$("clear-labels").onclick = () => {
  const button = $("clear-labels");
  if (labels().size > 0 && button.dataset.armed !== "1") {
    // Asks once more in place, as delete does.
    button.dataset.armed = "1";
    button.textContent = `Really clear ${labels().size} labels?`;
    setTimeout(() => { button.dataset.armed = ""; button.textContent = "Clear labels"; }, 4000);
    return;
  }
  button.dataset.armed = "";
  button.textContent = "Clear labels";
  labels().clear();
  for (const div of $("grid").children) paintTile(div);
  updateCounts();
};

// ---- fitting a vector: seeds travel as exact JSON integers, written out as text
$("compute").onclick = () => busy($("compute"), $("compute-busy"), async () => {
  showError("compute-error", null);
  const seedsOf = kind => [...labels()].filter(([, v]) => v === kind).map(([s]) => s);
  const name = $("vector-name").value.trim();
  const nameOk = /^[A-Za-z0-9._-]{1,64}$/.test(name) && !name.includes("..");
  markInvalid($("vector-name"), !nameOk);
  if (!nameOk) { showError("compute-error", `Name: "${name}" can't be used: use letters, digits, '.', '_' and '-' (1 to 64; no spaces), e.g. yellow-face`); return; }
  const [withCount, withoutCount] = [seedsOf("with").length, seedsOf("without").length];
  if (withCount < 2 || withoutCount < 2) {
    showError("compute-error", `Label at least 2 images ✓ (has it) and 2 ✗ (has not) first: you have ${withCount} ✓ and ${withoutCount} ✗. One click marks ✓, two mark ✗.`);
    return;
  }
  const replacing = state.vectors.some(v => v.name === name);
  const body = `{"name":${JSON.stringify(name)},"method":${JSON.stringify($("method").value)},` +
    `"with":[${seedsOf("with").join(",")}],"without":[${seedsOf("without").join(",")}]}`;
  try {
    const v = await api(modelUrl("/vectors"), jsonPost(body));
    $("compute-result").textContent = `${v.name}${replacing ? " (replaces the earlier vector of that name)" : ""}: ${qualityText(v)}`;
    await loadVectors();
  } catch (error) { showError("compute-error", error); }
});
// The verdict first (it is what a person needs), then the figures with their uncertainty.
function qualityText(v) {
  if (!v.validation) return v.sigma ? `discovered direction, spread σ ${fmt(v.sigma)}` : "no labels to judge it by";
  const q = v.quality;
  const held = v.validation.heldOut ? `held-out accuracy (${v.validation.folds}-fold)` : "accuracy on its own labels (too few to hold any out)";
  return `${q.verdict[0].toUpperCase()}${q.verdict.slice(1)}. Figures: ${held} ${pct(v.validation.accuracy)} ` +
    `(95 % interval ${pct(q.accuracyLow)}–${pct(q.accuracyHigh)}), ROC AUC ${fmt(v.validation.rocAuc)}, from ${v.with} ✓ and ${v.without} ✗.`;
}

// ---- vectors
let vectorsAsked = 0;
async function loadVectors() {
  const asked = ++vectorsAsked;
  const vectors = await api(modelUrl("/vectors"));
  if (asked !== vectorsAsked) return; // a newer listing was asked for meanwhile (after a compute, or another model): it wins
  state.vectors = vectors;
  for (const name of [...state.strengths.keys()]) if (!vectors.some(v => v.name === name)) state.strengths.delete(name);
  const body = $("vectors").querySelector("tbody");
  body.innerHTML = "";
  $("vectors-empty").hidden = vectors.length > 0;
  $("vectors").hidden = vectors.length === 0;
  $("edit-options").hidden = vectors.length === 0;
  const condition = $("condition");
  const held = new Set([...condition.selectedOptions].map(o => o.value));
  condition.innerHTML = "";
  for (const v of vectors) {
    const row = body.insertRow();
    row.innerHTML = `<td data-label="name"></td><td data-label="method"></td><td data-label="norm"></td><td data-label="quality"></td>` +
      `<td data-label="labels"></td><td><a download>download</a> <button type="button" class="delete">delete</button></td>`;
    row.cells[0].textContent = v.name;
    row.cells[1].textContent = v.method;
    row.cells[2].textContent = fmt(v.norm, 3);
    row.cells[3].innerHTML = `<span class="verdict"></span>`;
    row.cells[3].firstChild.textContent = qualityText(v);
    row.cells[4].textContent = v.validation ? `${v.with} ✓ / ${v.without} ✗` : "—";
    const link = row.querySelector("a");
    link.href = modelUrl(`/vectors/${encodeURIComponent(v.name)}@${v.version}`);
    link.download = `${v.name}.json`;
    link.setAttribute("aria-label", `download vector ${v.name}`);
    const del = row.querySelector(".delete");
    del.setAttribute("aria-label", `delete vector ${v.name}`);
    del.onclick = () => confirmDelete(del, v.name);
    condition.add(new Option(v.name, v.name, false, held.has(v.name)));
  }
  renderSliders();
}
// Deleting asks once more in place: the button turns into "Really delete?" for a few seconds.
function confirmDelete(button, name) {
  if (button.dataset.armed !== "1") {
    button.dataset.armed = "1";
    button.textContent = `Really delete ${name}?`;
    setTimeout(() => { button.dataset.armed = ""; button.textContent = "delete"; }, 4000);
    return;
  }
  api(modelUrl(`/vectors/${encodeURIComponent(name)}`), { method: "DELETE" })
    .then(() => { state.strengths.delete(name); return loadVectors(); })
    .catch(error => showError("vectors-error", error));
}
function heldFixed() { return new Set([...$("condition").selectedOptions].map(o => o.value)); }
function renderSliders() {
  const box = $("sliders");
  box.innerHTML = "";
  if (!state.vectors.length) { box.innerHTML = `<p class="muted">Sliders appear here, one per vector.</p>`; }
  const held = heldFixed();
  for (const v of state.vectors) {
    const range = v.sigma ? 3 * v.sigma : 3;
    const label = document.createElement("label");
    label.innerHTML = `<span class="name"></span> <input type="range"> <output></output>`;
    label.querySelector(".name").textContent = v.name;
    const input = label.querySelector("input"), out = label.querySelector("output");
    Object.assign(input, { min: -range, max: range, step: range / 30, value: state.strengths.get(v.name) ?? 0 });
    input.dataset.vector = v.name;
    input.setAttribute("aria-label", `strength of ${v.name}`);
    if (held.has(v.name)) {
      input.disabled = true;
      state.strengths.delete(v.name);
      input.value = 0;
      out.textContent = "held fixed";
      out.className = "held";
    } else out.textContent = fmt(Number(input.value));
    input.oninput = () => { state.strengths.set(v.name, Number(input.value)); out.textContent = fmt(Number(input.value)); updateEditedSoon(); };
    box.appendChild(label);
  }
  updateEdited();
}
$("sefa").onclick = () => discover("sefa", $("sefa"));
$("pca").onclick = () => discover("pca", $("pca"));
function discover(method, button) {
  const other = $(method === "sefa" ? "pca" : "sefa");
  other.disabled = true;
  return busy(button, $("vectors-busy"), async () => {
    showError("vectors-error", null);
    $("vectors-note").textContent = "";
    try {
      const had = state.vectors.some(v => v.name === `${method}-00`);
      const made = await api(modelUrl("/vectors/directions"), jsonPost(JSON.stringify({ method, k: 5 })));
      await loadVectors();
      $("vectors-note").textContent = `${made.length} directions ${had ? "found again (the same ones)" : "added"} (${made[0].name} to ${made.at(-1).name}): ` +
        "each has a slider under Edit; move one to see what it changes.";
    }
    catch (error) { showError("vectors-error", error); }
    finally { other.disabled = false; }
  }, `discovering ${method.toUpperCase()} directions`);
}
$("upload").onchange = async e => {
  const file = e.target.files[0];
  e.target.value = "";
  if (file) await upload(file, false);
};
// A vector file as it is: the JSON that "attribute fit" writes, or a tensor from torch.save(v, "v_A.pt"), named after the file.
async function upload(file, force) {
  showError("vectors-error", null);
  $("vectors-note").textContent = "";
  try {
    const query = new URLSearchParams({ name: file.name.replace(/\.(json|pt|pth)$/i, "") });
    if (force) query.set("force", "1");
    const { vector, warning } = await api(modelUrl(`/vectors/upload?${query}`),
      { method: "POST", body: file, headers: { "Content-Type": /\.json$/i.test(file.name) ? "application/json" : "application/octet-stream" } });
    const replacing = state.vectors.some(v => v.name === vector.name);
    await loadVectors();
    $("vectors-note").textContent = `Loaded vector ${vector.name} (${vector.method})${replacing ? ", replacing the earlier one of that name" : ""}` +
      `${warning ? "; " + warning.replace(/^(warning|note): /, "note: ") : ""}.`;
  } catch (error) {
    if (!force && error.code === "other-model") {
      // Offer what the command's --force does, in the page's words.
      const box = $("vectors-error");
      box.textContent = `${error.message.replace(/^vector: /, "")}. Its direction may mean something else for this model. `;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Load it anyway";
      button.onclick = () => upload(file, true);
      box.appendChild(button);
    } else showError("vectors-error", error);
  }
}

// ---- editing: the edited image follows the sliders, at most a few requests a second
function editUrl() {
  const params = new URLSearchParams(state.editLatent ? { z: state.editLatent } : { seed: state.editSeed.toString() });
  const held = heldFixed();
  for (const v of state.vectors) {
    const value = state.strengths.get(v.name) ?? 0;
    if (value !== 0 && !held.has(v.name)) params.append("v", `${v.name}@${v.version}:${value}`);
  }
  for (const v of state.vectors) if (held.has(v.name)) params.append("condition", `${v.name}@${v.version}`);
  if ($("unit").checked) params.set("unit", "1");
  if ($("keep-norm").checked) params.set("keepNorm", "1");
  return modelUrl("/edit.png?" + params);
}
function updateEdited() {
  if (state.editSeed === null && state.editLatent === null) return;
  const url = editUrl();
  setImage($("edited"), url, "edit-error");
  $("edited-download").href = url;
}
const updateEditedSoon = debounce(updateEdited, 120);
function pickForEdit(seed) {
  state.editSeed = seed;
  state.editLatent = null;
  $("reconstruction-figure").hidden = true;
  $("invert-result").textContent = "";
  $("edit-seed").textContent = `seed ${seed}`;
  setImage($("original"), modelUrl(`/images/${seed}.png`), "edit-error");
  updateEdited();
  // Go where the edit happens: the first slider (or the panel's title when there is none yet) takes the focus.
  $("edit").scrollIntoView({ block: "start" });
  ($("sliders").querySelector("input:not([disabled])") ?? $("edit-title")).focus({ preventScroll: true });
}
$("reset-sliders").onclick = () => { state.strengths.clear(); renderSliders(); };

// ---- your own image: the server finds the z whose image comes closest (GAN inversion), and the sliders edit that z
async function invertOwn(file) {
  if (!file) return;
  showError("edit-error", null);
  if (!file.type.startsWith("image/")) { showError("edit-error", `${file.name} is not an image (PNG, JPEG, WebP, BMP or GIF)`); return; }
  if (file.size > 10 * 1024 * 1024) { showError("edit-error", `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; at most 10 MB`); return; }
  const input = $("own-image"), started = Date.now(), model = state.model;
  input.disabled = true;
  $("invert-result").textContent = "";
  $("edit-seed").textContent = `(finding ${file.name} in the generator's space…)`;
  const tick = () => { $("invert-busy").textContent = `finding your image in the generator's space (about 10 s)… ${Math.round((Date.now() - started) / 1000)} s`; };
  tick();
  const timer = setInterval(tick, 1000);
  try {
    const form = new FormData();
    form.append("image", file);
    const result = await api(modelUrl("/invert"), { method: "POST", body: form });
    if (model !== state.model) return; // another model was picked meanwhile
    state.editSeed = null;
    state.editLatent = result.z;
    $("edit-seed").textContent = `your image ${file.name}`;
    setImage($("original"), URL.createObjectURL(file), "edit-error");
    $("reconstruction-figure").hidden = false;
    setImage($("reconstruction"), result.reconstruction, "edit-error");
    $("invert-result").textContent = `Nearest match: PSNR ${fmt(result.psnr, 1)} dB, SSIM ${fmt(result.ssim)} ` +
      `(${result.restarts} starts × ${result.steps} steps, ${fmt(result.seconds, 1)} s). The sliders now edit it.`;
    updateEdited();
  } catch (error) {
    showError("edit-error", error);
    $("edit-seed").textContent = state.editSeed !== null ? `seed ${state.editSeed}` : "(press ✎ edit on an image to pick it)";
  }
  finally { clearInterval(timer); $("invert-busy").textContent = ""; input.disabled = false; input.value = ""; }
}
$("own-image").onchange = e => invertOwn(e.target.files[0]);
$("drop").ondragover = e => { e.preventDefault(); $("drop").classList.add("over"); };
$("drop").ondragleave = () => $("drop").classList.remove("over");
$("drop").ondrop = e => { e.preventDefault(); $("drop").classList.remove("over"); invertOwn(e.dataTransfer.files[0]); };
$("condition").onchange = renderSliders;
for (const id of ["unit", "keep-norm"]) $(id).onchange = updateEdited;

// ---- interpolation and arithmetic
function updateInterpolation() {
  try {
    const a = parseSeed($("interp-a").value, "A"), b = parseSeed($("interp-b").value, "B");
    markInvalid($("interp-a"), false); markInvalid($("interp-b"), false);
    showError("interp-error", null);
    const q = `from=${a}&to=${b}&mode=${$("interp-mode").value}`;
    setImage($("interp-strip"), modelUrl(`/interpolate.png?${q}&steps=8`), "interp-error");
    $("interp-download").href = modelUrl(`/interpolate.png?${q}&steps=8`);
    setImage($("interp-one"), modelUrl(`/interpolate.png?${q}&t=${$("interp-t").value}`), "interp-error");
  } catch (error) {
    for (const id of ["interp-a", "interp-b"]) markInvalid($(id), !/^\d+$/.test($(id).value.trim()) || BigInt($(id).value.trim()) > MAX_SEED);
    showError("interp-error", error);
  }
}
for (const id of ["interp-a", "interp-b", "interp-mode"]) $(id).onchange = updateInterpolation;
const updateInterpolationSoon = debounce(updateInterpolation, 100);
$("interp-t").oninput = () => { $("interp-t-value").textContent = fmt(Number($("interp-t").value)); updateInterpolationSoon(); };
function drawArithmetic() {
  try {
    const lists = {};
    for (const which of ["a", "b", "c"]) {
      const input = $("arith-" + which);
      try { lists[which] = checkSeedList(input.value, which.toUpperCase()); markInvalid(input, false); }
      catch (error) { markInvalid(input, true); throw error; }
    }
    const q = new URLSearchParams(lists);
    showError("arith-error", null);
    const url = modelUrl("/arithmetic.png?" + q);
    setImage($("arith"), url, "arith-error");
    $("arith-download").href = url;
  } catch (error) { showError("arith-error", error); }
}
$("arith-go").onclick = drawArithmetic;

// ---- training runs: saved grids, curves, the run's state, and live updates pushed by the server
let runEvents = null, runSamples = [], runRows = [];
function drawChart() {
  const canvas = $("run-chart"), g = canvas.getContext("2d");
  const frame = canvas.closest(".frame");
  frame.classList.toggle("empty", runRows.length < 2);
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (runRows.length < 2) return;
  const values = runRows.flatMap(r => [r.lossG, r.lossD]).filter(Number.isFinite).sort((a, b) => a - b);
  const top = values[Math.floor(0.99 * (values.length - 1))] || 1;
  const first = runRows[0].step, last = runRows.at(-1).step || 1;
  const x = step => 30 + (canvas.width - 40) * (step - first) / Math.max(1, last - first);
  const y = v => canvas.height - 20 - (canvas.height - 30) * Math.min(v, top) / top;
  g.strokeStyle = "#767676"; g.strokeRect(30, 10, canvas.width - 40, canvas.height - 30);
  g.fillStyle = "#555"; g.font = "11px sans-serif"; g.fillText(fmt(top, 1), 2, 14); g.fillText("0", 18, canvas.height - 20); g.fillText(`step ${last + 1}`, canvas.width - 70, canvas.height - 5);
  for (const [key, color] of [["lossG", "#1f77b4"], ["lossD", "#d95f02"]]) {
    g.strokeStyle = color; g.beginPath();
    runRows.forEach((r, i) => { if (Number.isFinite(r[key])) i ? g.lineTo(x(r.step), y(r[key])) : g.moveTo(x(r.step), y(r[key])); });
    g.stroke();
  }
}
// What the trainer noticed (D has won, G has collapsed), with what to try: beside the run, where a person looks.
function showRunWarnings(run) {
  showError("run-error", run.warnings?.length ? run.warnings.map(w => `Step ${w.step}: ${w.message}`).join(" ") : null);
}
function describeRunState(run) {
  const s = run.status;
  const of = s.totalSteps ? ` of ${s.totalSteps}` : "";
  return s.state === "training" ? `training (last checkpoint at step ${s.step}${of})`
    : s.state === "finished" ? `finished (${s.step} steps)`
    : `stopped at step ${s.step}${of}: continue it with ./dcgan train --out runs/${run.name} --resume`;
}
async function loadRuns() {
  const runs = await api("/api/runs");
  const select = $("run"), chosen = select.value;
  select.innerHTML = "";
  for (const run of runs) select.add(new Option(run.name, run.name, false, run.name === chosen));
  $("runs-empty").hidden = runs.length > 0;
  for (const id of ["run-controls", "run-figures", "run-metrics"]) $(id).hidden = runs.length === 0;
  const run = runs.find(r => r.name === select.value);
  if (run) {
    $("run-state").textContent = describeRunState(run);
    showRunWarnings(run);
    if (run.name !== chosen) showRun(run);
    else showLosses(run.name, run);
  }
  return runs;
}
function showSample(index) {
  const name = $("run").value;
  if (!runSamples.length) { setImage($("run-sample"), null); return; }
  $("run-slider").max = runSamples.length - 1;
  $("run-slider").value = index;
  setImage($("run-sample"), `/api/runs/${encodeURIComponent(name)}/samples/${runSamples[index]}`, "run-error");
  $("run-sample-name").textContent = runSamples[index];
}
function showMetrics(m) {
  const f = v => Number.isFinite(v) ? v.toFixed(3) : "-";
  // Rows count steps from 0; people (and the train command) count them from 1.
  $("run-metrics").textContent = m ? `after step ${m.step + 1}, epoch ${m.epoch + 1}: Loss_D ${f(m.lossD)}, Loss_G ${f(m.lossG)}, D(x) ${f(m.dx)}, D(G(z)) ${f(m.dgZ1)} / ${f(m.dgZ2)}, ` +
    `${m.augmentP > 0 ? `augmentation p ${f(m.augmentP)}, ` : ""}${fmt(m.imagesPerSecond, 1)} img/s` : "no logged steps yet";
}
// losses.png is rewritten with each checkpoint: its URL names the newest checkpoint, so a new one shows at once.
function showLosses(name, run) {
  setImage($("run-losses"), run.checkpoints.length ? `/api/runs/${encodeURIComponent(name)}/losses.png?after=${run.checkpoints.at(-1)}` : null);
}
async function showRun(run) {
  const name = run.name;
  showRunWarnings(run);
  runSamples = [...run.samples];
  runRows = await api(`/api/runs/${encodeURIComponent(name)}/metrics`);
  drawChart();
  showMetrics(runRows.at(-1));
  showSample(runSamples.length - 1);
  showLosses(name, run);
  runEvents?.close();
  runEvents = new EventSource(`/api/runs/${encodeURIComponent(name)}/events?after=${runRows.at(-1)?.step ?? -1}`);
  runEvents.addEventListener("metrics", e => {
    runRows.push(JSON.parse(e.data));
    drawChart();
    showMetrics(runRows.at(-1));
  });
  runEvents.addEventListener("sample", async e => {
    runSamples.push(JSON.parse(e.data));
    showSample(runSamples.length - 1);
    const runs = await loadRuns();
    const now = runs.find(r => r.name === name);
    if (now) showLosses(name, now);
  });
}
$("run").onchange = async () => {
  const runs = await api("/api/runs");
  const run = runs.find(r => r.name === $("run").value);
  if (run) {
    $("run-state").textContent = describeRunState(run);
    await showRun(run);
  }
};
$("run-slider").oninput = e => showSample(Number(e.target.value));

// ---- start: the model list first (every URL needs its id), then the rest; the lists are refreshed now and then
async function start() {
  try { await loadModels(); }
  catch (error) { showError("model-error", `The server's model list could not be read: ${error.message}`); return; }
  loadRuns().catch(error => showError("run-error", error));
  setInterval(() => {
    loadModels().catch(error => showError("model-error", error));
    loadRuns().catch(error => showError("run-error", error));
  }, 15000);
}
start();
