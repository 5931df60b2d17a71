// Per-image time of an exported web page (dcgan export --web) in Debian's chromium, at several wasm thread counts:
// the figures in docs/web-export.md. The page must be served with the COOP/COEP headers (the preview does), or
// every count runs on one thread. It drives chromium with the Playwright package the browser tests' build brings along.
//
//   dotnet build tests/Dcgan.Web.Tests -c Release       # once, for the Playwright package
//   ./dcgan export --web /tmp/page --serve --urls http://127.0.0.1:8080 &
//   node scripts/bench-web-export.mjs http://127.0.0.1:8080/ 1,2,4 [REPEATS]
//
// Prints, per thread count, the median of REPEATS timed calls (after 3 untimed ones) for one image and for a batch of 16.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { chromium } = require(path.join(root, 'tests/Dcgan.Web.Tests/bin/Release/net10.0/.playwright/package'));

const [url = 'http://127.0.0.1:8080/', threadList = '1,4', repeats = '20'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  console.log(`page ${url}; ${repeats} timed calls each (median)`);
  console.log('threads\tisolated\tone image (ms)\tbatch of 16 (ms per image)');
  for (const threads of threadList.split(',').map(Number)) {
    const page = await browser.newPage();
    await page.goto(`${url}?threads=${threads}`);
    const result = await page.evaluate(async (repeats) => {
      await window.dcgan.ready;
      const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const time = async (seeds) => {
        for (let i = 0; i < 3; i++) await window.dcgan.pixels(seeds);
        const times = [];
        for (let i = 0; i < repeats; i++) {
          const started = performance.now();
          await window.dcgan.pixels(seeds);
          times.push((performance.now() - started) / seeds.length);
        }
        return median(times);
      };
      return { isolated: crossOriginIsolated, threads: window.dcgan.threads(), one: await time([7]),
        batch: await time(Array.from({ length: 16 }, (_, i) => i)) };
    }, Number(repeats));
    console.log(`${result.threads}\t${result.isolated}\t${result.one.toFixed(1)}\t${result.batch.toFixed(1)}`);
    await page.close();
  }
} finally {
  await browser.close();
}
