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

// The factor is a whole number that fits the room the figure has (a phone, a table column), so every pixel becomes an
// equal square; a figure wider than its room is shown smaller, smoothly rather than with uneven blocky pixels.
function enlarge(img) {
  const target = Number(img.dataset.targetWidth);
  if (!target || !img.naturalWidth) return;
  const room = roomFor(img.closest(".frame")) || target;
  const factor = Math.floor(Math.min(target, room) / img.naturalWidth);
  img.classList.toggle("shrunk", factor < 1);
  img.style.width = factor < 1 ? "" : `${img.naturalWidth * factor}px`;
  img.style.maxWidth = factor < 1 ? "" : "none";
  img.dataset.factor = String(Math.max(factor, 0));
}

// The width a figure may take: a table cell is as wide as what it holds, so one in a table is measured against its
// section; in a flex row (the arithmetic figure beside its row labels) the siblings' widths are taken off.
function roomFor(frame) {
  if (frame.closest("td")) return frame.closest("section").clientWidth - 48;
  const holder = frame.parentElement, style = getComputedStyle(holder);
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
  const beside = style.display === "flex" && style.flexDirection === "row" && style.flexWrap === "nowrap"
    ? [...holder.children].filter(c => c !== frame).reduce((w, c) => w + c.getBoundingClientRect().width + parseFloat(style.columnGap || 0), 0)
    : 0;
  return holder.clientWidth - padding - beside;
}
