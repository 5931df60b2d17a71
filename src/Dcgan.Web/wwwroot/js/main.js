// DCGAN Studio page: one module per panel, each owning its part of the page (see each file's first lines). Every
// picture comes from the server's PNG endpoints, so its pixels are the command's; every URL names its model by id (and
// vectors as NAME@VERSION), so the browser may cache images for good and never shows a stale one.
import { loadLimits } from "./api.js";
import { showError } from "./dom.js";
import { mountArithmetic } from "./arithmetic.js";
import { mountEdit } from "./edit.js";
import { mountGrid } from "./grid.js";
import { mountInterpolation } from "./interpolation.js";
import { loadModels, mountModels } from "./models.js";
import { mountTraining } from "./training.js";
import { mountVectors } from "./vectors.js";

// The limits first (the panels word their checks by them), then the model list (every URL needs its id), then the rest;
// the lists are refreshed now and then, so the picker follows the runs and models folders.
async function start() {
  try { await loadLimits(); }
  catch (error) { showError("model-error", `The studio's server did not answer: ${error.message}`); return; }
  for (const mount of [mountModels, mountGrid, mountVectors, mountEdit, mountInterpolation, mountArithmetic]) mount();
  const loadRuns = mountTraining();
  try { await loadModels(); }
  catch (error) { showError("model-error", `The server's model list could not be read: ${error.message}`); return; }
  loadRuns().catch(error => showError("run-error", error));
  const refresh = () => {
    loadModels().catch(error => showError("model-error", error));
    loadRuns().catch(error => showError("run-error", error));
  };
  setInterval(refresh, 15000);
  window.addEventListener("focus", refresh); // back to the tab: the lists are brought up to date at once
}
start();
