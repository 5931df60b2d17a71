// Generate and label: a grid of the model's images by seed. A click labels a tile (✓ has the attribute, ✗ has not) or,
// in another click mode, adds its seed to arithmetic's A, B or C or sets an end of the interpolation; a badge on each
// tile shows where its seed is used. The grid is one Tab stop: the arrow keys move between tiles (as a grid widget
// does), Enter or Space acts on the tile, E edits it.
import { modelUrl } from "./api.js";
import { $, confirmInPlace, markInvalid, showError } from "./dom.js";
import { MAX_SEED, parseSeed } from "./seeds.js";
import { emit, labels, labelsChanged, on } from "./state.js";
import * as arithmetic from "./arithmetic.js";
import * as interpolation from "./interpolation.js";
import { pickForEdit } from "./edit.js";

const PAGE = 24;
const LABEL_TEXT = { with: "has the attribute", without: "does not have the attribute" };
const MODE_TEXT = { a: "arithmetic A", b: "arithmetic B", c: "arithmetic C", from: "interpolation A", to: "interpolation B" };
let shown = []; // seeds (BigInt) in the grid, in order
let active = 0; // the tile that holds the grid's one Tab stop

const tiles = () => $("grid").children;

function tile(seed, index) {
  const key = seed.toString();
  const div = document.createElement("div");
  div.className = "tile";
  div.dataset.seed = key;
  div.innerHTML = `<button class="label" type="button" aria-keyshortcuts="E"><span class="mark" aria-hidden="true"></span>` +
    `<span class="badges" aria-hidden="true"></span><img src="${modelUrl(`/images/${key}.png`)}" alt="">` +
    `<span class="seed">${key}</span></button>` +
    `<button class="edit" type="button" tabindex="-1" aria-label="edit seed ${key}" title="edit seed ${key}">✎ edit</button>`;
  const label = div.querySelector(".label");
  label.tabIndex = index === active ? 0 : -1;
  label.onclick = () => { focusTile(index, false); clickTile(seed, div); };
  label.onkeydown = e => keyOnTile(e, index, seed);
  div.querySelector(".edit").onclick = () => pickForEdit(seed);
  paintTile(div);
  return div;
}

function keyOnTile(e, index, seed) {
  const columns = Math.max(1, Math.round($("grid").clientWidth / tiles()[0].getBoundingClientRect().width));
  const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, Home: -index, End: shown.length - 1 - index };
  if (e.key in moves) {
    e.preventDefault();
    focusTile(Math.min(shown.length - 1, Math.max(0, index + moves[e.key])), true);
  } else if (e.key === "e" || e.key === "E") {
    e.preventDefault();
    pickForEdit(seed);
  }
}

function focusTile(index, focus) {
  const all = tiles();
  if (!all.length) return;
  all[active]?.querySelector(".label").setAttribute("tabindex", "-1");
  active = index;
  const button = all[active].querySelector(".label");
  button.setAttribute("tabindex", "0");
  if (focus) button.focus();
}

function paintTile(div) {
  const key = div.dataset.seed, value = labels().get(key);
  div.classList.toggle("with", value === "with");
  div.classList.toggle("without", value === "without");
  div.querySelector(".mark").textContent = value === "with" ? "✓" : value === "without" ? "✗" : "";
  const uses = [...arithmetic.listsHolding(key), ...interpolation.endsAt(key)];
  div.querySelector(".badges").textContent = uses.join(" ");
  const button = div.querySelector(".label");
  button.setAttribute("aria-pressed", value ? "true" : "false");
  button.setAttribute("aria-label", `seed ${key}: ${LABEL_TEXT[value] ?? "not labelled"}` +
    (uses.length ? `; used as ${uses.map(u => u.replace("interp", "interpolation").replace("arith", "arithmetic")).join(", ")}` : ""));
}
const paintAll = () => { for (const div of tiles()) paintTile(div); };

function clickTile(seed, div) {
  const key = seed.toString(), mode = $("click-mode").value;
  if (mode === "from" || mode === "to") interpolation.setEnd(mode, key);
  else if (mode !== "label") arithmetic.toggleSeed(mode, key);
  else {
    const next = { undefined: "with", with: "without", without: undefined }[labels().get(key)];
    if (next) labels().set(key, next); else labels().delete(key);
    labelsChanged();
  }
  paintTile(div);
}

function showGrid(first, count, append = false) {
  const grid = $("grid");
  if (!append) { grid.innerHTML = ""; shown = []; active = 0; }
  for (let i = 0n; i < BigInt(count) && first + i <= MAX_SEED; i++) {
    shown.push(first + i);
    grid.appendChild(tile(first + i, shown.length - 1));
  }
  updateCounts();
}

function updateCounts() {
  const values = [...labels().values()];
  const onScreen = new Set(shown.map(String));
  const hidden = [...labels().keys()].filter(seed => !onScreen.has(seed)).length;
  $("counts").textContent = `${values.filter(v => v === "with").length} with, ${values.filter(v => v === "without").length} without` +
    (hidden ? ` (${hidden} of them on images not shown now)` : "");
}

// What the click mode does, and how many seeds it holds so far: a click is never silent.
function describeMode() {
  const mode = $("click-mode").value;
  $("click-mode-note").textContent = mode === "label" ? ""
    : mode === "from" || mode === "to" ? `${MODE_TEXT[mode]} is seed ${interpolation.end(mode) || "(none yet)"}`
    : `${MODE_TEXT[mode]} holds ${arithmetic.seedsIn(mode).length} seed${arithmetic.seedsIn(mode).length === 1 ? "" : "s"}; a click adds or removes one`;
}

function showFromInput() {
  try {
    const first = parseSeed($("seed").value, "First seed");
    markInvalid($("seed"), false); showError("seed-error", null);
    showGrid(first, PAGE);
  } catch (error) { markInvalid($("seed"), true); showError("seed-error", error); }
}

export function mountGrid() {
  $("show").onclick = showFromInput;
  $("seed").onkeydown = e => { if (e.key === "Enter") showFromInput(); };
  $("more").onclick = () => {
    const last = shown.at(-1) ?? -1n;
    if (last >= MAX_SEED) { showError("seed-error", `There are no seeds after ${MAX_SEED}, the largest.`); return; }
    showGrid(last + 1n, PAGE, true);
  };
  $("new-seeds").onclick = () => {
    const random = crypto.getRandomValues(new BigUint64Array(1))[0] % (MAX_SEED - BigInt(PAGE));
    $("seed").value = random.toString();
    showFromInput();
  };
  $("clear-labels").onclick = () => {
    const button = $("clear-labels");
    if (labels().size === 0) return;
    confirmInPlace(button, `Really clear ${labels().size} labels?`, () => { labels().clear(); labelsChanged(); });
  };
  $("click-mode").onchange = describeMode;
  on("labels", () => { paintAll(); updateCounts(); });
  on("picks", () => { paintAll(); describeMode(); });
  on("model", () => { showError("seed-error", null); showGrid(shown[0] ?? 0n, shown.length || PAGE); });
  emit("picks");
}
