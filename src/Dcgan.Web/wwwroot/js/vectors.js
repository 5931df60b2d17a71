// Vectors: fitted from the grid's labels (v_A = mean z with A − mean z without A, or the other methods), discovered
// without labels (SeFa, PCA), or loaded from a file. Each row shows a preview strip, so a person judges a vector by
// what it does to an image as well as by its figures.
import { api, jsonPost, limits, modelUrl } from "./api.js";
import { $, busy, capitalise, confirmInPlace, fmt, markInvalid, pct, showError, sizeRefusal } from "./dom.js";
import { setImage } from "./images.js";
import { emit, fits, fitsChanged, labels, on, state } from "./state.js";
import { previewSeed } from "./edit.js";

const METHOD_NAMES = { sefa: "SeFa", pca: "PCA" };

/** The verdict first, in plain words (it is what a person needs), then the figures with their uncertainty. */
function qualityText(v) {
  if (!v.validation) return v.sigma ? `found without labels (${METHOD_NAMES[v.method] ?? v.method}): no figures judge it; its strip shows what it changes`
    : "loaded from a file, with no labels to judge it by: its strip shows what it changes";
  const q = v.quality;
  const held = v.validation.heldOut ? `held-out accuracy (${v.validation.folds}-fold)` : "accuracy on its own labels (too few to hold any out)";
  return `${capitalise(q.verdict)}. Figures: ${held} ${pct(v.validation.accuracy)} ` +
    `(95 % interval ${pct(q.accuracyLow)}–${pct(q.accuracyHigh)}), ROC AUC ${fmt(v.validation.rocAuc)}, from ${v.with} ✓ and ${v.without} ✗.`;
}

/** Strengths of a vector's preview: the ends and middle of its slider (±3σ for a discovered direction, ±3 for the others). */
const previewStrengths = v => [-3, -1.5, 0, 1.5, 3].map(k => fmt(k * (v.sigma ?? 1), 3)).join(",");
const previewUrl = v => modelUrl(`/strip.png?seeds=${previewSeed()}&vector=${encodeURIComponent(`${v.name}@${v.version}`)}&strengths=${previewStrengths(v)}`);

let asked = 0;
async function loadVectors() {
  const mine = ++asked;
  const vectors = await api(modelUrl("/vectors"));
  if (mine !== asked) return; // a newer listing was asked for meanwhile (after a compute, or another model): it wins
  // Vectors made from the person's labels first, then loaded ones, then the discovered directions; by name within each.
  const rank = v => (v.validation ? 0 : v.sigma ? 2 : 1);
  state.vectors = [...vectors].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const name of [...state.strengths.keys()]) if (!vectors.some(v => v.name === name)) state.strengths.delete(name);
  for (const name of [...state.held]) if (!vectors.some(v => v.name === name)) state.held.delete(name);
  renderTable();
  emit("vectors");
}

function renderTable() {
  const body = $("vectors").querySelector("tbody");
  body.innerHTML = "";
  $("vectors-empty").hidden = state.vectors.length > 0;
  $("vectors").hidden = state.vectors.length === 0;
  for (const v of state.vectors) {
    const row = body.insertRow();
    row.innerHTML = `<td data-label="name"></td><td data-label="method"></td><td data-label="quality"><span class="verdict"></span></td>` +
      `<td data-label="preview"><div class="frame preview empty"><img alt=""><span class="placeholder">…</span></div></td>` +
      `<td><a download>download</a> <button type="button" class="delete">delete</button></td>`;
    row.cells[0].textContent = v.name;
    row.cells[1].textContent = `${v.method}${v.validation ? `, ${v.with} ✓ / ${v.without} ✗` : ""}, norm ${fmt(v.norm, 3)}`;
    row.cells[2].firstChild.textContent = qualityText(v);
    const img = row.querySelector("img");
    img.alt = `seed ${previewSeed()} moved along ${v.name}, strengths ${previewStrengths(v).replaceAll(",", ", ")}`;
    img.dataset.targetWidth = "360";
    setImage(img, previewUrl(v));
    const link = row.querySelector("a");
    link.href = modelUrl(`/vectors/${encodeURIComponent(v.name)}@${v.version}`);
    link.download = `${v.name}.json`;
    link.setAttribute("aria-label", `download vector ${v.name}`);
    const del = row.querySelector(".delete");
    del.setAttribute("aria-label", `delete vector ${v.name}`);
    del.onclick = () => confirmInPlace(del, `Really delete ${v.name}?`, () => (clearNotes(),
      api(modelUrl(`/vectors/${encodeURIComponent(v.name)}`), { method: "DELETE" })
        .then(() => { state.strengths.delete(v.name); fits().delete(v.name); fitsChanged(); return loadVectors(); })
        .catch(error => showError("vectors-error", error))));
  }
}

/** The notes of the last load or discovery, which a later action makes stale. */
function clearNotes() {
  showError("vectors-error", null);
  $("vectors-note").textContent = "";
}

