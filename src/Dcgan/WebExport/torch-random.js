// PyTorch's CPU random numbers in JavaScript, so that a page names images by seed exactly as the program does:
// the image with seed s comes from torch.manual_seed(s); torch.randn(1, nz, 1, 1) (or torch.rand(...) * 2 - 1 for a
// uniform prior). PyTorch's CPU generator is the 32-bit Mersenne Twister (MT19937) seeded with the seed's low 32 bits;
// a float is (next() & 0xffffff) / 2^24; randn of 16 or more contiguous floats is Box-Muller over blocks of 16 (first
// half cosines, second half sines, the last 16 redrawn when the count is not a multiple of 16); fewer use the scalar
// double-precision Box-Muller. Float32 rounding is applied where PyTorch computes in float, so values agree to about
// one unit in the last place (PyTorch's vectorised log/sin/cos differ from Math's by that much).

const N = 624, M = 397;
const MATRIX_A = 0x9908b0df, UPPER = 0x80000000, LOWER = 0x7fffffff;

export class MersenneTwister {
  constructor(seed) {
    this.state = new Uint32Array(N);
    this.state[0] = Number(BigInt.asUintN(32, BigInt(seed)));
    for (let j = 1; j < N; j++) {
      const previous = this.state[j - 1] ^ (this.state[j - 1] >>> 30);
      this.state[j] = (Math.imul(1812433253, previous) + j) >>> 0;
    }
    this.left = 1;
    this.next = 0;
  }

  nextUint32() {
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  twist() {
    const s = this.state;
    const mix = (u, v) => ((((u & UPPER) | (v & LOWER)) >>> 1) ^ (v & 1 ? MATRIX_A : 0)) >>> 0;
    for (let k = 0; k < N; k++) s[k] = (s[(k + M) % N] ^ mix(s[k], s[(k + 1) % N])) >>> 0;
    this.left = N;
    this.next = 0;
  }

  /** A float in [0, 1): 24 random bits, as uniform_real_distribution<float>. */
  nextFloat() {
    return (this.nextUint32() & 0xffffff) / 16777216;
  }

  /** A double in [0, 1): 53 bits of two draws (the first is the high word), as uniform_real_distribution<double>. */
  nextDouble() {
    const high = BigInt(this.nextUint32()), low = BigInt(this.nextUint32());
    const bits = ((high << 32n) | low) & ((1n << 53n) - 1n);
    return Number(bits) / 9007199254740992;
  }
}

const f = Math.fround;
const TWO_PI_FLOAT = f(2 * Math.PI);

function boxMuller16(data, at) {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[at + j]);
    const u2 = data[at + j + 8];
    const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
    const theta = f(TWO_PI_FLOAT * u2);
    data[at + j] = f(radius * f(Math.cos(theta)));
    data[at + j + 8] = f(radius * f(Math.sin(theta)));
  }
}

/** torch.manual_seed(seed); torch.randn(count) as a Float32Array. */
export function randn(seed, count) {
  const random = new MersenneTwister(seed);
  const data = new Float32Array(count);
  if (count >= 16) {
    for (let i = 0; i < count; i++) data[i] = random.nextFloat();
    for (let i = 0; i + 16 <= count; i += 16) boxMuller16(data, i);
    if (count % 16 !== 0) {
      const at = count - 16;
      for (let i = 0; i < 16; i++) data[at + i] = random.nextFloat();
      boxMuller16(data, at);
    }
    return data;
  }
  // Fewer than 16: each value from two doubles, the sine half kept for the next value.
  let cached = null;
  for (let i = 0; i < count; i++) {
    if (cached !== null) { data[i] = cached; cached = null; continue; }
    const u1 = random.nextDouble(), u2 = random.nextDouble();
    const radius = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    cached = radius * Math.sin(theta);
    data[i] = radius * Math.cos(theta);
  }
  return data;
}

/** torch.manual_seed(seed); torch.rand(count) as a Float32Array. */
export function rand(seed, count) {
  const random = new MersenneTwister(seed);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = random.nextFloat();
  return data;
}

/** The latent the program names by this seed: nz values from the model's prior ("normal" or "uniform"). */
export function latentForSeed(seed, nz, prior = "normal") {
  if (prior === "normal") return randn(seed, nz);
  const u = rand(seed, nz);
  for (let i = 0; i < nz; i++) u[i] = f(f(u[i] * 2) - 1);
  return u;
}
