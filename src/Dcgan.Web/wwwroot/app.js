// DCGAN Studio page: every image comes from the server's PNG endpoints, so its pixels are the command's.
const $ = id => document.getElementById(id);
const labels = new Map();          // seed -> "with" | "without"
const strengths = new Map();       // vector name -> slider value
let shownSeeds = [], editSeed = null;

async function api(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail ?? detail; } catch { }
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

function report(error) { alert(error.message ?? error); }

// ---- models
async function loadModels() {
  const { current, available } = await api("/api/models");
  const select = $("model");
  select.innerHTML = "";
  for (const path of available.length ? available : [current.path]) {
    const option = new Option(path.split("/").slice(-3).join("/"), path, false, path === current.path);
    select.add(option);
  }
  const o = current.options;
  $("model-info").textContent = `nz ${o.nz}, ngf ${o.ngf}, ${o.imageSize}px, ${o.loss} · ${current.hash.slice(0, 12)}`;
}
$("model").onchange = async e => {
  try { await api("/api/models/select", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ path: e.target.value }) }); }
  catch (error) { report(error); }
  labels.clear(); strengths.clear(); editSeed = null;
  await Promise.all([loadModels(), loadVectors()]);
  showGrid(shownSeeds[0] ?? 0, shownSeeds.length || 24);
};

