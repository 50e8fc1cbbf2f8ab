/**
 * Reads a Prometheus answer as it streams in and keeps of its one large array (a query's
 * `data.result`, a discovery call's `data`) only the whole elements that fit `keepBytes`,
 * counting the rest without holding them: what the function holds does not grow with the
 * size of the answer (a million series of an instant query are ~150 MB of JSON). The
 * rest of the answer (status, resultType, warnings, stats…) is kept as it came, and what
 * is returned is the answer's JSON with the array cut after its last kept element.
 *
 * A byte scanner, not a JSON parser: it follows strings (escapes included), objects and
 * arrays, reads the keys on the way to the array, and splits the array at its top-level
 * commas; each kept element is parsed once, at the end, with JSON.parse. The bytes it
 * skips are never decoded or tokenized, which is what keeps a large answer cheap (the
 * streaming JSON libraries tokenize every byte). Quotes, backslashes, brackets and commas
 * are ASCII, so UTF-8 text needs no decoding to be scanned.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

export interface CutAnswer {
  /** The answer, its array holding the kept elements. */
  json: unknown;
  /** Elements the array had. */
  total: number;
  /** Elements kept (the first ones, in the order they came). */
  kept: number;
  /** Bytes of the whole answer as it came (after any gzip). */
  bytes: number;
}

interface Level {
  array: boolean;
  /** In an object: the key of the value being read, once read. */
  key?: string;
  /** In an object: a string here is a key. */
  expectKey: boolean;
}

export class ArrayCut {
  private readonly levels: Level[] = [];
  private inString = false;
  private escaped = false;
  /** Bytes of the key string being read (keys on the way to the array are short). */
  private keyBytes: number[] | undefined;
  /** The depth of the target array's elements once it is found; -1 before, -2 after. */
  private arrayDepth = -1;
  /** Whether an element of the array is being read, and where its bytes go. */
  private inElement = false;
  private keeping = true;
  private element: Buffer[] = [];
  private elementBytes = 0;
  private readonly prefix: Buffer[] = [];
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private readonly suffix: Buffer[] = [];
  private total = 0;
  private bytes = 0;
  /** Bytes held outside the array (before and after it). */
  private otherBytes = 0;
  /** More than maxOtherBytes outside the array (an answer without it, or a huge rest): not one to hold. */
  overflowed = false;

