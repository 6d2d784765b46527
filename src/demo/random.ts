// Deterministic randomness, so a demo run (and a test) can be replayed from its seed.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NIX32 = '0123456789abcdfghijklmnpqrsvwxyz';

/** A Nix store hash (32 chars of Nix's base-32 alphabet) derived from a label. */
export function storeHash(label: string): string {
  let h = 2166136261;
  for (const ch of label) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const rnd = mulberry32(h);
  let s = '';
  for (let i = 0; i < 32; i++) s += NIX32[Math.floor(rnd() * 32)];
  return s;
}

/** 32 lower-case hex digits (systemd invocation ids, stream ids). */
export function hexId(rnd: () => number): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += Math.floor(rnd() * 16).toString(16);
  return s;
}
