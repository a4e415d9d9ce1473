// wordfreq.wasm — AssemblyScript + @assemblyscript/wasi-shim.
//
// Reads all of stdin and prints
//   words: N
//   WORD COUNT        (up to 3 lines: most frequent first, ties broken by
//                      ascending byte order of the word)
//
// A word is a maximal run of ASCII letters, ASCII digits and non-ASCII bytes
// (so UTF-8 words stay whole). ASCII letters are lower-cased; everything else
// (spaces, punctuation, apostrophes, control characters) separates words.
// Deterministic: no clock, no randomness.

function isWordByte(b: u8): bool {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b >= 0x80;
}

function readAllStdin(): Uint8Array {
  let cap = 65536;
  let data = new Uint8Array(cap);
  let len = 0;
  while (true) {
    if (len == cap) {
      cap *= 2;
      const bigger = new Uint8Array(cap);
      bigger.set(data);
      data = bigger;
    }
    const chunk = new ArrayBuffer(cap - len);
    const n = process.stdin.read(chunk);
    if (n <= 0) break;
    data.set(Uint8Array.wrap(chunk, 0, n), len);
    len += n;
  }
  return data.subarray(0, len);
}

// Byte-wise comparison of the UTF-8 encodings (== code point order).
function compareWords(a: string, b: string): i32 {
  const ab = Uint8Array.wrap(String.UTF8.encode(a));
  const bb = Uint8Array.wrap(String.UTF8.encode(b));
  const n = min(ab.length, bb.length);
  for (let i = 0; i < n; i++) {
    if (ab[i] != bb[i]) return <i32>ab[i] - <i32>bb[i];
  }
  return ab.length - bb.length;
}

const input = readAllStdin();
const counts = new Map<string, i32>();
let total = 0;
let i = 0;
const len = input.length;
while (i < len) {
  while (i < len && !isWordByte(input[i])) i++;
  if (i >= len) break;
  const start = i;
  while (i < len && isWordByte(input[i])) {
    const b = input[i];
    if (b >= 0x41 && b <= 0x5a) input[i] = b + 0x20;
    i++;
  }
  const word = String.UTF8.decodeUnsafe(input.dataStart + <usize>start, <usize>(i - start));
  total++;
  if (counts.has(word)) counts.set(word, counts.get(word) + 1);
  else counts.set(word, 1);
}

// Keep the top 3 with a single pass (stable, independent of Map iteration order).
const keys = counts.keys();
const top = new Array<string>(0);
for (let k = 0; k < keys.length; k++) {
  const w = keys[k];
  const c = counts.get(w);
  // insertion into the sorted top list
  let pos = top.length;
  for (let t = 0; t < top.length; t++) {
    const tc = counts.get(top[t]);
    if (c > tc || (c == tc && compareWords(w, top[t]) < 0)) {
      pos = t;
      break;
    }
  }
  if (pos < 3) {
    if (top.length < 3) top.push(w);
    for (let t = top.length - 1; t > pos; t--) top[t] = top[t - 1];
    top[pos] = w;
  }
}

let out = "words: " + total.toString() + "\n";
for (let t = 0; t < top.length; t++) {
  out += top[t] + " " + counts.get(top[t]).toString() + "\n";
}
process.stdout.write(out);
