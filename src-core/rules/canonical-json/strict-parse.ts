/**
 * A strict JSON parser for untrusted network input (federation bodies, client requests).
 *
 * `JSON.parse` silently accepts three things Matrix must not: duplicate object keys (last one
 * wins, so two servers can read different events out of the same bytes), escaped lone surrogates
 * (`"\ud800"`, which has no UTF-8 form and so no canonical JSON), and — from room v6 on — floats
 * and integers outside ±(2^53−1) (spec appendix "Canonical JSON"; Synapse parses federation
 * traffic with canonicaljson's strict validation for those room versions).
 *
 * Design: one hand-written pass over the UTF-16 code units validates the full RFC 8259 grammar
 * plus the rules above without building any values, then `JSON.parse` (native, several times
 * faster than a JavaScript object builder) builds the result from the same text. The scanner
 * accepts exactly the grammar `JSON.parse` accepts, so the second pass cannot disagree.
 */
import type { JsonValue } from '../json';
import { CanonicalJsonError, MAX_SAFE_CANONICAL_INTEGER } from './canonical-json';

export interface StrictParseOptions {
  /** Reject any number with a fraction or exponent, or outside ±(2^53−1) (room v6+ rules). */
  integersOnly?: boolean;
  /** Deepest allowed nesting of arrays/objects; the top-level container is depth 1. */
  maxDepth?: number;
}

/**
 * serde_json's recursion limit, which Ruma-based servers (conduwuit, tuwunel) parse with: we
 * should never refuse a body another homeserver produced and can read itself.
 */
export const DEFAULT_MAX_DEPTH = 128;

/** A `CanonicalJsonError` that also says where in the text the problem starts. */
export class StrictJsonParseError extends CanonicalJsonError {
  /** Offset in UTF-16 code units from the start of the text. */
  readonly offset: number;

  constructor(message: string, path: string, offset: number) {
    super(`${message} (offset ${offset})`, path);
    this.name = 'StrictJsonParseError';
    this.offset = offset;
  }
}

