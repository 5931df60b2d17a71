// Seeds are exact integers up to 2^63 - 1: kept as BigInt and strings, never as JS numbers, and checked here before any request.
import { limits } from "./api.js";

export const MAX_SEED = (1n << 63n) - 1n;

export function parseSeed(text, what) {
  const t = String(text).trim();
  if (!/^\d+$/.test(t)) throw new Error(`${what}: "${t}" is not a seed (a whole number from 0 to ${MAX_SEED})`);
  const seed = BigInt(t);
  if (seed > MAX_SEED) throw new Error(`${what}: ${t} is too large (seeds go up to ${MAX_SEED})`);
  return seed;
}

/** A list such as "3,7,12-14" checked as the server will; the list itself is sent as typed. */
export function checkSeedList(text, what, max = limits.exemplarSeeds) {
  const parts = splitSeeds(text);
  if (!parts.length) throw new Error(`${what}: give at least one seed, such as 3,7,12-14`);
  let count = 0n;
  for (const part of parts) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`${what}: "${part}" is not a seed or a range such as 12-14`);
    const from = parseSeed(m[1], what), to = m[2] === undefined ? from : parseSeed(m[2], what);
    if (to < from) throw new Error(`${what}: the range ${part} runs backwards`);
    count += to - from + 1n;
  }
  if (count > BigInt(max)) throw new Error(`${what}: ${count} seeds, at most ${max}`);
  return parts.join(",");
}

export const splitSeeds = text => String(text).split(",").map(p => p.trim()).filter(p => p !== "");