// ---- grid and labels
function tile(seed) {
  const div = document.createElement("div");
  div.className = "tile " + (labels.get(seed) ?? "");
  div.dataset.seed = seed;
  div.innerHTML = `<img src="/api/images/${seed}.png" alt="seed ${seed}"><span>${seed}</span><button title="edit this image">✎</button>`;
  div.onclick = () => {
    const mode = $("click-mode").value;
    if (mode !== "label") {
      const input = $("arith-" + mode);
      const seeds = input.value.split(",").map(x => x.trim()).filter(x => x !== "");
      const at = seeds.indexOf(String(seed));
      if (at >= 0) seeds.splice(at, 1); else seeds.push(String(seed));
      input.value = seeds.join(",");
      return;
    }
    const next = { undefined: "with", with: "without", without: undefined }[labels.get(seed)];
    if (next) labels.set(seed, next); else labels.delete(seed);
    div.className = "tile " + (next ?? "");
    updateCounts();
  };
  div.querySelector("button").onclick = e => { e.stopPropagation(); pickForEdit(seed); };
  return div;
}
function showGrid(first, count, append = false) {
  const grid = $("grid");
  if (!append) { grid.innerHTML = ""; shownSeeds = []; }
  for (let s = first; s < first + count; s++) { shownSeeds.push(s); grid.appendChild(tile(s)); }
}
function updateCounts() {
  const values = [...labels.values()];
  $("counts").textContent = `${values.filter(v => v === "with").length} with, ${values.filter(v => v === "without").length} without`;
}
$("show").onclick = () => showGrid(Number($("seed").value), 24);
$("more").onclick = () => showGrid((shownSeeds.at(-1) ?? -1) + 1, 24, true);
$("new-seeds").onclick = () => { const s = Math.floor(Math.random() * 1e6); $("seed").value = s; showGrid(s, 24); };
$("clear-labels").onclick = () => { labels.clear(); showGrid(shownSeeds[0] ?? 0, shownSeeds.length || 24); updateCounts(); };
$("compute").onclick = async () => {
  const body = {
    name: $("vector-name").value, method: $("method").value,
    with: [...labels].filter(([, v]) => v === "with").map(([s]) => s),
    without: [...labels].filter(([, v]) => v === "without").map(([s]) => s),
  };
  try {
    const v = await api("/api/vectors", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    $("compute-result").textContent = `${v.name}: norm ${v.norm.toFixed(3)}, held-out accuracy ${(100 * v.validation.accuracy).toFixed(0)} %, ROC AUC ${v.validation.rocAuc.toFixed(3)}`;
    await loadVectors();
  } catch (error) { report(error); }
};

// ---- vectors
async function loadVectors() {
  const vectors = await api("/api/vectors");
  const body = $("vectors").querySelector("tbody");
  body.innerHTML = "";
  const condition = $("condition");
  const chosen = new Set([...condition.selectedOptions].map(o => o.value));
  condition.innerHTML = "";
  for (const v of vectors) {
    const row = body.insertRow();
    const validation = v.validation;
    row.innerHTML = `<td>${v.name}</td><td>${v.method}</td><td>${v.norm.toFixed(3)}</td>
      <td>${validation ? (100 * validation.accuracy).toFixed(0) + " %" : ""}</td><td>${validation ? validation.rocAuc.toFixed(3) : ""}</td>
      <td>${v.with}/${v.without}</td>
      <td><a href="/api/vectors/${encodeURIComponent(v.name)}" download="${v.name}.json">download</a> <button>delete</button></td>`;
    row.querySelector("button").onclick = async () => { await api(`/api/vectors/${encodeURIComponent(v.name)}`, { method: "DELETE" }); strengths.delete(v.name); await loadVectors(); };
    condition.add(new Option(v.name, v.name, false, chosen.has(v.name)));
  }
  renderSliders(vectors);
}
function renderSliders(vectors) {
  const box = $("sliders");
  box.innerHTML = "";
  for (const v of vectors) {
    const range = v.sigma ? 3 * v.sigma : 3;
    const label = document.createElement("label");
    label.innerHTML = `${v.name} <input type="range" min="${-range}" max="${range}" step="${range / 30}" value="${strengths.get(v.name) ?? 0}" data-vector="${v.name}"> <output></output>`;
    const input = label.querySelector("input");
    const out = label.querySelector("output");
    out.textContent = Number(input.value).toFixed(2);
    input.oninput = () => { strengths.set(v.name, Number(input.value)); out.textContent = Number(input.value).toFixed(2); updateEdited(); };
    box.appendChild(label);
  }
  updateEdited();
}
async function discover(method) {
  try { await api("/api/vectors/directions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ method, k: 5 }) }); await loadVectors(); }
  catch (error) { report(error); }
}
$("sefa").onclick = () => discover("sefa");
$("pca").onclick = () => discover("pca");
$("upload").onchange = async e => {
  const file = e.target.files[0];
  if (!file) return;
  try {
    const result = await api("/api/vectors/upload", { method: "POST", headers: { "content-type": "application/json" }, body: await file.text() });
    if (result.warning) alert(result.warning);
    await loadVectors();
  } catch (error) { report(error); }
  e.target.value = "";
};

// ---- editing
function editUrl() {
  const params = new URLSearchParams({ seed: editSeed });
  for (const [name, value] of strengths) if (value !== 0) params.append("v", `${name}:${value}`);
  for (const option of $("condition").selectedOptions) params.append("condition", option.value);
  if ($("unit").checked) params.set("unit", "1");
  if ($("keep-norm").checked) params.set("keepNorm", "1");
  return "/api/edit.png?" + params;
}
function updateEdited() {
  if (editSeed === null) return;
  const url = editUrl();
  $("edited").src = url;
  $("edited-download").href = url;
}
function pickForEdit(seed) {
  editSeed = seed;
  $("edit-seed").textContent = `seed ${seed}`;
  $("original").src = `/api/images/${seed}.png`;
  $("interp-a").value = $("interp-b").value; $("interp-b").value = seed; updateInterpolation();
  updateEdited();
}
for (const id of ["condition", "unit", "keep-norm"]) $(id).onchange = updateEdited;

// ---- interpolation and arithmetic
function updateInterpolation() {
  const q = `from=${$("interp-a").value}&to=${$("interp-b").value}&mode=${$("interp-mode").value}`;
  $("interp-strip").src = $("interp-download").href = `/api/interpolate.png?${q}&steps=8`;
  $("interp-one").src = `/api/interpolate.png?${q}&t=${$("interp-t").value}`;
}
for (const id of ["interp-a", "interp-b", "interp-mode"]) $(id).onchange = updateInterpolation;
$("interp-t").oninput = updateInterpolation;
$("arith-go").onclick = () => {
  const q = new URLSearchParams({ a: $("arith-a").value, b: $("arith-b").value, c: $("arith-c").value });
  $("arith").src = $("arith-download").href = "/api/arithmetic.png?" + q;
};

// ---- training runs: saved grids, curves, and live updates pushed by the server
let runEvents = null, runSamples = [], runRows = [];

// The two loss curves drawn from the metrics rows, as the tutorial plots them; redrawn as rows arrive.
function drawChart() {
  const canvas = $("run-chart"), g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (runRows.length < 2) return;
  const values = runRows.flatMap(r => [r.lossG, r.lossD]).filter(Number.isFinite).sort((a, b) => a - b);
  const top = values[Math.floor(0.99 * (values.length - 1))] || 1;
  const first = runRows[0].step, last = runRows.at(-1).step || 1;
  const x = step => 30 + (canvas.width - 40) * (step - first) / Math.max(1, last - first);
  const y = v => canvas.height - 20 - (canvas.height - 30) * Math.min(v, top) / top;
  g.strokeStyle = "#999"; g.strokeRect(30, 10, canvas.width - 40, canvas.height - 30);
  g.fillStyle = "#555"; g.font = "11px sans-serif"; g.fillText(top.toFixed(1), 2, 14); g.fillText("0", 18, canvas.height - 20); g.fillText(`step ${last}`, canvas.width - 70, canvas.height - 5);
  for (const [key, color] of [["lossG", "#1f77b4"], ["lossD", "#ff7f0e"]]) {
    g.strokeStyle = color; g.beginPath();
    runRows.forEach((r, i) => { if (Number.isFinite(r[key])) i ? g.lineTo(x(r.step), y(r[key])) : g.moveTo(x(r.step), y(r[key])); });
    g.stroke();
  }
}
async function loadRuns() {
  const runs = await api("/api/runs");
  const select = $("run");
  select.innerHTML = "";
  for (const run of runs) select.add(new Option(run.name, run.name));
  if (runs.length) showRun(runs[0].name, runs[0].samples);
}
function showSample(index) {
  const name = $("run").value;
  if (!runSamples.length) return;
  $("run-slider").max = runSamples.length - 1;
  $("run-slider").value = index;
  $("run-sample").src = `/api/runs/${name}/samples/${runSamples[index]}`;
  $("run-sample-name").textContent = runSamples[index];
}
function showMetrics(m) {
  const f = v => Number.isFinite(v) ? v.toFixed(3) : "-";
  $("run-metrics").textContent = m ? `step ${m.step}, epoch ${m.epoch}: Loss_D ${f(m.lossD)}, Loss_G ${f(m.lossG)}, D(x) ${f(m.dx)}, D(G(z)) ${f(m.dgZ1)} / ${f(m.dgZ2)}, ${m.imagesPerSecond.toFixed(1)} img/s` : "";
}
async function showRun(name, samples) {
  runSamples = samples;
  runRows = await api(`/api/runs/${name}/metrics`);
  drawChart();
  showMetrics(runRows.at(-1));
  showSample(samples.length - 1);
  $("run-losses").src = `/api/runs/${name}/losses.png?${Date.now()}`;
  runEvents?.close();
  runEvents = new EventSource(`/api/runs/${name}/events?after=${runRows.at(-1)?.step ?? -1}`);
  runEvents.addEventListener("metrics", e => {
    runRows.push(JSON.parse(e.data));
    drawChart();
    showMetrics(runRows.at(-1));
  });
  runEvents.addEventListener("sample", e => {
    runSamples.push(JSON.parse(e.data));
    showSample(runSamples.length - 1);
    $("run-losses").src = `/api/runs/${name}/losses.png?${Date.now()}`;
  });
}
$("run").onchange = async () => { const runs = await api("/api/runs"); const run = runs.find(r => r.name === $("run").value); if (run) showRun(run.name, run.samples); };
$("run-slider").oninput = e => showSample(Number(e.target.value));

loadModels().then(loadVectors).then(loadRuns).catch(report);
showGrid(0, 24);
updateInterpolation();