const enum Char {
  Tab = 0x09,
  LineFeed = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperE = 0x45,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerE = 0x65,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

/** Objects with more keys than this switch from a linear scan to a Set for duplicate checks. */
const LINEAR_KEY_SCAN_LIMIT = 12;

/** The longest decimal integer that can still be ≤ 2^53−1 ("9007199254740991" has 16 digits). */
const MAX_SAFE_INTEGER_DIGITS = String(MAX_SAFE_CANONICAL_INTEGER).length;

interface Frame {
  readonly isArray: boolean;
  /** Array index, or the number of keys seen so far in an object. */
  count: number;
  /** The key whose value is being scanned (objects only). */
  key: string;
  /** Keys seen so far, linear-scanned while small. */
  keys: string[];
  /** Set of keys once the object grows past LINEAR_KEY_SCAN_LIMIT. */
  keySet: Set<string> | undefined;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Matches `JSON.stringify`-style member access so paths read like the canonical encoder's. */
function pathOf(stack: readonly Frame[]): string {
  let path = '$';
  for (const frame of stack) {
    path += frame.isArray ? `[${frame.count}]` : `.${frame.key}`;
  }
  return path;
}

class Scanner {
  private pos = 0;
  private readonly stack: Frame[] = [];

  constructor(
    private readonly text: string,
    private readonly integersOnly: boolean,
    private readonly maxDepth: number,
  ) {}

  private fail(message: string, offset: number = this.pos): never {
    throw new StrictJsonParseError(message, pathOf(this.stack), offset);
  }

  private describeAt(offset: number): string {
    if (offset >= this.text.length) return 'end of input';
    return `character ${JSON.stringify(this.text[offset])}`;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === Char.Space || c === Char.LineFeed || c === Char.CarriageReturn || c === Char.Tab) {
        pos++;
      } else {
        break;
      }
    }
    this.pos = pos;
  }

  /** Scans the whole text; returns normally only if it is one strict JSON value. */
  scan(): void {
    this.skipWhitespace();
    this.scanValue();
    this.skipWhitespace();
    if (this.pos !== this.text.length) {
      this.fail(`unexpected ${this.describeAt(this.pos)} after the JSON value`);
    }
  }

  /**
   * Scans one value, iteratively for containers so that deep nesting cannot overflow the call
   * stack before the depth limit is reached.
   */
  private scanValue(): void {
    const text = this.text;
    for (;;) {
      // Expect a value at this.pos (whitespace already skipped).
      const c = text.charCodeAt(this.pos);
      if (c === Char.OpenBrace || c === Char.OpenBracket) {
        if (this.stack.length >= this.maxDepth) {
          this.fail(`nesting deeper than ${this.maxDepth} levels`);
        }
        const isArray = c === Char.OpenBracket;
        this.pos++;
        this.skipWhitespace();
        const close = text.charCodeAt(this.pos);
        if (close === (isArray ? Char.CloseBracket : Char.CloseBrace)) {
          this.pos++;
        } else {
          const frame: Frame = { isArray, count: 0, key: '', keys: [], keySet: undefined };
          this.stack.push(frame);
          if (!isArray) this.scanKey(frame);
          this.skipWhitespace();
          continue;
        }
      } else if (c === Char.Quote) {
        this.scanString();
      } else if (c === Char.Minus || (c >= Char.Zero && c <= Char.Nine)) {
        this.scanNumber();
      } else if (text.startsWith('true', this.pos)) {
        this.pos += 4;
      } else if (text.startsWith('false', this.pos)) {
        this.pos += 5;
      } else if (text.startsWith('null', this.pos)) {
        this.pos += 4;
      } else {
        this.fail(`expected a JSON value, found ${this.describeAt(this.pos)}`);
      }

      // A value just ended: close containers or move to the next member.
      for (;;) {
        const frame = this.stack[this.stack.length - 1];
        if (frame === undefined) return;
        this.skipWhitespace();
        const next = text.charCodeAt(this.pos);
        if (next === Char.Comma) {
          this.pos++;
          this.skipWhitespace();
          frame.count++;
          if (!frame.isArray) {
            this.scanKey(frame);
            this.skipWhitespace();
          }
          break;
        }
        if (next === (frame.isArray ? Char.CloseBracket : Char.CloseBrace)) {
          this.pos++;
          this.stack.pop();
          continue;
        }
        this.fail(
          `expected ',' or '${frame.isArray ? ']' : '}'}', found ${this.describeAt(this.pos)}`,
        );
      }
    }
  }

  /** Scans `"key" :` and records the key, refusing duplicates. */
  private scanKey(frame: Frame): void {
    const start = this.pos;
    if (this.text.charCodeAt(start) !== Char.Quote) {
      this.fail(`expected a quoted object key, found ${this.describeAt(start)}`);
    }
    const hasEscape = this.scanString();
    // Keys are almost never escaped; when they are, let the native decoder resolve the escapes.
    const key = hasEscape
      ? (JSON.parse(this.text.slice(start, this.pos)) as string)
      : this.text.slice(start + 1, this.pos - 1);
    if (frame.keySet !== undefined) {
      if (frame.keySet.has(key)) this.duplicate(frame, key, start);
      frame.keySet.add(key);
    } else {
      if (frame.keys.includes(key)) this.duplicate(frame, key, start);
      frame.keys.push(key);
      if (frame.keys.length > LINEAR_KEY_SCAN_LIMIT) {
        frame.keySet = new Set(frame.keys);
        frame.keys = [];
      }
    }
    frame.key = key;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== Char.Colon) {
      this.fail(`expected ':' after object key, found ${this.describeAt(this.pos)}`);
    }
    this.pos++;
    this.skipWhitespace();
  }

  private duplicate(frame: Frame, key: string, offset: number): never {
    frame.key = key;
    this.fail(`duplicate object key ${JSON.stringify(key)}`, offset);
  }

  /**
   * Scans a string starting at its opening quote and leaves pos after the closing quote.
   * Returns whether it contained any escape.
   */
  private scanString(): boolean {
    const text = this.text;
    let pos = this.pos + 1;
    let hasEscape = false;
    for (;;) {
      const c = text.charCodeAt(pos);
      // Hot path: ordinary characters. NaN (past the end) fails every comparison and drops out.
      if (
        c >= Char.Space &&
        c !== Char.Quote &&
        c !== Char.Backslash &&
        (c < 0xd800 || c > 0xdfff)
      ) {
        pos++;
        continue;
      }
      if (c === Char.Quote) break;
      if (c === Char.Backslash) {
        hasEscape = true;
        pos = this.scanEscape(pos);
        continue;
      }
      if (Number.isNaN(c)) this.fail('unterminated string', this.pos);
      if (c < Char.Space) {
        this.fail(`unescaped control character U+${c.toString(16).padStart(4, '0')}`, pos);
      }
      // Raw surrogates are fine only as a high+low pair (an astral character).
      if (isHighSurrogate(c) && isLowSurrogate(text.charCodeAt(pos + 1))) {
        pos += 2;
        continue;
      }
      this.fail('lone UTF-16 surrogate in string', pos);
    }
    this.pos = pos + 1;
    return hasEscape;
  }

  /** Validates the escape at `pos` (the backslash); returns the position after it. */
  private scanEscape(pos: number): number {
    const text = this.text;
    const e = text.charCodeAt(pos + 1);
    switch (e) {
      case 0x22: // "
      case 0x5c: // \
      case 0x2f: // /
      case 0x62: // b
      case 0x66: // f
      case 0x6e: // n
      case 0x72: // r
      case 0x74: // t
        return pos + 2;
      case 0x75: {
        // u
        const unit = this.readHex4(pos + 2);
        if (isLowSurrogate(unit)) this.fail('lone UTF-16 surrogate escape', pos);
        if (!isHighSurrogate(unit)) return pos + 6;
        // An escaped high surrogate must be followed by an escaped low surrogate.
        if (text.charCodeAt(pos + 6) === Char.Backslash && text.charCodeAt(pos + 7) === 0x75) {
          const low = this.readHex4(pos + 8);
          if (isLowSurrogate(low)) return pos + 12;
        }
        return this.fail('lone UTF-16 surrogate escape', pos);
      }
      default:
        return this.fail(`invalid escape \\${this.text[pos + 1] ?? ''}`, pos);
    }
  }

  private readHex4(pos: number): number {
    const text = this.text;
    for (let i = pos; i < pos + 4; i++) {
      if (!isHexDigit(text.charCodeAt(i))) this.fail('invalid \\u escape', pos - 2);
    }
    return parseInt(text.slice(pos, pos + 4), 16);
  }

  private scanNumber(): void {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === Char.Minus) pos++;
    const intStart = pos;
    const first = text.charCodeAt(pos);
    if (first === Char.Zero) {
      pos++;
    } else if (first > Char.Zero && first <= Char.Nine) {
      do pos++;
      while (text.charCodeAt(pos) >= Char.Zero && text.charCodeAt(pos) <= Char.Nine);
    } else {
      this.fail('invalid number: expected a digit', pos);
    }
    const intEnd = pos;
    let isInteger = true;
    if (text.charCodeAt(pos) === Char.Dot) {
      isInteger = false;
      pos++;
      pos = this.digits(pos, 'fraction');
    }
    const e = text.charCodeAt(pos);
    if (e === Char.LowerE || e === Char.UpperE) {
      isInteger = false;
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === Char.Plus || sign === Char.Minus) pos++;
      pos = this.digits(pos, 'exponent');
    }
    this.pos = pos;
    const digits = intEnd - intStart;
    if (this.integersOnly) {
      if (!isInteger) this.fail(`number ${text.slice(start, pos)} is not an integer`, start);
      if (
        digits > MAX_SAFE_INTEGER_DIGITS ||
        (digits === MAX_SAFE_INTEGER_DIGITS &&
          Math.abs(Number(text.slice(start, pos))) > MAX_SAFE_CANONICAL_INTEGER)
      ) {
        this.fail(`integer ${text.slice(start, pos)} is outside ±(2^53−1)`, start);
      }
    } else if ((!isInteger || digits > 300) && !Number.isFinite(Number(text.slice(start, pos)))) {
      // JSON.parse would turn this into Infinity, which no JSON encoder can write back.
      this.fail(`number ${text.slice(start, pos)} overflows a double`, start);
    }
  }

  private digits(pos: number, what: string): number {
    const text = this.text;
    const start = pos;
    while (text.charCodeAt(pos) >= Char.Zero && text.charCodeAt(pos) <= Char.Nine) pos++;
    if (pos === start) this.fail(`invalid number: ${what} needs a digit`, pos);
    return pos;
  }
}

/**
 * Parses untrusted JSON text, refusing duplicate keys, lone surrogates, nesting deeper than
 * `maxDepth` and (with `integersOnly`) floats and unsafe integers. Throws `StrictJsonParseError`
 * (a `CanonicalJsonError`) carrying the JSON path and text offset of the first problem.
 *
 * `-0` is accepted (as an integer) because Python's json reads it as `0`, as Synapse does; the
 * canonical encoder writes it back as `0`.
 */
export function parseJsonStrict(text: string, options: StrictParseOptions = {}): JsonValue {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  new Scanner(text, options.integersOnly ?? false, maxDepth).scan();
  return JSON.parse(text) as JsonValue;
}