// Seeds travel as exact JSON integers, written out as text (never through JS numbers).
function compute() {
  return busy($("compute"), $("compute-busy"), async () => {
    showError("compute-error", null);
    $("compute-result").textContent = ""; // the last vector's verdict must not stand beside this attempt's error
    const seedsOf = kind => [...labels()].filter(([, v]) => v === kind).map(([s]) => s);
    // The name's rule is the server's: its refusal names the setting, and the field is marked from that.
    // Spaces become dashes (names are file names too: "my hat" is kept as my-hat, shown in the field).
    const name = $("vector-name").value.trim().replace(/\s+/g, "-");
    $("vector-name").value = name;
    markInvalid($("vector-name"), false);
    const [withCount, withoutCount] = [seedsOf("with").length, seedsOf("without").length], least = limits.minLabelsPerSide;
    if (withCount < least || withoutCount < least) {
      showError("compute-error", `Label at least ${least} images ✓ (has it) and ${least} ✗ (has not) first: you have ` +
        `${withCount} ✓ and ${withoutCount} ✗. One click marks ✓, two mark ✗.`);
      return;
    }
    const earlier = state.vectors.find(v => v.name === name);
    const body = `{"name":${JSON.stringify(name)},"method":${JSON.stringify($("method").value)},` +
      `"with":[${seedsOf("with").join(",")}],"without":[${seedsOf("without").join(",")}]}`;
    try {
      const v = await api(modelUrl("/vectors"), jsonPost(body));
      fits().set(v.name, body);
      fitsChanged();
      $("compute-result").textContent = `${v.name}${earlier ? replacedText(earlier) : ""}: ${qualityText(v)}`;
      await loadVectors();
    } catch (error) {
      if (error.setting === "name") markInvalid($("vector-name"), true);
      showError("compute-error", error);
    }
  }, "fitting the vector");
}

// Vectors are the server's, shared by every page on this model: say whose vector a name held before, and when.
const replacedText = earlier => ` (replaces the earlier ${earlier.name}, ${earlier.method}` +
  (earlier.created ? ` made ${new Date(earlier.created).toLocaleTimeString()}` : "") + ", in every page on this model)";

function discover(method, button) {
  const other = $(method === "sefa" ? "pca" : "sefa");
  other.disabled = true;
  return busy(button, $("vectors-busy"), async () => {
    showError("vectors-error", null);
    $("vectors-note").textContent = "";
    try {
      const made = await api(modelUrl("/vectors/directions"), jsonPost(JSON.stringify({ method, k: 5 })));
      await loadVectors();
      $("vectors-note").textContent = `${made.length} ${METHOD_NAMES[method]} directions (${made[0].name} to ${made.at(-1).name}): ` +
        "each row's strip shows what one changes, and each has a slider under Edit.";
    }
    catch (error) { showError("vectors-error", error); }
    finally { other.disabled = false; }
  }, `discovering ${METHOD_NAMES[method]} directions`);
}

// A vector file as it is: the JSON that "attribute fit" writes, or a tensor from torch.save(v, "v_A.pt"), named after the file.
async function upload(file, force) {
  showError("vectors-error", null);
  $("vectors-note").textContent = "";
  const tooLarge = sizeRefusal("vector file", file, limits.vectorFileBytes);
  if (tooLarge) { showError("vectors-error", tooLarge); return; }
  try {
    // The file's own name travels too, so the server's messages name it as the person knows it.
    const query = new URLSearchParams({ name: file.name.replace(/\.(json|pt|pth)$/i, ""), file: file.name });
    if (force) query.set("force", "1");
    const { vector, warning } = await api(modelUrl(`/vectors/upload?${query}`),
      { method: "POST", body: file, headers: { "Content-Type": /\.json$/i.test(file.name) ? "application/json" : "application/octet-stream" } });
    const replacing = state.vectors.some(v => v.name === vector.name);
    await loadVectors();
    $("vectors-note").textContent = `Loaded vector ${vector.name} (${vector.method})${replacing ? ", replacing the earlier one of that name" : ""}` +
      `${warning ? "; " + warning.replace(/^(warning|note): /, "note: ") : ""}.`;
  } catch (error) {
    if (!force && error.code === "other-model") {
      // Offer what the command's force does, in the page's words.
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

export function mountVectors() {
  $("compute").onclick = compute;
  $("vector-name").onkeydown = e => { if (e.key === "Enter") compute(); };
  $("sefa").onclick = () => discover("sefa", $("sefa"));
  $("pca").onclick = () => discover("pca", $("pca"));
  $("upload").onchange = async e => {
    const file = e.target.files[0];
    e.target.value = "";
    if (file) await upload(file, false);
  };
  on("model", async () => {
    $("compute-result").textContent = "";
    $("vectors-note").textContent = "";
    for (const id of ["compute-error", "vectors-error"]) showError(id, null);
    try {
      // The vectors this page fitted that the model lacks (a run's newer checkpoint, a restarted server) are fitted
      // again from the same labels.
      const present = new Set((await api(modelUrl("/vectors"))).map(v => v.name));
      for (const [name, body] of [...fits()].filter(([name]) => !present.has(name))) {
        try { await api(modelUrl("/vectors"), jsonPost(body)); }
        catch (error) { fits().delete(name); fitsChanged(); showError("vectors-error", `${name} could not be fitted again here: ${error.message}`); }
      }
      await loadVectors();
    } catch (error) { showError("vectors-error", error); }
  });
  on("preview-seed", renderTable);
}
