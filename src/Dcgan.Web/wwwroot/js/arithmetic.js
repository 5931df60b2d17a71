// Vector arithmetic, A − B + C, as the DCGAN paper draws it. The lists start empty; seeds are typed or clicked in the grid
// (click mode "arithmetic A/B/C"), and the grid shows a badge on each seed a list holds.
import { limits, modelUrl } from "./api.js";
import { $, markInvalid, showError } from "./dom.js";
import { setImage } from "./images.js";
import { checkSeedList, splitSeeds } from "./seeds.js";
import { emit, on } from "./state.js";

const LISTS = ["a", "b", "c"];
const input = which => $("arith-" + which);

export const seedsIn = which => splitSeeds(input(which).value);

/** The lists ("A", "B", "C") that name this seed on its own. */
export const listsHolding = key => LISTS.filter(which => seedsIn(which).includes(key)).map(w => `arith ${w.toUpperCase()}`);

export function toggleSeed(which, key) {
  const seeds = seedsIn(which);
  const at = seeds.indexOf(key);
  if (at >= 0) seeds.splice(at, 1); else seeds.push(key);
  input(which).value = seeds.join(",");
  emit("picks");
}

function draw() {
  try {
    const lists = {};
    for (const which of LISTS) {
      try { lists[which] = checkSeedList(input(which).value, which.toUpperCase()); markInvalid(input(which), false); }
      catch (error) { markInvalid(input(which), true); throw error; }
    }
    showError("arith-error", null);
    const url = modelUrl("/arithmetic.png?" + new URLSearchParams(lists));
    setImage($("arith"), url, "arith-error");
    $("arith-download").href = url;
    $("arith-download-box").hidden = false;
  } catch (error) { showError("arith-error", error); }
}

export function mountArithmetic() {
  $("arith-help").textContent = `Type seeds (such as 3,7,12-14; at most ${limits.exemplarSeeds} each), or choose ` +
    `"arithmetic A/B/C" for a click above and click images.`;
  $("arith-go").onclick = draw;
  for (const which of LISTS) {
    input(which).oninput = () => emit("picks");
    input(which).onkeydown = e => { if (e.key === "Enter") draw(); }; // as First seed and the interpolation ends
  }
  on("model", () => { showError("arith-error", null); if ($("arith").dataset.url) draw(); });
}
