// Interpolation between two seeds: a strip from A to B and the one image at t, slerp or lerp.
import { modelUrl } from "./api.js";
import { $, debounce, fmt, markInvalid, showError } from "./dom.js";
import { setImage } from "./images.js";
import { MAX_SEED, parseSeed } from "./seeds.js";
import { emit, on } from "./state.js";

const field = which => $(which === "from" ? "interp-a" : "interp-b");

export const end = which => field(which).value.trim();
/** The interpolation ends this seed is, named as the click modes and the panel name them. */
export const endsAt = key => ["from", "to"].filter(which => end(which) === key).map(w => (w === "from" ? "interp A" : "interp B"));

export function setEnd(which, key) {
  field(which).value = key;
  update();
  emit("picks");
}

function update() {
  try {
    const a = parseSeed($("interp-a").value, "A"), b = parseSeed($("interp-b").value, "B");
    markInvalid($("interp-a"), false); markInvalid($("interp-b"), false);
    showError("interp-error", null);
    const q = `from=${a}&to=${b}&mode=${$("interp-mode").value}`;
    setImage($("interp-strip"), modelUrl(`/interpolate.png?${q}&steps=8`), "interp-error");
    $("interp-download").href = modelUrl(`/interpolate.png?${q}&steps=8`);
    $("interp-download").hidden = false;
    setImage($("interp-one"), modelUrl(`/interpolate.png?${q}&t=${$("interp-t").value}`), "interp-error");
  } catch (error) {
    for (const id of ["interp-a", "interp-b"]) markInvalid($(id), !/^\d+$/.test($(id).value.trim()) || BigInt($(id).value.trim()) > MAX_SEED);
    showError("interp-error", error);
    // No walk to show: an earlier one (perhaps of the model picked before) must not stand in for it, nor its download.
    setImage($("interp-strip"), null); setImage($("interp-one"), null);
    $("interp-download").removeAttribute("href");
    $("interp-download").hidden = true;
  }
}

export function mountInterpolation() {
  for (const id of ["interp-a", "interp-b", "interp-mode"]) $(id).onchange = () => { update(); emit("picks"); };
  const soon = debounce(update, 100);
  $("interp-t").oninput = () => { $("interp-t-value").textContent = fmt(Number($("interp-t").value)); soon(); };
  on("model", update);
}
