// Editing: the picked image (a seed, or a person's own image found in the generator's space) beside its edit, which
// follows the sliders, one per vector, at most a few requests a second. A vector can be held fixed (conditioned on):
// it is removed from the others' directions, as the command's condition does.
import { api, limits, modelUrl } from "./api.js";
import { $, debounce, fmt, showError, size, sizeRefusal, ticker } from "./dom.js";
import { setImage } from "./images.js";
import { emit, on, state } from "./state.js";

let editSeed = null;   // seed (BigInt) being edited
let editLatent = null; // or z of the person's own image (base64url float32), from POST .../invert
const NO_PICK = "(press ✎ edit on an image to pick it)";

/** The seed previews are drawn from: the one being edited, else seed 0. */
export const previewSeed = () => (editSeed ?? 0n).toString();

function editUrl() {
  const params = new URLSearchParams(editLatent ? { z: editLatent } : { seed: editSeed.toString() });
  for (const v of state.vectors) {
    const value = state.strengths.get(v.name) ?? 0;
    if (value !== 0 && !state.held.has(v.name)) params.append("v", `${v.name}@${v.version}:${value}`);
  }
  for (const v of state.vectors) if (state.held.has(v.name)) params.append("condition", `${v.name}@${v.version}`);
  if ($("unit").checked) params.set("unit", "1");
  if ($("keep-norm").checked) params.set("keepNorm", "1");
  return modelUrl("/edit.png?" + params);
}

function updateEdited() {
  const picked = editSeed !== null || editLatent !== null;
  $("edited-caption").hidden = !picked;
  if (!picked) return;
  const url = editUrl();
  setImage($("edited"), url, "edit-error");
  $("edited-download").href = url;
}
const updateEditedSoon = debounce(updateEdited, 120);

function renderSliders() {
  const box = $("sliders");
  box.innerHTML = "";
  $("edit-options").hidden = state.vectors.length === 0;
  if (!state.vectors.length) box.innerHTML = `<p class="muted">Sliders appear here, one per vector.</p>`;
  for (const v of state.vectors) {
    const range = v.sigma ? 3 * v.sigma : 3;
    const row = document.createElement("div");
    row.className = "slider";
    row.innerHTML = `<label class="name"></label> <input type="range"> <output></output>` +
      `<label class="hold" title="hold this vector fixed: the other sliders move z only across it"><input type="checkbox"> hold</label>`;
    const id = `slider-${v.name}`;
    const name = row.querySelector(".name"), input = row.querySelector("input[type=range]"), out = row.querySelector("output");
    const hold = row.querySelector(".hold input");
    name.textContent = v.name;
    name.htmlFor = id;
    input.id = id;
    Object.assign(input, { min: -range, max: range, step: range / 30, value: state.strengths.get(v.name) ?? 0 });
    input.dataset.vector = v.name;
    input.setAttribute("aria-label", `strength of ${v.name}`);
    hold.checked = state.held.has(v.name);
    hold.setAttribute("aria-label", `hold ${v.name} fixed`);
    if (hold.checked) {
      input.disabled = true;
      input.value = 0;
      out.textContent = "held fixed";
      out.className = "held";
    } else out.textContent = fmt(Number(input.value));
    input.oninput = () => { state.strengths.set(v.name, Number(input.value)); out.textContent = fmt(Number(input.value)); updateEditedSoon(); };
    hold.onchange = () => {
      if (hold.checked) { state.held.add(v.name); state.strengths.delete(v.name); } else state.held.delete(v.name);
      renderSliders();
    };
    box.appendChild(row);
  }
  updateEdited();
}

export function pickForEdit(seed) {
  editSeed = seed;
  editLatent = null;
  $("reconstruction-figure").hidden = true;
  $("invert-result").textContent = "";
  $("edit-seed").textContent = `seed ${seed}`;
  setImage($("original"), modelUrl(`/images/${seed}.png`), "edit-error");
  updateEdited();
  emit("preview-seed");
  // Go where the edit happens: the first slider (or the panel's title when there is none yet) takes the focus.
  $("edit").scrollIntoView({ block: "start" });
  ($("sliders").querySelector("input[type=range]:not([disabled])") ?? $("edit-title")).focus({ preventScroll: true });
}

