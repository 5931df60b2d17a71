// The exported page: a DCGAN generator running in the browser (ONNX Runtime Web, WebAssembly), with the program's own
// naming of images by seed (torch-random.js), its edits (z + strength * v) and its slerp. model.json says what the
// folder holds; window.dcgan gives the same numbers to tests and to anyone scripting the page.
import { latentForSeed } from "./torch-random.js";

const MAX_MODEL_BYTES = 512 * 1024 * 1024; // a DCGAN generator is ~15 MB; past this something is wrong
const $ = (id) => document.getElementById(id);
const f = Math.fround;

let ort, session, info;
let currentSeed = 0;

function fail(message) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("status").textContent = "The generator could not start.";
  throw new Error(message);
}

async function fetchChecked(url, what) {
  let response;
  try { response = await fetch(url); }
  catch {
    fail(`Could not read ${what} (${url}). Browsers do not let a page opened from a file read its neighbours: serve this ` +
      "folder with any static server (for example `python3 -m http.server` inside it, or `dcgan export --web DIR --serve`).");
  }
  if (!response.ok) fail(`Could not read ${what} (${url}): the server answered ${response.status}. Is the whole exported folder there?`);
  return response;
}

/** z for a seed, as Float32Array(nz). */
export function latent(seed) {
  return latentForSeed(BigInt(seed), info.nz, info.prior);
}

function slerp(a, b, t) {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))));
  const s = Math.sin(omega);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++)
    out[i] = Math.abs(s) < 1e-6 ? (1 - t) * a[i] + t * b[i] : (Math.sin((1 - t) * omega) / s) * a[i] + (Math.sin(t * omega) / s) * b[i];
  return out;
}

function edited(z, vector, strength) {
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = f(z[i] + f(vector[i] * f(strength)));
  return out;
}

/** torch.round: halves to even. */
function roundHalfEven(v) {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The images of these latents as 8-bit pixels, rows of interleaved channels (the program's PixelImage layout). */
export async function render(latents) {
  const count = latents.length, nz = info.nz, size = info.imageSize, channels = info.channels;
  const input = new Float32Array(count * nz);
  latents.forEach((z, i) => input.set(z, i * nz));
  const started = performance.now();
  const outputs = await session.run({ z: new ort.Tensor("float32", input, [count, nz, 1, 1]) });
  const elapsed = performance.now() - started;
  const data = outputs.image.data;
  const plane = size * size, images = [];
  for (let n = 0; n < count; n++) {
    const pixels = new Uint8Array(plane * channels);
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < plane; p++) {
        // As the program's PixelConverter: (x + 1) / 2 * 255 in float32, rounded, clamped.
        const v = roundHalfEven(f(f(f(data[(n * channels + c) * plane + p] + 1) / 2) * 255));
        pixels[p * channels + c] = Math.min(255, Math.max(0, v));
      }
    images.push(pixels);
  }
  showTiming(elapsed / count);
  return images;
}

function draw(canvas, pixels) {
  const size = info.imageSize, channels = info.channels;
  canvas.width = canvas.height = size;
  const image = new ImageData(size, size);
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) image.data[p * 4 + c] = pixels[p * channels + (channels === 1 ? 0 : c)];
    image.data[p * 4 + 3] = 255;
  }
  canvas.getContext("2d").putImageData(image, 0, 0);
}

function showTiming(msPerImage) {
  $("status").textContent = `${info.nz}-d z -> ${info.imageSize}x${info.imageSize}, ONNX Runtime Web (wasm, ` +
    `${ort.env.wasm.numThreads} thread${ort.env.wasm.numThreads === 1 ? "" : "s"}` +
    `${crossOriginIsolated ? "" : "; one thread because the page is not cross-origin isolated (COOP/COEP headers)"}): ` +
    `${msPerImage.toFixed(1)} ms per image`;
}

const MAX_SEED = 2n ** 63n - 1n; // as the studio and the command: seeds are non-negative 64-bit integers

/** The seed typed in an input, or null with the reason shown beside it (cleared by the next good value). */
function seedFrom(input, errorId) {
  const text = input.value.trim();
  const error = $(errorId);
  const reason = !/^\d+$/.test(text) ? `"${text}" is not a seed: seeds are whole numbers, 0 or more`
    : BigInt(text) > MAX_SEED ? `${text} is too large: seeds go up to ${MAX_SEED} (2^63 - 1), as in the studio` : null;
  input.setAttribute("aria-invalid", String(reason !== null));
  error.textContent = reason ?? "";
  error.hidden = reason === null;
  return reason === null ? BigInt(text) : null;
}

async function drawGrid(first) {
  const seeds = Array.from({ length: 16 }, (_, i) => first + BigInt(i));
  const images = await render(seeds.map((s) => latentForSeed(s, info.nz, info.prior)));
  const grid = $("grid");
  grid.replaceChildren(...images.map((pixels, i) => {
    const canvas = document.createElement("canvas");
    canvas.title = `seed ${seeds[i]}`;
    canvas.setAttribute("role", "button");
    canvas.setAttribute("aria-label", `seed ${seeds[i]}`);
    canvas.tabIndex = 0;
    canvas.dataset.seed = String(seeds[i]);
    draw(canvas, pixels);
    const pick = async () => {
      await select(seeds[i]);
      // On a narrow screen the edit panel is below the grid: bring it into view, or the click seems to do nothing.
      if (matchMedia("(max-width: 700px)").matches) $("edit").scrollIntoView({ behavior: "smooth", block: "start" });
    };
    canvas.addEventListener("click", pick);
    canvas.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
    return canvas;
  }));
  await select(seeds[0]);
}