  /**
   * `path`: the keys from the answer's root to the array, e.g. ['data', 'result'];
   * `keepBytes`: what of the array is kept; `maxOtherBytes`: what is held of the rest.
   */
  constructor(
    private readonly path: readonly string[],
    private readonly keepBytes: number,
    private readonly maxOtherBytes = Number.POSITIVE_INFINITY,
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    // Where the current run of bytes began, and what it belongs to.
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyBytes !== undefined) {
            this.levels[this.levels.length - 1]!.key = Buffer.from(this.keyBytes).toString('utf8');
            this.keyBytes = undefined;
          }
        } else if (this.keyBytes !== undefined) this.keyBytes.push(c);
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        const level = this.levels[this.levels.length - 1];
        if (level !== undefined && !level.array && level.expectKey) {
          level.expectKey = false;
          // Only keys on the way to the array matter: read them above it.
          this.keyBytes = this.arrayDepth === -1 ? [] : undefined;
        }
        if (this.startElement()) from = i;
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.startElement()) from = i;
        this.levels.push({ array: c === OPEN_ARRAY, expectKey: c === OPEN_OBJECT });
        if (c === OPEN_ARRAY && this.arrayDepth === -1 && this.isTarget()) {
          // The array itself: what came before it, its `[` included, is the prefix.
          this.hold(this.prefix, chunk.subarray(from, i + 1));
          from = i + 1;
          this.arrayDepth = this.levels.length;
        }
        continue;
      }
      if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.levels.length === this.arrayDepth) {
          // The array's `]`: the element before it ends; the rest of the answer is the suffix.
          from = this.endElement(chunk, from, i);
          this.arrayDepth = -2;
        }
        this.levels.pop();
        continue;
      }
      if (c === COMMA) {
        if (this.levels.length === this.arrayDepth) {
          from = this.endElement(chunk, from, i) + 1;
          continue;
        }
        const level = this.levels[this.levels.length - 1];
        if (level !== undefined && !level.array) level.expectKey = true;
        continue;
      }
      if (c === COLON) continue;
      // A number, true, false or null as an element of the array.
      if (c > 0x20) if (this.startElement()) from = i;
    }
    this.flush(chunk, from);
  }

  end(): CutAnswer {
    if (this.overflowed) throw new RangeError(`more than ${this.maxOtherBytes} bytes outside the array`);
    if (this.arrayDepth !== -2) {
      if (this.arrayDepth === -1 && this.levels.length === 0) {
        // No such array (an error answer, a scalar result): the whole answer is the prefix.
        const text = Buffer.concat(this.prefix).toString('utf8');
        return { json: JSON.parse(text), total: 0, kept: 0, bytes: this.bytes };
      }
      throw new SyntaxError('the answer ended before its JSON did');
    }
    const parts = [...this.prefix];
    this.kept.forEach((element, index) => parts.push(...(index === 0 ? [element] : [Buffer.from(','), element])));
    parts.push(...this.suffix);
    return { json: JSON.parse(Buffer.concat(parts).toString('utf8')), total: this.total, kept: this.kept.length, bytes: this.bytes };
  }

  /** Holds a run of bytes outside the array, up to maxOtherBytes. */
  private hold(parts: Buffer[], run: Buffer): void {
    this.otherBytes += run.length;
    if (this.otherBytes > this.maxOtherBytes) this.overflowed = true;
    else parts.push(Buffer.from(run));
  }

  /** Whether the array just opened is at the path: its parents' keys are the path's. */
  private isTarget(): boolean {
    if (this.levels.length !== this.path.length + 1) return false;
    for (let d = 0; d < this.path.length; d++) {
      const level = this.levels[d]!;
      if (level.array || level.key !== this.path[d]) return false;
    }
    return true;
  }

  /** A value begins here: at the array's depth, it is an element (true: its bytes start here). */
  private startElement(): boolean {
    if (this.arrayDepth < 0 || this.inElement || this.levels.length !== this.arrayDepth) return false;
    this.inElement = true;
    this.total++;
    this.element = [];
    this.elementBytes = 0;
    return true;
  }

  /** The element being read ends before `i`; returns where the next run begins. */
  private endElement(chunk: Buffer, from: number, i: number): number {
    if (this.inElement) {
      if (this.keeping) {
        const last = chunk.subarray(from, i);
        const element = this.element.length === 0 ? Buffer.from(last) : Buffer.concat([...this.element, last]);
        const trimmed = trimEnd(element);
        if (this.keptBytes + trimmed.length <= this.keepBytes) {
          this.kept.push(trimmed);
          this.keptBytes += trimmed.length + 1;
        } else {
          // The first element that does not fit ends the keeping: the kept ones stay a prefix of the array.
          this.keeping = false;
        }
      }
      this.inElement = false;
      this.element = [];
      this.elementBytes = 0;
    }
    return i;
  }

  /** The chunk ends: the run in progress is kept where it belongs. */
  private flush(chunk: Buffer, from: number): void {
    if (from >= chunk.length) return;
    const run = chunk.subarray(from);
    if (this.arrayDepth === -1) this.hold(this.prefix, run);
    else if (this.arrayDepth === -2) this.hold(this.suffix, run);
    else if (this.inElement && this.keeping) {
      this.elementBytes += run.length;
      if (this.keptBytes + this.elementBytes > this.keepBytes) {
        // Too large to keep, whatever follows: stop holding its bytes now.
        this.keeping = false;
        this.element = [];
      } else this.element.push(Buffer.from(run));
    }
  }
}

function trimEnd(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1]! <= 0x20) end--;
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}