// PSNR in words: what a person should expect of edits made to the match.
function matchVerdict(psnr) {
  return psnr >= 25 ? "a close match" : psnr >= 18 ? "a fair match: the generator draws something like your image"
    : "a loose match: your image is far from what this generator draws, so edits change the match shown, not your image";
}

// The person's own image: shown at once, then the server finds the z whose image comes closest (GAN inversion).
async function invertOwn(file) {
  if (!file) return;
  showError("edit-error", null);
  if (!file.type.startsWith("image/")) { showError("edit-error", `image: ${file.name} is not a picture (PNG, JPEG, WebP, BMP or GIF)`); return; }
  const tooLarge = sizeRefusal("image", file, limits.imageFileBytes);
  if (tooLarge) { showError("edit-error", tooLarge); return; }
  const input = $("own-image"), model = state.model;
  input.disabled = true;
  $("invert-result").textContent = "";
  $("edit-seed").textContent = `your image ${file.name}`;
  // No error box: a file this browser cannot show is judged by the server, whose reason must not be overwritten by
  // the picture's own failure arriving later.
  setImage($("original"), URL.createObjectURL(file));
  $("reconstruction-figure").hidden = false;
  setImage($("reconstruction"), null);
  $("reconstruction-caption").textContent = "finding the nearest match…";
  $("edit-figures").scrollIntoView({ block: "nearest" });
  const stop = ticker($("invert-busy"), "finding your image in the generator's space (about 10 s)");
  try {
    const form = new FormData();
    form.append("image", file);
    const result = await api(modelUrl("/invert"), { method: "POST", body: form });
    if (model !== state.model) return; // another model was picked meanwhile
    editSeed = null;
    editLatent = result.z;
    setImage($("reconstruction"), result.reconstruction, "edit-error");
    $("reconstruction-caption").textContent = `nearest match G(z): ${matchVerdict(result.psnr).split(":")[0]}`;
    $("invert-result").textContent = `Found ${matchVerdict(result.psnr)}. The sliders now edit it. ` +
      `Figures: PSNR ${fmt(result.psnr, 1)} dB, SSIM ${fmt(result.ssim)} (${result.restarts} starts × ${result.steps} steps, ${fmt(result.seconds, 1)} s).`;
    updateEdited();
  } catch (error) {
    showError("edit-error", error);
    $("reconstruction-figure").hidden = true;
    $("edit-seed").textContent = editSeed !== null ? `seed ${editSeed}` : NO_PICK;
    // The picture before the upload comes back without clearing the error it would clear on load.
    setImage($("original"), editSeed !== null ? modelUrl(`/images/${editSeed}.png`) : null);
  }
  finally { stop(); input.disabled = false; input.value = ""; }
}

function reset() {
  editSeed = null; editLatent = null;
  $("reconstruction-figure").hidden = true;
  $("invert-result").textContent = "";
  showError("edit-error", null);
  $("edit-seed").textContent = NO_PICK;
  setImage($("original"), null); setImage($("edited"), null);
  $("edited-download").removeAttribute("href");
  $("edited-caption").hidden = true;
}

export function mountEdit() {
  $("reset-sliders").onclick = () => { state.strengths.clear(); state.held.clear(); renderSliders(); updateEditedSoon(); };
  $("own-image").onchange = e => invertOwn(e.target.files[0]);
  const drop = $("drop");
  drop.ondragover = e => { e.preventDefault(); drop.classList.add("over"); };
  drop.ondragleave = () => drop.classList.remove("over");
  drop.ondrop = e => { e.preventDefault(); drop.classList.remove("over"); invertOwn(e.dataTransfer.files[0]); };
  for (const id of ["unit", "keep-norm"]) $(id).onchange = updateEdited;
  on("model", ({ followingRun }) => {
    if (!followingRun || editLatent !== null) { reset(); return; } // an inverted image's z belongs to the model that found it
    if (editSeed !== null) setImage($("original"), modelUrl(`/images/${editSeed}.png`), "edit-error");
  });
  on("vectors", renderSliders);
  $("image-limit").textContent = `(at most ${size(limits.imageFileBytes)})`;
}