async function select(seed) {
  currentSeed = seed;
  $("current-seed").textContent = String(seed);
  $("from-seed").value = String(seed);
  for (const canvas of $("grid").children) canvas.setAttribute("aria-pressed", String(canvas.dataset.seed === String(seed)));
  const [pixels] = await render([latent(seed)]);
  draw($("original"), pixels);
  await drawEdit();
  await drawStrip();
}

async function drawEdit() {
  const vector = info.vectors[$("vector").selectedIndex];
  const strength = Number($("strength").value);
  $("strength-value").textContent = strength.toFixed(1);
  if (!vector) return;
  const [pixels] = await render([edited(latent(currentSeed), vector.vector, strength)]);
  $("edited-caption").textContent = `${vector.name} at ${strength.toFixed(1)}`;
  draw($("edited"), pixels);
}

async function drawStrip() {
  const from = seedFrom($("from-seed"), "interpolate-error");
  const to = from === null ? null : seedFrom($("to-seed"), "interpolate-error");
  if (from === null || to === null) return;
  const a = latent(from), b = latent(to);
  const steps = 8;
  const images = await render(Array.from({ length: steps }, (_, i) => slerp(a, b, i / (steps - 1))));
  $("strip").replaceChildren(...images.map((pixels, i) => {
    const canvas = document.createElement("canvas");
    canvas.title = `t = ${(i / (steps - 1)).toFixed(2)}`;
    draw(canvas, pixels);
    return canvas;
  }));
}

async function start() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function")
    fail("This browser has no WebAssembly, which the generator runs on. Any current Chrome, Edge, Firefox or Safari has it.");
  info = await (await fetchChecked("model.json", "the model's description")).json();
  $("model-name").textContent = info.name;
  document.title = `${info.name}: DCGAN generator in the browser`;

  const modelResponse = await fetchChecked(info.onnx.file, "the generator");
  const declared = Number(modelResponse.headers.get("content-length") ?? info.onnx.bytes);
  if (declared > MAX_MODEL_BYTES)
    fail(`The generator file is too large for a page (${(declared / 1048576).toFixed(0)} MB; at most ${MAX_MODEL_BYTES / 1048576} MB).`);
  const bytes = new Uint8Array(await modelResponse.arrayBuffer());
  if (bytes.length !== info.onnx.bytes)
    fail(`${info.onnx.file} holds ${bytes.length} bytes, but model.json says ${info.onnx.bytes}: copy the exported folder again.`);

  ort = await import("./ort/ort.wasm.min.mjs");
  ort.env.wasm.wasmPaths = new URL("./ort/", location.href).href;
  const asked = Number(new URLSearchParams(location.search).get("threads"));
  // Threads need SharedArrayBuffer, which browsers give only to cross-origin-isolated pages.
  ort.env.wasm.numThreads = crossOriginIsolated ? (asked > 0 ? asked : Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
  } catch (e) {
    fail(`ONNX Runtime could not open the generator: ${e.message ?? e}`);
  }

  const vectors = $("vector");
  vectors.replaceChildren(...info.vectors.map((v) => new Option(v.name)));
  $("edit-controls").hidden = info.vectors.length === 0;
  $("edited").closest("figure").hidden = info.vectors.length === 0;
  $("no-vectors").hidden = info.vectors.length > 0;
  // As the studio: a discovered direction's slider spans 3 of its sigmas, anything else -3..3.
  const setRange = () => {
    const vector = info.vectors[vectors.selectedIndex];
    const range = vector?.sigma ? 3 * vector.sigma : 3;
    Object.assign($("strength"), { min: -range, max: range, step: range / 30 });
  };
  setRange();
  vectors.addEventListener("change", () => { setRange(); drawEdit(); });
  $("strength").addEventListener("input", drawEdit);
  $("seeds-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const s = seedFrom($("first-seed"), "seed-error");
    if (s !== null) drawGrid(s <= MAX_SEED - 15n ? s : MAX_SEED - 15n);
  });
  $("random-seeds").addEventListener("click", () => {
    const s = BigInt(Math.floor(Math.random() * 1_000_000));
    $("first-seed").value = String(s);
    drawGrid(s);
  });
  $("interpolate-form").addEventListener("submit", (e) => { e.preventDefault(); drawStrip(); });
  $("panels").hidden = false;
  await drawGrid(0n);
}

// A failed start is shown on the page (fail); scripts still see it as ready's rejection, which is therefore handled here
// and not also thrown at the console as an uncaught error.
const ready = start().then(() => info);
ready.catch(() => {});

// For tests and scripts: the same pixels the page draws.
window.dcgan = {
  ready,
  latent: (seed) => Array.from(latent(seed)),
  pixels: async (seeds) => (await render(seeds.map((s) => latent(s)))).map((p) => Array.from(p)),
  editPixels: async (seed, vectorName, strength) => {
    const vector = info.vectors.find((v) => v.name === vectorName);
    if (!vector) throw new Error(`no vector named ${vectorName}`);
    const [pixels] = await render([edited(latent(seed), vector.vector, strength)]);
    return Array.from(pixels);
  },
  threads: () => ort.env.wasm.numThreads,
};
