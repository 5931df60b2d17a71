// Training runs: each run's state in the picker (a run that is training now is picked first), its saved fixed-noise
// grids, its loss curves drawn live from server-sent events, and losses.png as the trainer writes it.
import { api, limits } from "./api.js";
import { $, fmt, showError } from "./dom.js";
import { setImage } from "./images.js";

let events = null, samples = [], rows = [], shownRun = null;
const runUrl = (name, path) => `/api/runs/${encodeURIComponent(name)}${path}`;

// Thousands of logged steps on a 480 px canvas: each pixel column shows the mean of its steps, so the curve reads as a
// trend (as losses.png's smoothing does) instead of a band of noise.
function smoothed() {
  const columns = 440, per = Math.max(1, Math.ceil(rows.length / columns)), out = [];
  // Groups are counted back from the newest step, so the newest point is a full group, not a jumpy remainder.
  for (let i = rows.length % per; i < rows.length; i += per) {
    const bucket = rows.slice(i, i + per);
    const mean = key => { const v = bucket.map(r => r[key]).filter(Number.isFinite); return v.length ? v.reduce((a, b) => a + b) / v.length : NaN; };
    out.push({ step: bucket.at(-1).step, lossG: mean("lossG"), lossD: mean("lossD") });
  }
  return out;
}

function drawChart() {
  const canvas = $("run-chart"), g = canvas.getContext("2d");
  // Shown first (a hidden canvas measures 0 wide), then drawn at the size it is shown (a phone shrinks it) and at the
  // screen's pixel density, so the labels stay 12 px and sharp.
  canvas.closest(".frame").classList.toggle("empty", rows.length < 2);
  const ratio = window.devicePixelRatio || 1, shown = canvas.clientWidth;
  if (shown && canvas.width !== Math.round(shown * ratio)) { canvas.width = Math.round(shown * ratio); canvas.height = Math.round(shown * ratio / 2); }
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (rows.length < 2) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  const width = canvas.width / ratio, height = canvas.height / ratio;
  const points = smoothed();
  const values = points.flatMap(r => [r.lossG, r.lossD]).filter(Number.isFinite).sort((a, b) => a - b);
  const top = values[Math.floor(0.99 * (values.length - 1))] || 1;
  const first = points[0].step, last = points.at(-1).step || 1, firstLogged = rows[0].step;
  const x = step => 30 + (width - 40) * (step - first) / Math.max(1, last - first);
  const y = v => height - 20 - (height - 30) * Math.min(v, top) / top;
  g.strokeStyle = "#767676"; g.strokeRect(30, 10, width - 40, height - 30);
  g.fillStyle = "#555"; g.font = "12px sans-serif";
  g.fillText(fmt(top, 1), 2, 14); g.fillText("0", 18, height - 20);
  g.fillText(`step ${firstLogged + 1}`, 30, height - 5);
  g.textAlign = "right"; g.fillText(`step ${last + 1}`, width - 10, height - 5); g.textAlign = "left";
  for (const [key, color] of [["lossG", "#1f77b4"], ["lossD", "#d95f02"]]) {
    g.strokeStyle = color; g.beginPath();
    points.forEach((r, i) => { if (Number.isFinite(r[key])) i ? g.lineTo(x(r.step), y(r[key])) : g.moveTo(x(r.step), y(r[key])); });
    g.stroke();
  }
}

// One word for the picker, a sentence beside it.
const stateWord = run => run.status.state;
function describeState(run) {
  const s = run.status, of = s.totalSteps ? ` of ${s.totalSteps}` : "";
  const logged = rows.length && shownRun === run.name ? `, ${rows.at(-1).step + 1} steps logged` : "";
  if (s.state === "training")
    return run.checkpoints.length ? `training (last checkpoint at step ${s.step}${of})` : `training (no checkpoint yet${logged}${of ? `; ${s.totalSteps} steps in all` : ""})`;
  if (s.state === "finished") return `finished (${s.step} steps)`;
  return run.checkpoints.length
    ? `stopped at step ${s.step}${of}: continue it with ./dcgan train --out ${limits.runsFolder}/${run.name} --resume`
    : `stopped before its first checkpoint: start it again with ./dcgan train --out ${limits.runsFolder}/${run.name}`;
}

