// The README's studio screenshot (docs/images/studio.png), made the way a person would use the page: label three
// couples with a heart ✓ and three single figures ✗, compute "heart", discover SeFa's directions, edit a seed. Beside
// it, in the same folder: the vectors with their preview strips (studio-directions.png), the training view with the run
// that trains now (studio-training.png, when the served runs folder has one), and a 390 px phone editing with the last
// slider moved, the picture and its edit held at the top (studio-phone-edit.png).
// It drives Debian's chromium with the Playwright package that the browser tests' build brings along.
//
//   dotnet build tests/Dcgan.Web.Tests -c Release       # once, for the Playwright package
//   ./dcgan serve --urls http://127.0.0.1:5077 &
//   node scripts/studio-screenshot.mjs http://127.0.0.1:5077 docs/images/studio.png [WIDTH]
//
// The seeds are those of the bundled emoji model (look at `./dcgan sample --n 48` before changing the model).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { chromium } = require(path.join(root, 'tests/Dcgan.Web.Tests/bin/Release/net10.0/.playwright/package'));

const [url = 'http://127.0.0.1:5077', out = 'docs/images/studio.png', width = '1300'] = process.argv.slice(2);
// Seeds 0..47 (the page's first two screens of tiles); override them for another model:
//   WITH_HEART=3,33,37 WITHOUT_HEART=1,4,12 EDIT_SEED=18 node scripts/studio-screenshot.mjs ...
const seeds = (name, fallback) => (process.env[name] ?? fallback).split(',').map(Number);
const withHeart = seeds('WITH_HEART', '3,33,37'), withoutHeart = seeds('WITHOUT_HEART', '1,4,12');
const editSeed = Number(process.env.EDIT_SEED ?? 18), strength = process.env.STRENGTH ?? '1.6';

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 900 } });
  await page.goto(url);
  await page.locator('.tile').nth(23).waitFor();
  await page.locator('#more').click(); // seeds 24..47: two of the couples with a heart are there
  await page.locator('.tile').nth(47).waitFor();
  const tile = seed => page.locator(`.tile[data-seed="${seed}"]`);
  const label = async (seed, clicks) => { for (let i = 0; i < clicks; i++) await tile(seed).locator('.label').click(); };
  for (const seed of withHeart) await label(seed, 1);      // one click: ✓
  for (const seed of withoutHeart) await label(seed, 2);   // two clicks: ✗
  await page.locator('#vector-name').fill('heart');
  await page.locator('#compute').click();
  await page.waitForFunction(() => document.getElementById('compute-result').textContent.startsWith('heart'));
  await page.locator('#sefa').click();
  await page.locator("#sliders input[data-vector='sefa-00']").waitFor();
  await tile(editSeed).locator('.edit').click();
  await page.locator("#sliders input[data-vector='heart']").fill(strength);
  await page.waitForFunction(() => document.getElementById('edited').src.includes('heart%40'));
  await page.waitForFunction(() => [...document.images].every(i => i.complete));
  const bottom = await page.locator('#edit').evaluate(e => e.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: Number(width), height: Math.ceil(bottom) + 16 } });
  console.log(`wrote ${out}`);
  const beside = name => path.join(path.dirname(out), name);
  await page.waitForFunction(() => [...document.querySelectorAll('#vectors .preview img')].every(i => i.complete && i.naturalWidth > 0));
  await page.locator('#vectors-section').screenshot({ path: beside('studio-directions.png') });
  if (await page.locator('#run option').count() > 0) {
    await page.waitForFunction(() => document.getElementById('run-state').textContent.length > 0);
    await page.locator('#training').screenshot({ path: beside('studio-training.png') });
  }

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(url);
  await phone.locator('.tile').nth(23).waitFor();
  await phone.locator(`.tile[data-seed="${editSeed}"] .edit`).click();
  await phone.locator("#sliders input[data-vector='heart']").fill(strength);
  const last = phone.locator('#sliders input[type=range]').last();
  await last.scrollIntoViewIfNeeded();
  await last.fill('1.5');
  await phone.waitForFunction(() => document.getElementById('edited').src.includes('sefa-04%40'));
  await phone.waitForFunction(() => { const i = document.getElementById('edited'); return i.complete && !i.closest('.frame').classList.contains('loading'); });
  await phone.screenshot({ path: beside('studio-phone-edit.png') });
  console.log('wrote studio-directions.png, studio-training.png and studio-phone-edit.png beside it');
} finally {
  await browser.close();
}
