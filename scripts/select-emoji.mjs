// Selects the face and person images of Google's Noto emoji (Apache-2.0) from an unpacked
// emoji-datasource-google package and writes them, with their labels, into a staging folder.
// Usage: node select-emoji.mjs PACKAGE_DIR OUT_DIR   (called by build-emoji-dataset.sh)
import fs from "node:fs";
import path from "node:path";

const [packageDir, outDir] = process.argv.slice(2);
if (!packageDir || !outDir) { console.error("usage: node select-emoji.mjs PACKAGE_DIR OUT_DIR"); process.exit(2); }

const faceSubcategories = (c, s) =>
  (c === "Smileys & Emotion" && (s.startsWith("face-") || s === "cat-face" || s === "monkey-face")) ||
  (c === "People & Body" && (s.startsWith("person") || s === "family"));
const skinTones = { "1F3FB": "light", "1F3FC": "medium-light", "1F3FD": "medium", "1F3FE": "medium-dark", "1F3FF": "dark" };

// Gender as the emoji's own name says it; couples and families that name both are "mixed".
function gender(name) {
  const words = name.toUpperCase().split(/[^A-Z]+/);
  const woman = words.some(w => ["WOMAN", "WOMEN", "GIRL", "FEMALE", "PRINCESS", "MOTHER"].includes(w));
  const man = words.some(w => ["MAN", "MEN", "BOY", "MALE", "PRINCE", "FATHER"].includes(w));
  return woman && man ? "mixed" : woman ? "woman" : man ? "man" : "neutral";
}

const emoji = JSON.parse(fs.readFileSync(path.join(packageDir, "emoji.json"), "utf8"));
const source = path.join(packageDir, "img", "google", "64");
fs.mkdirSync(outDir, { recursive: true });
const labels = [];
function add(image, base, tones) {
  const from = path.join(source, image);
  if (!fs.existsSync(from)) return;
  fs.copyFileSync(from, path.join(outDir, image));
  const unique = [...new Set(tones)];
  labels.push({
    file: image, name: (base.name || base.short_name).toLowerCase(), short_name: base.short_name,
    category: base.category, subcategory: base.subcategory,
    skin_tone: unique.length === 0 ? "none" : unique.length === 1 ? unique[0] : "mixed",
    gender: gender(base.name || base.short_name),
  });
}
for (const e of emoji) {
  if (!e.has_img_google || !faceSubcategories(e.category, e.subcategory)) continue;
  add(e.image, e, []);
  for (const [key, variation] of Object.entries(e.skin_variations ?? {})) {
    if (!variation.has_img_google) continue;
    add(variation.image, e, key.split("-").map(k => skinTones[k]).filter(Boolean));
  }
}
labels.sort((a, b) => a.file.localeCompare(b.file));
fs.writeFileSync(path.join(outDir, "labels.json"), JSON.stringify(labels, null, 0));
console.log(`${labels.length} images selected into ${outDir}`);