// What the trainer noticed (D has won, G has collapsed), with what to try: beside the run, where a person looks.
function showWarnings(run) {
  showError("run-error", run.warnings?.length ? run.warnings.map(w => `Step ${w.step}: ${w.message}`).join(" ") : null);
}

async function loadRuns() {
  const runs = await api("/api/runs");
  const select = $("run");
  // The run shown stays; the first time (or when it has gone), a run that is training now comes first.
  const keep = runs.some(r => r.name === shownRun) ? shownRun
    : (runs.find(r => r.status.state === "training") ?? runs.at(-1))?.name;
  select.innerHTML = "";
  for (const run of runs) select.add(new Option(`${run.name} (${stateWord(run)})`, run.name, false, run.name === keep));
  $("runs-empty").hidden = runs.length > 0;
  for (const id of ["run-controls", "run-figures", "run-metrics"]) $(id).hidden = runs.length === 0;
  const run = runs.find(r => r.name === keep);
  if (run) {
    if (run.name !== shownRun) await showRun(run);
    else showLosses(run);
    $("run-state").textContent = describeState(run);
    showWarnings(run);
  }
  return runs;
}

function showSample(index) {
  const slider = $("run-slider");
  slider.closest("label").hidden = samples.length < 2;
  if (!samples.length) {
    setImage($("run-sample"), null);
    $("run-sample-name").textContent = "";
    return;
  }
  slider.max = samples.length - 1;
  slider.value = index;
  setImage($("run-sample"), runUrl(shownRun, `/samples/${samples[index]}`), "run-error");
  $("run-sample-name").textContent = samples[index];
}

function showMetrics(m) {
  const f = v => Number.isFinite(v) ? v.toFixed(3) : "-";
  // Rows count steps from 0; people (and the train command) count them from 1.
  $("run-metrics").textContent = m ? `after step ${m.step + 1}, epoch ${m.epoch + 1}: Loss_D ${f(m.lossD)}, Loss_G ${f(m.lossG)}, D(x) ${f(m.dx)}, D(G(z)) ${f(m.dgZ1)} / ${f(m.dgZ2)}, ` +
    `${m.augmentP > 0 ? `augmentation p ${f(m.augmentP)}, ` : ""}${fmt(m.imagesPerSecond, 1)} img/s` : "no logged steps yet";
}

// losses.png is rewritten with each checkpoint: its URL names the newest checkpoint, so a new one shows at once.
function showLosses(run) {
  setImage($("run-losses"), run.checkpoints.length ? runUrl(run.name, `/losses.png?after=${run.checkpoints.at(-1)}`) : null);
}

async function showRun(run) {
  const name = run.name;
  shownRun = name;
  events?.close();
  // Nothing of the run shown before stays on screen while this one's files arrive.
  samples = [...run.samples];
  rows = [];
  showSample(samples.length - 1);
  showWarnings(run);
  rows = await api(runUrl(name, "/metrics"));
  if (shownRun !== name) return;
  drawChart();
  showMetrics(rows.at(-1));
  showLosses(run);
  $("run-state").textContent = describeState(run);
  events = new EventSource(runUrl(name, `/events?after=${rows.at(-1)?.step ?? -1}`));
  events.addEventListener("metrics", e => {
    rows.push(JSON.parse(e.data));
    drawChart();
    showMetrics(rows.at(-1));
  });
  events.addEventListener("sample", async e => {
    // A new grid is shown only to someone looking at the newest: a person browsing older grids stays where they are.
    const atNewest = Number($("run-slider").value) >= samples.length - 1;
    samples.push(JSON.parse(e.data));
    showSample(atNewest ? samples.length - 1 : Number($("run-slider").value));
    await loadRuns();
  });
}

export function mountTraining() {
  $("runs-advice").textContent = `./dcgan train --out ${limits.runsFolder}/NAME`;
  $("run").onchange = async () => {
    const runs = await api("/api/runs");
    const run = runs.find(r => r.name === $("run").value);
    if (run) { await showRun(run); showError("run-error", null); showWarnings(run); }
  };
  $("run-slider").oninput = e => showSample(Number(e.target.value));
  // A turned phone, a resized window or a moved-to screen of another density: the chart is drawn again at its new size.
  let redraw = null;
  window.addEventListener("resize", () => { clearTimeout(redraw); redraw = setTimeout(drawChart, 100); });
  return loadRuns;
}
