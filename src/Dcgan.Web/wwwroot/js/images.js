// Pictures: a placeholder until there is something to show, never a broken image; a failed image says why beside it.
// A figure marked data-target-width is enlarged by a whole factor towards that width (pixel-exact: each pixel becomes a
// square of pixels), so a 32 px model's strip is readable while its PNG bytes stay the command's.
import { problemOf } from "./api.js";
import { showError } from "./dom.js";

export function setImage(img, url, errorBox) {
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
  img.onload = () => {
    enlarge(img);
    frame.classList.remove("empty", "loading");
    if (errorBox) showError(errorBox, null);
  };
  img.onerror = async () => {
    frame.classList.remove("loading");
    frame.classList.add("empty");
    if (img.dataset.url !== url) return;
    let reason = "the image could not be drawn";
    try { const r = await fetch(url); if (!r.ok) reason = (await problemOf(r)).text; } catch { reason = "the server did not answer"; }
    if (errorBox) showError(errorBox, reason);
  };
  img.src = url;
}

function enlarge(img) {
  const target = Number(img.dataset.targetWidth);
  if (!target || !img.naturalWidth) return;
  const factor = Math.max(1, Math.floor(target / img.naturalWidth));
  img.style.width = `${img.naturalWidth * factor}px`;
  img.dataset.factor = String(factor);
}
