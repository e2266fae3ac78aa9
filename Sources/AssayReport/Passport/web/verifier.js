/*
 * Assay product-bundle verifier for the browser (the passport page, issue 18).
 *
 * Plain ES2020, no modules, no dependencies, no network: it defines one global, `AssayVerifier`,
 * whose `verifyBundle(bundle, trust)` checks the integrity of an offline product bundle
 * (`Schemas/FORMAT.md` §9, steps 1–5) with nothing but Web Crypto (`crypto.subtle`: SHA-256 and
 * Ed25519) and what the reader pinned: the log's verifier key, its origin, the product and the
 * witness keys. It implements FORMAT.md; where FORMAT.md leaves a detail open (identifier forms,
 * statement rules, limits) it follows the Swift verifier (`AssayVerify/Bundle/BundleVerifier.swift`),
 * which it must agree with on every bundle, and its problem messages are that verifier's, word for
 * word. `tools/passport/make-vectors.sh` checks both on the shared vectors
 * (`Tests/Fixtures/bundle-vectors`).
 *
 *   const r = await AssayVerifier.verifyBundle(bundle, {
 *     logKey: "acme.example/operator+1a2b3c4d+AR…",   // C2SP note verifier key (FORMAT.md §1)
 *     origin: "acme.example/ledger",
 *     product: "https://id.gs1.org/01/04012345000016/21/SN-0001",
 *     witnessKeys: ["certbody.example/witness+…+BB…"], witnessesNeeded: 1,
 *     since: "<an older signed checkpoint the reader already trusts>"   // optional
 *   });
 *   // r = {ok, problems: [one line each], checkpoint: {origin, size, rootHash} | null,
 *   //      witnesses: [names], counts: {entries, signatures, inclusionProofs, indexProofs, subjects}}
 *
 * `bundle` is the bundle's JSON text (a string, or its UTF-8 bytes as a Uint8Array) or the value
 * `JSON.parse` made of it. Text is parsed exactly as Assay parses it (strict UTF-8 JSON, no
 * duplicate member names, at most 64 MiB and 8 levels deep); an already-parsed value cannot show
 * duplicate names, so pass the text when you have it. The function never throws: a malformed
 * bundle or trust value gives `ok: false` with a reason.
 *
 * What is checked, in FORMAT.md §9's order: the pins (origin, product in canonical form, genesis
 * entry 0 naming the pinned operator key and origin); the checkpoint (C2SP signed note under the log
 * key, its origin line, C2SP cosignature/v1 lines counted toward `witnessesNeeded`); a consistency
 * proof when the bundle carries one (RFC 9162 §2.1.4.2), and one from `since` when it is given;
 * every entry (record layout §3, increasing seq below the tree size, the RFC 6962 inclusion proof
 * (RFC 9162 §2.1.3.2), record times never going backwards, the canonical DSSE envelope (§2), the
 * statement, the signer registry and write rules of §8, the Ed25519 signature over the PAE with
 * libsodium's strictness, §1); completeness (§13: the subject set of §13.4 computed from the
 * entries, each subject's count and chain, every index proof against the checkpoint's
 * `assay-subject-index` root, entries about no subject, prefix proofs against an older checkpoint).
 *
 * Statement validity follows Assay's decoders for every kind: the registry kinds, generic events,
 * lifecycle commitments, EPCIS 2.0 events (CBV vocabularies, identifiers, shapes, sensor reports,
 * Assay's `assay:` extension fields and the ILMD master data they read) and passport data (the
 * Battery Pass parts as their published schemas read, battery status, the ESPR product passport,
 * number literals compared exactly). The default write table of §8 applies (an auditor's policy
 * cannot be given here); the append-time-only rule on future event times is not a stored-entry
 * rule and is not checked, as `assay verify` does not check it.
 *
 * Strings are compared as UTF-16 code units; Swift compares them by canonical equivalence. The two
 * differ only for identifiers, origins or names that are not in Unicode NFC.
 */
(function (root) {
  'use strict';

  // ---------------------------------------------------------------------------------------------
  // Errors

  /** A statement or document error: the field (a decoder path such as `ilmd.x[0]`) and the rule. */
  class ModelError extends Error {
    constructor(field, message) {
      super(message);
      this.field = field || '';
      this.kind = null;
    }
    /** One line as Assay writes it: kind, RFC 6901 pointer of the field, message. */
    get description() {
      const where = this.field ? jsonPointer(this.field) + ': ' : '';
      return (this.kind !== null ? this.kind + ' ' : '') + where + this.message;
    }
  }

  /** A log-format error (notes, checkpoints, proofs, keys) with its one-line message. */
  class LogError extends Error {}

  /** A decoder path (`a.b[0].c`) as an RFC 6901 JSON Pointer (`/a/b/0/c`), as ModelError.pointer. */
  function jsonPointer(field) {
    let out = '';
    let token = '';
    const flush = () => {
      out += '/' + token.replace(/~/g, '~0').replace(/\//g, '~1');
      token = '';
    };
    let inIndex = false;
    let afterIndex = false;
    for (const c of field) {
      if (c === '.' && !inIndex) {
        if (!afterIndex) flush();
      } else if (c === '[' && !inIndex) {
        if (token !== '') flush();
        inIndex = true;
      } else if (c === ']' && inIndex) {
        flush();
        inIndex = false;
      } else {
        token += c;
      }
      afterIndex = c === ']';
    }
    if (token !== '' || !field.endsWith(']')) flush();
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Bytes and encodings

  const textEncoder = new TextEncoder();
  const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

  function utf8(s) { return textEncoder.encode(s); }
  /** Decodes UTF-8, or returns null for invalid UTF-8 (overlongs, surrogates, truncation). */
  function utf8Strict(b) {
    try { return strictDecoder.decode(b); } catch (e) { return null; }
  }
  /** Decodes UTF-8, replacing invalid sequences with U+FFFD (Swift's `String(decoding:as:)`). */
  function utf8Lenient(b) { return lenientDecoder.decode(b); }

  function concat(...parts) {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  function bytesEqual(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function hex(b) {
    let s = '';
    for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
    return s;
  }

  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const B64_VALUE = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

  /** Standard padded base64 (RFC 4648 §4). */
  function b64encode(b) {
    let s = '';
    let i = 0;
    for (; i + 2 < b.length; i += 3) {
      const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
      s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
    }
    if (i + 1 === b.length) {
      const n = b[i] << 16;
      s += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
    } else if (i + 2 === b.length) {
      const n = (b[i] << 16) | (b[i + 1] << 8);
      s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
    }
    return s;
  }

  /**
   * Strict standard base64, as Assay decodes it: padded, alphabet `A–Z a–z 0–9 + /` only, no white
   * space, and canonical (the unused bits of the last character are zero). Null for anything else.
   */
  function b64decode(s) {
    if (typeof s !== 'string' || s.length % 4 !== 0) return null;
    const n = s.length;
    if (n === 0) return new Uint8Array(0);
    const pad = s[n - 1] !== '=' ? 0 : (s[n - 2] === '=' ? 2 : 1);
    const out = new Uint8Array((n / 4) * 3 - pad);
    let o = 0;
    for (let i = 0; i < n; i += 4) {
      const last = i + 4 === n;
      const v = [0, 0, 0, 0];
      for (let k = 0; k < 4; k++) {
        const c = s.charCodeAt(i + k);
        if (last && k >= 4 - pad) {
          if (c !== 61) return null;
          continue;
        }
        const x = c < 128 ? B64_VALUE[c] : -1;
        if (x < 0) return null;
        v[k] = x;
      }
      const triple = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
      if (last && pad === 2) {
        if (v[1] & 15) return null;
        out[o++] = triple >> 16;
      } else if (last && pad === 1) {
        if (v[2] & 3) return null;
        out[o++] = triple >> 16;
        out[o++] = (triple >> 8) & 255;
      } else {
        out[o++] = triple >> 16;
        out[o++] = (triple >> 8) & 255;
        out[o++] = triple & 255;
      }
    }
    return out;
  }

  /** A base64 SHA-256 digest (32 bytes), or null. */
  function digest32(s) {
    const d = b64decode(s);
    return d && d.length === 32 ? d : null;
  }

  function u64be(v) {
    let x = BigInt.asUintN(64, BigInt(v));
    const out = new Uint8Array(8);
    for (let i = 7; i >= 0; i--) { out[i] = Number(x & 255n); x >>= 8n; }
    return out;
  }

  function readU64(b, at) {
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(b[at + i]);
    return v;
  }

  const ZERO32 = new Uint8Array(32);

  // ---------------------------------------------------------------------------------------------
  // SHA-256 (Web Crypto) and the hashes of FORMAT.md §3, §4 and §13.2

  async function sha256(...parts) {
    const data = parts.length === 1 ? parts[0] : concat(...parts);
    return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  }

  const leafHash = (record) => sha256(Uint8Array.of(0x00), record);             // RFC 6962 leaf
  const nodeHash = (l, r) => sha256(Uint8Array.of(0x01), l, r);                 // RFC 6962 node
  const indexKey = (type, name) => sha256(Uint8Array.of(0x10, type), utf8(name)); // §13.2 key
  const indexChain = (prev, leaf) => sha256(Uint8Array.of(0x12), prev, leaf);  // §13.2 chain
  const indexLeaf = (key, count, chain) => sha256(Uint8Array.of(0x11), key, u64be(count), chain);
  const indexNode = (l, r) => sha256(Uint8Array.of(0x13), l, r);

  // ---------------------------------------------------------------------------------------------
  // Strict JSON (RFC 8259) as Assay parses statements and bundles

  /** A JSON number with its literal as written (passport data is judged on the literal, §2.1). */
  class JSONNumber {
    constructor(literal, value) { this.literal = literal; this.value = value; }
    /**
     * Compares with an integer bound (BigInt) exactly, as JSON Schema minimum/maximum: an integer
     * literal by its exact value, any other literal by its double value, compared exactly.
     */
    compare(bound) {
      if (!/[.eE]/.test(this.literal)) {
        const v = BigInt(this.literal);
        return v < bound ? -1 : v === bound ? 0 : 1;
      }
      const fl = BigInt(Math.floor(this.value));
      if (Number.isInteger(this.value)) return fl < bound ? -1 : fl === bound ? 0 : 1;
      return fl < bound ? -1 : 1;
    }
  }

  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof JSONNumber);
  const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

  function typeName(v) {
    if (v === null) return 'null';
    if (v instanceof JSONNumber) return 'number';
    if (typeof v === 'boolean') return 'boolean';
    if (typeof v === 'number') return 'number';
    if (typeof v === 'string') return 'string';
    if (Array.isArray(v)) return 'array';
    return 'object';
  }

  /**
   * Parses JSON bytes strictly: the size limit before parsing, valid UTF-8, the depth limit
   * (containers; the document itself is depth 1), no duplicate member names (compared as Swift
   * compares strings: canonically equivalent names are the same name), no lone surrogates, no
   * leading zeros, no trailing data, finite numbers. Objects come back with a null prototype.
   */
  function parseJSON(bytes, maxBytes, maxDepth, keepNumbers) {
    if (bytes.length > maxBytes) throw new ModelError('', `document is ${bytes.length} bytes, over the limit of ${maxBytes}`);
    const text = utf8Strict(bytes);
    if (text === null) throw new ModelError('', 'document is not valid UTF-8');
    let i = 0;
    let depth = 0;
    const n = text.length;
    // Error offsets are in bytes, as Assay's parser reports them.
    const fail = (what) => new ModelError('', `malformed JSON at byte ${utf8(text.slice(0, i)).length}: ${what}`);
    const space = () => {
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++; else return;
      }
    };
    const enter = () => {
      depth++;
      if (depth > maxDepth) throw new ModelError('', `document nests deeper than ${maxDepth} levels`);
    };
    const hex4 = () => {
      if (i + 4 > n) throw fail('truncated \\u escape');
      const h = text.slice(i, i + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(h)) throw fail('invalid \\u escape');
      i += 4;
      return parseInt(h, 16);
    };
    const str = () => {
      i++;
      let out = '';
      let start = i;
      for (;;) {
        if (i >= n) throw fail('unterminated string');
        const c = text.charCodeAt(i);
        if (c === 0x22) { out += text.slice(start, i); i++; return out; }
        if (c < 0x20) throw fail('control character in string');
        if (c !== 0x5c) { i++; continue; }
        out += text.slice(start, i);
        i++;
        if (i >= n) throw fail('unterminated escape');
        const e = text[i++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const u = hex4();
            if (u >= 0xd800 && u <= 0xdbff) {
              if (!(i + 2 <= n && text[i] === '\\' && text[i + 1] === 'u')) throw fail('lone surrogate in \\u escape');
              i += 2;
              const low = hex4();
              if (!(low >= 0xdc00 && low <= 0xdfff)) throw fail('invalid surrogate pair');
              out += String.fromCharCode(u, low);
            } else if (u >= 0xdc00 && u <= 0xdfff) {
              throw fail('lone surrogate in \\u escape');
            } else {
              out += String.fromCharCode(u);
            }
            break;
          }
          default: throw fail('invalid escape');
        }
        start = i;
      }
    };
    const num = () => {
      const start = i;
      const isDigit = () => i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57;
      if (text[i] === '-') i++;
      if (!isDigit()) throw fail('invalid number');
      if (text[i] === '0') {
        i++;
        if (isDigit()) throw fail('leading zero in number');
      } else {
        while (isDigit()) i++;
      }
      if (text[i] === '.') {
        i++;
        if (!isDigit()) throw fail('invalid fraction');
        while (isDigit()) i++;
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        if (text[i] === '+' || text[i] === '-') i++;
        if (!isDigit()) throw fail('invalid exponent');
        while (isDigit()) i++;
      }
      const lit = text.slice(start, i);
      const v = Number(lit);
      if (!Number.isFinite(v)) throw new ModelError('', `number ${lit.slice(0, 40)} is out of range`);
      return keepNumbers ? new JSONNumber(lit, v) : v;
    };
    const value = () => {
      if (i >= n) throw fail('unexpected end of input');
      const c = text[i];
      if (c === '{') {
        enter();
        i++;
        const out = Object.create(null);
        const names = new Set();
        space();
        if (text[i] === '}') { i++; depth--; return out; }
        for (;;) {
          space();
          if (text[i] !== '"') throw fail('expected a string key');
          const key = str();
          space();
          if (text[i] !== ':') throw fail("expected ':'");
          i++;
          space();
          const v = value();
          const norm = /^[\x00-\x7f]*$/.test(key) ? key : key.normalize('NFC');
          if (names.has(norm)) { const e = new ModelError(key, `duplicate key "${key}"`); throw e; }
          names.add(norm);
          out[key] = v;
          space();
          if (i >= n) throw fail('unterminated object');
          if (text[i] === ',') { i++; continue; }
          if (text[i] === '}') { i++; break; }
          throw fail("expected ',' or '}'");
        }
        depth--;
        return out;
      }
      if (c === '[') {
        enter();
        i++;
        const out = [];
        space();
        if (text[i] === ']') { i++; depth--; return out; }
        for (;;) {
          space();
          out.push(value());
          space();
          if (i >= n) throw fail('unterminated array');
          if (text[i] === ',') { i++; continue; }
          if (text[i] === ']') { i++; break; }
          throw fail("expected ',' or ']'");
        }
        depth--;
        return out;
      }
      if (c === '"') return str();
      if (c === 't' || c === 'f' || c === 'n') {
        const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
        if (text.startsWith(word, i)) { i += word.length; return c === 't' ? true : c === 'f' ? false : null; }
        throw fail('invalid literal');
      }
      if (c === '-' || (c >= '0' && c <= '9')) return num();
      throw fail('unexpected character');
    };
    space();
    if (i >= n) throw fail('document is empty');
    const v = value();
    space();
    if (i !== n) throw fail('unexpected data after the JSON value');
    return v;
  }

  /**
   * Reads one JSON object's members, remembering which were read so unknown members can be
   * refused, and naming the member's path in every error (Assay's ObjectReader). `null` counts as
   * absent for optional members.
   */
  class Reader {
    constructor(value, path) {
      this.path = path || '';
      if (!isObject(value)) throw new ModelError(this.path, `must be an object, found ${typeName(value)}`);
      this.fields = value;
      this.seen = new Set();
    }
    fp(key) { return this.path ? `${this.path}.${key}` : key; }
    has(key) { return has(this.fields, key); }
    optional(key) {
      this.seen.add(key);
      if (!has(this.fields, key)) return undefined;
      const v = this.fields[key];
      return v === null ? undefined : v;
    }
    required(key) {
      const v = this.optional(key);
      if (v === undefined) throw new ModelError(this.fp(key), 'is required');
      return v;
    }
    static str(v, path) {
      if (typeof v !== 'string') throw new ModelError(path, `must be a string, found ${typeName(v)}`);
      return v;
    }
    string(key) { return Reader.str(this.required(key), this.fp(key)); }
    optionalString(key) {
      const v = this.optional(key);
      return v === undefined ? undefined : Reader.str(v, this.fp(key));
    }
    number(key) {
      const v = this.required(key);
      if (typeof v !== 'number') throw new ModelError(this.fp(key), `must be a number, found ${typeName(v)}`);
      return v;
    }
    optionalNumber(key) { return this.optional(key) === undefined ? undefined : this.number(key); }
    array(key, nonEmpty) {
      const v = this.required(key);
      if (!Array.isArray(v)) throw new ModelError(this.fp(key), `must be an array, found ${typeName(v)}`);
      if (nonEmpty && v.length === 0) throw new ModelError(this.fp(key), 'must not be empty');
      return v;
    }
    optionalArray(key, nonEmpty) { return this.optional(key) === undefined ? undefined : this.array(key, nonEmpty); }
    stringArray(key, nonEmpty) { return this.array(key, nonEmpty).map((v, i) => Reader.str(v, `${this.fp(key)}[${i}]`)); }
    optionalStringArray(key, nonEmpty) { return this.optional(key) === undefined ? undefined : this.stringArray(key, nonEmpty); }
    object(key) { return new Reader(this.required(key), this.fp(key)); }
    optionalObject(key) {
      const v = this.optional(key);
      return v === undefined ? undefined : new Reader(v, this.fp(key));
    }
    timestamp(key) { return parseTimestamp(this.string(key), this.fp(key)); }
    optionalTimestamp(key) {
      const s = this.optionalString(key);
      return s === undefined ? undefined : parseTimestamp(s, this.fp(key));
    }
    enumValue(key, allowed) {
      const s = this.string(key);
      if (!allowed.includes(s)) throw new ModelError(this.fp(key), `"${s}" is not one of: ${allowed.join(', ')}`);
      return s;
    }
    /** Refuses members not read; with `allowExtensions`, `prefix:name` and `@…` members pass. */
    finish(allowExtensions) {
      for (const key of Object.keys(this.fields).sort(compareCodePoints)) {
        if (this.seen.has(key)) continue;
        if (allowExtensions && (key.includes(':') || key.startsWith('@'))) continue;
        throw new ModelError(this.fp(key), 'is not a field of this statement');
      }
    }
  }

  /** Orders strings by Unicode code points (UTF-8 byte order), as Swift orders ASCII strings. */
  function compareCodePoints(a, b) {
    if (a === b) return 0;
    const x = Array.from(a);
    const y = Array.from(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Text rules shared by the statement decoders

  const WHITE_SPACE = /\p{White_Space}/u;
  const ONLY_WHITE_SPACE = /^\p{White_Space}*$/u;
  const NEWLINE = /[\n\r\v\f\u0085\u2028\u2029]/;

  /** A number as Swift writes a Double in messages (`5.0`, `1.5`). */
  function formatDouble(v) { return Number.isInteger(v) && Math.abs(v) < 1e16 ? (Object.is(v, -0) ? '-0.0' : v.toFixed(1)) : String(v); }

  function chars(s, n) {
    const a = Array.from(s);
    return a.length > n ? a.slice(0, n).join('') : s;
  }
  /** A value in double quotes for messages, cut to 80 characters. */
  function quoted(s) {
    const a = Array.from(s);
    return a.length > 80 ? `"${a.slice(0, 80).join('')}…"` : `"${s}"`;
  }

  /** `scheme:rest` with an RFC 3986 scheme, something after the colon and no white space. */
  function isAbsoluteURI(s) {
    const colon = s.indexOf(':');
    if (colon <= 0) return false;
    if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(s.slice(0, colon))) return false;
    return colon + 1 < s.length && !WHITE_SPACE.test(s);
  }

  function isNFC(s) { return /^[\x00-\x7f]*$/.test(s) || s.normalize('NFC') === s; }

  function nonEmpty(s, field, max) {
    if (ONLY_WHITE_SPACE.test(s)) throw new ModelError(field, 'must not be empty');
    const limit = max === undefined ? 1024 : max;
    if (utf8(s).length > limit) throw new ModelError(field, `is longer than ${limit} bytes`);
    return s;
  }

  function checkNFC(s, field) {
    if (!isNFC(s)) throw new ModelError(field, 'is not in Unicode Normalization Form C (NFC): write it composed, so that it has one spelling');
  }

  function daysInMonth(y, m) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  }

  function daysFromCivil(y0, m, d) {
    const y = m <= 2 ? y0 - 1 : y0;
    const era = Math.trunc((y >= 0 ? y : y - 399) / 400);
    const yoe = y - era * 400;
    const doy = Math.trunc((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.trunc(yoe / 4) - Math.trunc(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }

  function civilFromDays(z0) {
    const z = z0 + 719468;
    const era = Math.trunc((z >= 0 ? z : z - 146096) / 146097);
    const doe = z - era * 146097;
    const yoe = Math.trunc((doe - Math.trunc(doe / 1460) + Math.trunc(doe / 36524) - Math.trunc(doe / 146096)) / 365);
    const y = yoe + era * 400;
    const doy = doe - (365 * yoe + Math.trunc(yoe / 4) - Math.trunc(yoe / 100));
    const mp = Math.trunc((5 * doy + 2) / 153);
    const d = doy - Math.trunc((153 * mp + 2) / 5) + 1;
    const m = mp + (mp < 10 ? 3 : -9);
    return [m <= 2 ? y + 1 : y, m, d];
  }

  /**
   * An RFC 3339 date-time with a mandatory offset, as milliseconds since the epoch (a BigInt):
   * a finer fraction is truncated to whole milliseconds, a leap second (`:60`) counts as `:59`.
   */
  function parseTimestamp(text, field) {
    const b = utf8(text);
    const bad = (why) => new ModelError(field, `"${chars(text, 40)}" is not an RFC 3339 date-time with offset: ${why}`);
    const num = (from, len) => {
      if (from + len > b.length) return null;
      let v = 0;
      for (let k = from; k < from + len; k++) {
        if (b[k] < 48 || b[k] > 57) return null;
        v = v * 10 + (b[k] - 48);
      }
      return v;
    };
    const y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2);
    if (!(b.length >= 20 && y !== null && b[4] === 45 && mo !== null && b[7] === 45 && d !== null &&
          (b[10] === 84 || b[10] === 116) && h !== null && b[13] === 58 && mi !== null && b[16] === 58 && s !== null)) {
      throw bad('expected YYYY-MM-DDTHH:MM:SS');
    }
    if (mo < 1 || mo > 12) throw bad('month out of range');
    if (d < 1 || d > daysInMonth(y, mo)) throw bad('day out of range');
    if (h >= 24 || mi >= 60 || s > 60) throw bad('time out of range');
    let k = 19;
    let millis = 0;
    if (k < b.length && b[k] === 46) {
      k++;
      const start = k;
      while (k < b.length && b[k] >= 48 && b[k] <= 57) k++;
      if (k === start) throw bad('empty fraction');
      const digits = (utf8Lenient(b.subarray(start, Math.min(k, start + 3))) + '000').slice(0, 3);
      millis = Number(digits);
    }
    if (k >= b.length) throw bad('missing zone offset (Z or ±HH:MM)');
    let offset = 0;
    if (b[k] === 90 || b[k] === 122) {
      k++;
    } else if (b[k] === 43 || b[k] === 45) {
      const oh = num(k + 1, 2), om = num(k + 4, 2);
      if (!(oh !== null && k + 3 < b.length && b[k + 3] === 58 && om !== null && oh < 24 && om < 60)) throw bad('malformed zone offset');
      offset = (oh * 60 + om) * (b[k] === 45 ? -1 : 1);
      k += 6;
    } else {
      throw bad('missing zone offset (Z or ±HH:MM)');
    }
    if (k !== b.length) throw bad('trailing characters');
    const secs = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + Math.min(s, 59) - offset * 60;
    return { text, millis: BigInt(secs) * 1000n + BigInt(millis), offsetMinutes: offset };
  }

  /** A UTC time from milliseconds, as Assay writes one (`2026-05-01T10:00:00.250Z`). */
  function formatMillis(ms) {
    const m = BigInt(ms);
    const secs = m >= 0n ? m / 1000n : (m - 999n) / 1000n;
    const frac = Number(m - secs * 1000n);
    const days = Number(secs >= 0n ? secs / 86400n : (secs - 86399n) / 86400n);
    const rem = Number(secs - BigInt(days) * 86400n);
    const [y, mo, d] = civilFromDays(days);
    const p = (v, w) => String(v).padStart(w, '0');
    return `${p(y, 4)}-${p(mo, 2)}-${p(d, 2)}T${p(Math.trunc(rem / 3600), 2)}:${p(Math.trunc(rem / 60) % 60, 2)}:${p(rem % 60, 2)}` +
      (frac === 0 ? '' : '.' + p(frac, 3)) + 'Z';
  }

  function validateZoneOffset(s, field) {
    if (!/^[+-]\d\d:\d\d$/.test(s) || Number(s.slice(1, 3)) > 14 || Number(s.slice(4, 6)) >= 60) {
      throw new ModelError(field, `"${chars(s, 20)}" is not a zone offset of the form ±HH:MM`);
    }
  }

  function readEventTime(r) {
    const t = r.timestamp('eventTime');
    validateZoneOffset(r.string('eventTimeZoneOffset'), r.fp('eventTimeZoneOffset'));
    return t;
  }

  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

  function checkDate(s, field) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!m) throw new ModelError(field, `${quoted(s)} is not a date of the form YYYY-MM-DD`);
    const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    if (mo < 1 || mo > 12) throw new ModelError(field, `${s} is not a calendar date: month ${mo} is outside 1…12`);
    const days = daysInMonth(y, mo);
    if (d < 1 || d > days) throw new ModelError(field, `${s} is not a calendar date: ${MONTHS[mo - 1]} ${y} has ${days} days`);
  }

  function checkDigest(s, field) {
    if (/^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/.test(s)) return;
    throw new ModelError(field, `"${chars(s, 80)}" is not a digest of the form sha256:<64 lower-case hex digits>`);
  }

  const COUNTRIES = new Set((
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' '));

  function checkCountryCode(s, field) {
    if (!/^[A-Z]{2}$/.test(s)) {
      const upper = s.toUpperCase();
      const hint = upper !== s && COUNTRIES.has(upper) ? ` (codes are written in upper case: "${upper}")` : '';
      throw new ModelError(field, `${quoted(s)} is not an ISO 3166-1 alpha-2 country code: two upper-case letters expected${hint}`);
    }
    if (!COUNTRIES.has(s)) throw new ModelError(field, `"${s}" is not an assigned ISO 3166-1 alpha-2 country code`);
  }

  /** FORMAT.md §2.2: P, then optionally <n>Y, then optionally <n>M, n of 1–4 digits, not all zero. */
  function checkYearMonthDuration(s, field) {
    const bad = (why) => new ModelError(field, `${quoted(s)} is not an ISO 8601 duration of years and months (P7Y, P5Y6M, P18M): ${why}`);
    const b = utf8(s);
    if (b[0] !== 0x50) throw bad('it must start with P');
    let k = 1;
    const parts = new Map();
    const order = [];
    while (k < b.length) {
      let e = k;
      while (e < b.length && b[e] >= 48 && b[e] <= 57) e++;
      if (e === k) throw bad('a number must come before each of Y and M');
      if (e - k > 4) throw bad('at most four digits per part');
      const digits = utf8Lenient(b.subarray(k, e));
      if (e >= b.length) throw bad(`the number ${digits} has no Y or M after it`);
      const designator = b[e];
      if (designator !== 0x59 && designator !== 0x4d) throw bad(`only years (Y) and months (M) are allowed, not ${quoted(utf8Lenient(b.subarray(e, e + 1)))}`);
      if (parts.has(designator) || order[order.length - 1] === 0x4d) throw bad('years come first, then months, each once');
      parts.set(designator, Number(digits));
      order.push(designator);
      k = e + 1;
    }
    if (order.length === 0) throw bad('it gives neither years nor months');
    if ((parts.get(0x59) || 0) + (parts.get(0x4d) || 0) === 0) throw bad('it must be longer than zero');
  }

  // ---------------------------------------------------------------------------------------------
  // GS1 identifiers (FORMAT.md §2: EPC URNs and Digital Links, compared as the Digital Link on
  // id.gs1.org, check digits verified)

  function gs1CheckDigit(body) {
    let sum = 0;
    let weight = 3;
    for (let k = body.length - 1; k >= 0; k--) {
      sum += (body.charCodeAt(k) - 48) * weight;
      weight = 4 - weight;
    }
    return (10 - (sum % 10)) % 10;
  }

  const isDigits = (s) => /^[0-9]+$/.test(s);

  function validateKeyDigits(text, key, kind, lengths, field) {
    if (!isDigits(text)) throw new ModelError(field, `${key} ${quoted(text)} must consist of digits only`);
    if (!lengths.includes(text.length)) {
      const list = lengths.length === 1 ? `${lengths[0]}` : `${lengths.slice(0, -1).join(', ')} or ${lengths[lengths.length - 1]}`;
      throw new ModelError(field, `${key} ${quoted(text)} has ${text.length} digits; ${kind} has ${list}`);
    }
    const expected = gs1CheckDigit(text.slice(0, -1));
    const found = text.charCodeAt(text.length - 1) - 48;
    if (found !== expected) throw new ModelError(field, `${key} ${text} has check digit ${found}, expected ${expected}`);
  }

  const CHAR82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]$/;
  const isChar82 = (c) => c < 0x80 && CHAR82.test(String.fromCharCode(c));

  function validateEncodable82(value, name, field) {
    if (value === '') throw new ModelError(field, `${name} must not be empty`);
    for (const ch of value) {
      if (!(ch.codePointAt(0) < 0x80 && CHAR82.test(ch))) {
        const cp = ch.codePointAt(0);
        const shown = cp > 0x20 && cp < 0x7f ? `"${ch}"` : 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
        throw new ModelError(field, `${name} ${quoted(value)} contains ${shown}, which is outside the GS1 AI encodable character set 82`);
      }
    }
    if (utf8(value).length > 20) throw new ModelError(field, `${name} ${quoted(value)} is ${utf8(value).length} characters long, at most 20 allowed`);
  }

  function checkExtension(ext, field) {
    validateEncodable82(ext, 'GLN extension (AI 254)', field);
    if (ext === '0') throw new ModelError(field, 'GLN extension "0" is reserved: in an EPC URN it means no extension; omit the extension instead');
  }

  const gtin14 = (text, field) => {
    validateKeyDigits(text, 'GTIN', 'a GTIN', [8, 12, 13, 14], field);
    return text.padStart(14, '0');
  };

  /** A GS1 key from its EPC parts (company prefix, then the rest), with its computed check digit. */
  function keyDigits(companyPrefix, rest, bodyLength, leadDigitFirst, partName, partPhrase, needs, field) {
    if (!isDigits(companyPrefix)) throw new ModelError(field, `GS1 company prefix ${quoted(companyPrefix)} must consist of digits only`);
    if (companyPrefix.length < 6 || companyPrefix.length > 12) {
      throw new ModelError(field, `GS1 company prefix ${companyPrefix} has ${companyPrefix.length} digits; it must have 6 to 12`);
    }
    if (!/^[0-9]*$/.test(rest) || (leadDigitFirst && rest === '')) throw new ModelError(field, `${partName} ${quoted(rest)} must consist of digits only`);
    const total = companyPrefix.length + rest.length;
    if (total !== bodyLength) throw new ModelError(field, `company prefix ${companyPrefix} and ${partPhrase} ${rest} have ${total} digits together; ${needs}`);
    const body = leadDigitFirst ? rest.slice(0, 1) + companyPrefix + rest.slice(1) : companyPrefix + rest;
    return body + gs1CheckDigit(body);
  }

  function percentEncode(s) {
    let out = '';
    for (const c of utf8(s)) {
      const ch = String.fromCharCode(c);
      out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : '%' + c.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
  }

  /** The canonical text of a parsed GS1 key: its Digital Link on https://id.gs1.org. */
  function digitalLink(key) {
    const stem = 'https://id.gs1.org';
    switch (key.kind) {
      case 'item': return `${stem}/01/${key.gtin}/21/${percentEncode(key.serial)}`;
      case 'batch': return `${stem}/01/${key.gtin}/10/${percentEncode(key.lot)}`;
      case 'class': return `${stem}/01/${key.gtin}`;
      case 'location': return key.ext === null ? `${stem}/414/${key.gln}` : `${stem}/414/${key.gln}/254/${percentEncode(key.ext)}`;
      case 'party': return `${stem}/417/${key.gln}`;
      default: return `${stem}/00/${key.sscc}`;
    }
  }

  const SUPPORTED_PATHS = ['01', '01/21', '01/10', '01/10/21', '414', '414/254', '417', '00'];
  const OTHER_PRIMARY_KEYS = { 253: 'GDTI', 255: 'GCN', 401: 'GINC', 402: 'GSIN', 8003: 'GRAI', 8004: 'GIAI', 8006: 'ITIP', 8010: 'CPID', 8013: 'GMN', 8017: 'GSRNP', 8018: 'GSRN' };

  function isPathByte(c) {
    return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || '-._~!$&\'()*+,;=:@'.includes(String.fromCharCode(c));
  }
  const hexValue = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

  /** Parses a GS1 Digital Link URI (any host, optional path prefix) into its key. */
  function parseDigitalLink(text, field) {
    const bad = (why) => new ModelError(field, `Digital Link ${quoted(text)} ${why}`);
    const b = utf8(text);
    const head = chars(text, 8).toLowerCase();
    let start;
    if (head.startsWith('https://')) start = 8;
    else if (head.startsWith('http://')) start = 7;
    else throw bad('must start with https://');
    if (b.includes(0x3f) || b.includes(0x23)) throw bad('must not carry a query string or fragment: an identifier is the path alone');
    let pathStart = b.indexOf(0x2f, start);
    if (pathStart < 0) pathStart = b.length;
    const authority = b.subarray(start, pathStart);
    if (authority.includes(0x40)) throw bad('must not carry user information (…@) before the host');
    const colon = authority.indexOf(0x3a);
    const host = colon < 0 ? authority : authority.subarray(0, colon);
    const isHostByte = (c) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 48 && c <= 57) || c === 0x2d || c === 0x2e;
    if (host.length === 0 || !host.every(isHostByte) || host[0] === 0x2e || host[host.length - 1] === 0x2e) {
      throw bad('has no valid host name (letters, digits, dots and hyphens)');
    }
    if (colon >= 0) {
      const port = authority.subarray(colon + 1);
      if (port.length === 0 || port.length > 5 || !port.every((c) => c >= 48 && c <= 57)) throw bad('has an invalid port');
    }
    if (pathStart >= b.length) throw bad('has no path: expected a GS1 key such as /01/{GTIN}');
    const raw = [];
    let s = pathStart + 1;
    for (let k = pathStart + 1; k <= b.length; k++) {
      if (k === b.length || b[k] === 0x2f) { raw.push(b.subarray(s, k)); s = k + 1; }
    }
    if (raw.some((r) => r.length === 0)) throw bad('has an empty path segment (// or a trailing /)');
    const segments = raw.map((seg) => {
      const out = [];
      for (let k = 0; k < seg.length;) {
        const c = seg[k];
        if (c === 0x25) {
          if (!(k + 2 < seg.length + 0 && hexValue(seg[k + 1]) >= 0 && hexValue(seg[k + 2]) >= 0)) {
            throw bad('has a malformed percent-escape (% must be followed by two hex digits)');
          }
          out.push((hexValue(seg[k + 1]) << 4) | hexValue(seg[k + 2]));
          k += 3;
        } else {
          if (!isPathByte(c)) {
            const shown = c < 0x80 ? (c > 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : 'U+' + c.toString(16).toUpperCase().padStart(4, '0')) : 'a non-ASCII character';
            throw bad(`contains ${shown}, which must be percent-encoded in a URI path`);
          }
          out.push(c);
          k++;
        }
      }
      return utf8Lenient(Uint8Array.from(out));
    });
    const n = segments.length;
    for (const length of [6, 4, 2]) {
      if (length > n) continue;
      const tail = segments.slice(n - length);
      const ais = tail.filter((_, k) => k % 2 === 0);
      if (!SUPPORTED_PATHS.includes(ais.join('/'))) continue;
      const values = tail.filter((_, k) => k % 2 === 1);
      return gs1Key(ais, values, field);
    }
    for (let k = n - 2; k >= 0; k--) {
      const name = OTHER_PRIMARY_KEYS[segments[k]];
      if (name && /^[0-9]+$/.test(segments[k])) {
        throw bad(`uses GS1 key AI ${segments[k]} (${name}), which Assay does not identify things by: use GTIN (AI 01), GLN (AI 414, 417) or SSCC (AI 00)`);
      }
      if (segments[k] === '22' && k >= 2 && segments[k - 2] === '01') throw bad('uses AI 22 (consumer product variant), which Assay does not support');
    }
    throw bad('does not end in a GS1 key path Assay supports: /01/{GTIN}[/10/{lot}][/21/{serial}], /414/{GLN}[/254/{extension}], /417/{GLN} or /00/{SSCC}');
  }

  function gs1Key(ais, values, field) {
    switch (ais[0]) {
      case '01': {
        const gtin = gtin14(values[0], field);
        if (ais.length === 1) return { kind: 'class', gtin };
        if (ais.length === 2 && ais[1] === '10') {
          validateEncodable82(values[1], 'lot (AI 10)', field);
          return { kind: 'batch', gtin, lot: values[1] };
        }
        if (ais[1] === '10') validateEncodable82(values[1], 'lot (AI 10)', field);
        const serial = values[values.length - 1];
        validateEncodable82(serial, 'serial (AI 21)', field);
        return { kind: 'item', gtin, serial };
      }
      case '414': {
        validateKeyDigits(values[0], 'GLN', 'a GLN', [13], field);
        if (ais.length === 2) {
          checkExtension(values[1], field);
          return { kind: 'location', gln: values[0], ext: values[1] };
        }
        return { kind: 'location', gln: values[0], ext: null };
      }
      case '417':
        validateKeyDigits(values[0], 'GLN', 'a GLN', [13], field);
        return { kind: 'party', gln: values[0] };
      default:
        validateKeyDigits(values[0], 'SSCC', 'an SSCC', [18], field);
        return { kind: 'sscc', sscc: values[0] };
    }
  }

  const URN_ESCAPES = { 0x22: '%22', 0x25: '%25', 0x26: '%26', 0x2f: '%2F', 0x3c: '%3C', 0x3e: '%3E', 0x3f: '%3F' };

  function decodeURNComponent(s, name, field) {
    const b = utf8(s);
    const out = [];
    for (let k = 0; k < b.length;) {
      const c = b[k];
      if (c === 0x25) {
        if (!(k + 2 < b.length && hexValue(b[k + 1]) >= 0 && hexValue(b[k + 2]) >= 0)) {
          throw new ModelError(field, `${name} ${quoted(s)} has a malformed escape (% must be followed by two hex digits)`);
        }
        out.push((hexValue(b[k + 1]) << 4) | hexValue(b[k + 2]));
        k += 3;
        continue;
      }
      if (URN_ESCAPES[c]) throw new ModelError(field, `${name} ${quoted(s)} contains "${String.fromCharCode(c)}", which an EPC URN must escape as ${URN_ESCAPES[c]}`);
      if (!isChar82(c)) {
        const shown = c < 0x80 ? (c > 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : 'U+' + c.toString(16).toUpperCase().padStart(4, '0')) : 'a non-ASCII character';
        throw new ModelError(field, `${name} ${quoted(s)} contains ${shown}, which is outside the GS1 AI encodable character set 82`);
      }
      out.push(c);
      k++;
    }
    const decoded = utf8Lenient(Uint8Array.from(out));
    validateEncodable82(decoded, name, field);
    return decoded;
  }

  /** Parses an EPC pure-identity URN (sgtin, lgtin class, sgtin idpat, sgln, pgln, sscc). */
  function parseEPCURN(text, field) {
    const bad = (why) => new ModelError(field, `EPC URN ${quoted(text)} ${why}`);
    if (chars(text, 8).toLowerCase() !== 'urn:epc:') throw bad('must start with urn:epc:');
    const restText = Array.from(text).slice(8).join('');
    const first = restText.indexOf(':');
    const second = first < 0 ? -1 : restText.indexOf(':', first + 1);
    const parts = first < 0 ? [restText] : second < 0 ? [restText.slice(0, first), restText.slice(first + 1)]
      : [restText.slice(0, first), restText.slice(first + 1, second), restText.slice(second + 1)];
    const category = parts[0].toLowerCase();
    if (category === 'tag' || category === 'raw') throw bad(`is an EPC ${category} encoding, not a pure identity: use the urn:epc:id: form`);
    if (parts.length !== 3) throw bad('must have the form urn:epc:id:{scheme}:{value}');
    const scheme = parts[1].toLowerCase();
    const body = parts[2];
    const components = (count, form) => {
      const c = [];
      let rest = body;
      while (c.length < count - 1) {
        const dot = rest.indexOf('.');
        if (dot < 0) break;
        c.push(rest.slice(0, dot));
        rest = rest.slice(dot + 1);
      }
      c.push(rest);
      if (c.length !== count) throw bad(`must have ${count} dot-separated parts: ${form}`);
      return c;
    };
    const pair = `${category}:${scheme}`;
    if (pair === 'id:sgtin' || pair === 'class:lgtin' || pair === 'idpat:sgtin') {
      const form = category === 'idpat' ? '{company prefix}.{indicator and item reference}.*'
        : `{company prefix}.{indicator and item reference}.{${category === 'id' ? 'serial' : 'lot'}}`;
      const c = components(3, form);
      const gtin = keyDigits(c[0], c[1], 13, true, 'indicator and item reference', 'indicator with item reference', 'an SGTIN needs 13', field);
      if (category === 'id') return { kind: 'item', gtin, serial: decodeURNComponent(c[2], 'serial (AI 21)', field) };
      if (category === 'class') return { kind: 'batch', gtin, lot: decodeURNComponent(c[2], 'lot (AI 10)', field) };
      if (c[2] !== '*') throw bad('is not a product class pattern: only {company prefix}.{indicator and item reference}.* is supported');
      return { kind: 'class', gtin };
    }
    if (pair === 'id:sgln') {
      const c = components(3, '{company prefix}.{location reference}.{extension}');
      const gln = keyDigits(c[0], c[1], 12, false, 'location or party reference', 'reference', 'a GLN needs 12 before its check digit', field);
      const ext = c[2] === '0' ? null : decodeURNComponent(c[2], 'GLN extension (AI 254)', field);
      if (ext !== null) checkExtension(ext, field);
      return { kind: 'location', gln, ext };
    }
    if (pair === 'id:pgln') {
      const c = components(2, '{company prefix}.{party reference}');
      if (c[1].includes('.')) throw bad('must have 2 dot-separated parts: {company prefix}.{party reference}');
      return { kind: 'party', gln: keyDigits(c[0], c[1], 12, false, 'location or party reference', 'reference', 'a GLN needs 12 before its check digit', field) };
    }
    if (pair === 'id:sscc') {
      const c = components(2, '{company prefix}.{extension digit and serial reference}');
      if (c[1].includes('.')) throw bad('must have 2 dot-separated parts: {company prefix}.{extension digit and serial reference}');
      return { kind: 'sscc', sscc: keyDigits(c[0], c[1], 17, true, 'extension and serial reference', 'extension with serial reference', 'an SSCC needs 17 before its check digit', field) };
    }
    if (category === 'id' || category === 'class' || category === 'idpat') {
      throw bad(`uses the EPC scheme ${scheme}, which Assay does not identify things by: use sgtin, lgtin (class), sgln, pgln or sscc`);
    }
    throw bad(`has the unknown EPC category ${category}: expected id, class or idpat`);
  }

  /** Parses either form of GS1 identifier; throws ModelError naming the rule broken. */
  function parseGS1(text, field) {
    const head = chars(text, 8).toLowerCase();
    if (head.startsWith('urn:')) return parseEPCURN(text, field);
    if (head.startsWith('https://') || head.startsWith('http://')) return parseDigitalLink(text, field);
    throw new ModelError(field, `${quoted(text)} is neither a GS1 Digital Link URI (https://…) nor an EPC URN (urn:epc:…)`);
  }
  function tryGS1(text) {
    try { return parseGS1(text, ''); } catch (e) { return null; }
  }

  const GS1_URN_PREFIXES = ['urn:epc:id:sgtin:', 'urn:epc:class:lgtin:', 'urn:epc:idpat:sgtin:', 'urn:epc:id:sgln:', 'urn:epc:id:pgln:', 'urn:epc:id:sscc:'];
  const DL_KEY_LENGTHS = { '01': [8, 12, 13, 14], 414: [13], 417: [13], '00': [18] };

  /**
   * Whether `s` is written as a GS1 identifier (and so must be valid as one): one of the EPC URN
   * prefixes above (as written, lower case), any URI on id.gs1.org, or an http(s) URI elsewhere
   * whose path has a primary-key segment (01, 414, 417, 00) followed by a value of that key's
   * length in ASCII digits. Anything else is an opaque identifier compared as written.
   */
  function isGS1Form(s) {
    // The URN prefix in any ASCII case (RFC 8141: `urn` and the namespace are case-insensitive;
    // the EPC parser reads category and scheme in any case).
    const head = s.slice(0, 20).replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (GS1_URN_PREFIXES.some((p) => head.startsWith(p))) return true;
    const lower = chars(s, 8).toLowerCase();
    if (!(lower.startsWith('https://') || lower.startsWith('http://'))) return false;
    const slash = s.indexOf('/');
    const afterScheme = slash < 0 ? '' : s.slice(slash + 2);
    const hostEnd = afterScheme.search(/[/?#]/);
    if ((hostEnd < 0 ? afterScheme : afterScheme.slice(0, hostEnd)).toLowerCase() === 'id.gs1.org') return true;
    const pathAt = afterScheme.indexOf('/');
    const path = pathAt < 0 ? '' : afterScheme.slice(pathAt);
    const stop = path.search(/[?#]/);
    const segments = (stop < 0 ? path : path.slice(0, stop)).split('/').filter((x) => x !== '');
    for (let k = 0; k + 1 < segments.length; k++) {
      const lengths = has(DL_KEY_LENGTHS, segments[k]) ? DL_KEY_LENGTHS[segments[k]] : null;
      if (!lengths) continue;
      const value = segments[k + 1];
      if (!/^[0-9]+$/.test(value)) continue;
      if (s.toLowerCase().startsWith('https://id.gs1.org/') || lengths.includes(value.length)) return true;
    }
    return false;
  }

  const CANONICAL_TRADE_ITEM = /^https:\/\/id\.gs1\.org\/01\/([0-9]{14})(?:\/(?:21|10)\/[A-Za-z0-9\-._]{1,20})?$/;

  /** The form identifiers are indexed and compared in (FORMAT.md §2). */
  function canonicalSubject(s) {
    const m = CANONICAL_TRADE_ITEM.exec(s);
    if (m && gs1CheckDigit(m[1].slice(0, 13)) === m[1].charCodeAt(13) - 48) return s;
    if (!isGS1Form(s)) return s;
    const k = tryGS1(s);
    return k ? digitalLink(k) : s;
  }

  const allNumeric = (s) => s !== '' && /^\p{N}+$/u.test(s);

  /** A product model in canonical form: bare GTIN digits become the class Digital Link. */
  function canonicalModel(s) {
    if (allNumeric(s) && isDigits(s)) {
      try { return digitalLink({ kind: 'class', gtin: gtin14(s, '') }); } catch (e) { /* not a GTIN */ }
    }
    return canonicalSubject(s);
  }

  /** The product class `…/01/{GTIN}` of an item, batch or class; null otherwise. */
  function productModel(id) {
    const k = tryGS1(id);
    return k && (k.kind === 'item' || k.kind === 'batch' || k.kind === 'class') ? digitalLink({ kind: 'class', gtin: k.gtin }) : null;
  }

  /** Whether an identifier names one serialised item (SGTIN or SSCC). */
  function isSerialisedItem(id) {
    const k = tryGS1(id);
    return !!k && (k.kind === 'item' || k.kind === 'sscc');
  }

  function checkGS1IfApplicable(s, field) { if (isGS1Form(s)) parseGS1(s, field); }
  function checkObjectIdentifier(s, field) {
    if (!isAbsoluteURI(s)) throw new ModelError(field, `"${chars(s, 80)}" is not an identifier URI`);
    checkGS1IfApplicable(s, field);
  }
  function checkLocationIdentifier(s, field) {
    if (!isAbsoluteURI(s)) throw new ModelError(field, `"${chars(s, 80)}" is not a location identifier URI`);
    checkGS1IfApplicable(s, field);
  }
  function checkPartyIdentifier(s, field) {
    if (!isAbsoluteURI(s)) throw new ModelError(field, `"${chars(s, 80)}" is not a party identifier URI`);
    checkGS1IfApplicable(s, field);
  }
  function checkModelIdentifier(s, field) {
    if (s === '' || allNumeric(s)) { gtin14(s, field); return; }
    const k = parseGS1(s, field);
    if (k.kind !== 'class') throw new ModelError(field, `a model is a GTIN or a product-class Digital Link (…/01/{GTIN}), not ${digitalLink(k)}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Identifier scopes (FORMAT.md §10)

  /** Parses a scope: `gs1:<company prefix>`, a GS1 identifier, or a URI prefix ending in / : #. */
  function parseScope(s, field) {
    if (s.startsWith('gs1:')) {
      const digits = s.slice(4);
      if (!/^[0-9]{4,12}$/.test(digits)) throw new ModelError(field, 'a GS1 company prefix scope is gs1: followed by 4 to 12 ASCII digits');
      return { kind: 'prefix', value: digits, text: s };
    }
    if (isGS1Form(s)) {
      const canonical = digitalLink(parseGS1(s, field));
      return { kind: 'gs1', value: canonical, text: canonical };
    }
    const last = s[s.length - 1];
    if (!(isAbsoluteURI(s) && (last === '/' || last === ':' || last === '#'))) {
      throw new ModelError(field, `"${chars(s, 80)}" is not a scope: gs1:<company prefix>, a GS1 identifier, or a URI prefix ending in /, : or #`);
    }
    const lower = s.toLowerCase();
    if (lower.startsWith('http://') || lower.startsWith('https://')) {
      const afterScheme = s.slice(s.indexOf('/') + 2);
      const slash = afterScheme.indexOf('/');
      const host = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
      if (host === '' || slash < 0) throw new ModelError(field, 'an http(s) scope must name a host and end with a path "/" (https://parts.example/)');
      if (host.toLowerCase() === 'id.gs1.org') {
        throw new ModelError(field, 'identifiers on id.gs1.org are GS1 keys: scope them with gs1:<company prefix> or the identifier itself');
      }
    } else if (s.split(':').filter((x) => x !== '').length < 2) {
      throw new ModelError(field, 'a URI scope must name more than its scheme (urn:example:parts:)');
    }
    return { kind: 'uri', value: s, text: s };
  }

  function companyPrefixPosition(k) {
    switch (k.kind) {
      case 'item': case 'batch': case 'class': return k.gtin.slice(1);
      case 'location': case 'party': return k.gln;
      default: return k.sscc.slice(1);
    }
  }

  /** Whether `scope` covers `identifier` (any accepted spelling). */
  function scopeCovers(scope, identifier) {
    const canonical = canonicalSubject(identifier);
    const k = isGS1Form(canonical) ? tryGS1(canonical) : null;
    if (scope.kind === 'uri') return k === null && bytesStartWith(canonical, scope.value);
    if (k === null) return false;
    if (scope.kind === 'prefix') return companyPrefixPosition(k).startsWith(scope.value);
    if (digitalLink(k) === scope.value) return true;
    const sk = tryGS1(scope.value);
    return !!sk && sk.kind === 'class' && (k.kind === 'item' || k.kind === 'batch') && k.gtin === sk.gtin;
  }

  /** Whether everything `b` covers is covered by `a` (for delegations). */
  function scopeContains(a, b) {
    if (a.kind === 'prefix' && b.kind === 'prefix') return b.value.startsWith(a.value);
    if ((a.kind === 'prefix' || a.kind === 'gs1') && b.kind === 'gs1') return scopeCovers(a, b.value);
    if (a.kind === 'uri' && b.kind === 'uri') return bytesStartWith(b.value, a.value);
    return false;
  }

  function bytesStartWith(s, prefix) {
    const a = utf8(s), p = utf8(prefix);
    return a.length >= p.length && bytesEqual(a.subarray(0, p.length), p);
  }

  // ---------------------------------------------------------------------------------------------
  // Ed25519 as libsodium 1.0.18 accepts it (FORMAT.md §1). Web Crypto checks the equation; the
  // encodings and small-order rules libsodium adds are checked here, with BigInt arithmetic.

  const ED_P = (1n << 255n) - 19n;
  const ED_L = (1n << 252n) + 27742317777372353535851937790883648493n;
  const fmod = (a) => { const r = a % ED_P; return r >= 0n ? r : r + ED_P; };
  function fpow(b, e) {
    let r = 1n;
    b = fmod(b);
    while (e > 0n) {
      if (e & 1n) r = (r * b) % ED_P;
      b = (b * b) % ED_P;
      e >>= 1n;
    }
    return r;
  }
  const ED_D = fmod(-121665n * fpow(121666n, ED_P - 2n));
  const ED_SQRT_M1 = fpow(2n, (ED_P - 1n) / 4n);
  // The y-coordinates of the order-8 points (libsodium's blocklist comments).
  const ED_Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
  /** Encodings (bit 255 ignored) of points of small order, as libsodium's `ge25519_has_small_order`. */
  const ED_SMALL_ORDER_Y = [0n, 1n, ED_Y8, ED_P - ED_Y8, ED_P - 1n, ED_P, ED_P + 1n];

  function leInt(b) {
    let v = 0n;
    for (let k = b.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
    return v;
  }
  const encodedY = (b) => leInt(b) & ((1n << 255n) - 1n);
  /** libsodium `ge25519_is_canonical`: the encoded y (bit 255 ignored) is below p. */
  const edIsCanonical = (b) => encodedY(b) < ED_P;
  const edHasSmallOrder = (b) => ED_SMALL_ORDER_Y.includes(encodedY(b));

  function edDecode(b) {
    const y = encodedY(b);
    if (y >= ED_P) return null;
    const sign = b[31] >> 7;
    const y2 = (y * y) % ED_P;
    const u = fmod(y2 - 1n), v = fmod(ED_D * y2 + 1n);
    const v3 = (v * v % ED_P) * v % ED_P;
    let x = (u * v3 % ED_P) * fpow(u * (v3 * v3 % ED_P) % ED_P * v % ED_P, (ED_P - 5n) / 8n) % ED_P;
    const vx2 = v * (x * x % ED_P) % ED_P;
    if (vx2 !== u) {
      if (vx2 !== fmod(-u)) return null;
      x = x * ED_SQRT_M1 % ED_P;
    }
    if (Number(x & 1n) !== sign) x = fmod(-x);
    return { X: x, Y: y, Z: 1n, T: x * y % ED_P };
  }

  function edAdd(p, q) {
    const a = fmod((p.Y - p.X) * (q.Y - q.X));
    const b = fmod((p.Y + p.X) * (q.Y + q.X));
    const c = fmod(2n * ED_D * p.T % ED_P * q.T);
    const d = fmod(2n * p.Z * q.Z);
    const e = fmod(b - a), f = fmod(d - c), g = fmod(d + c), h = fmod(b + a);
    return { X: e * f % ED_P, Y: g * h % ED_P, T: e * h % ED_P, Z: f * g % ED_P };
  }

  function edMul(p, k) {
    let r = { X: 0n, Y: 1n, Z: 1n, T: 0n };
    let q = p;
    while (k > 0n) {
      if (k & 1n) r = edAdd(r, q);
      q = edAdd(q, q);
      k >>= 1n;
    }
    return r;
  }

  /**
   * libsodium `crypto_core_ed25519_is_valid_point`: canonical encoding, not of small order, on the
   * curve, and in the prime-order subgroup ([L]P is the identity).
   */
  function edIsValidPoint(b) {
    if (b.length !== 32 || !edIsCanonical(b) || edHasSmallOrder(b)) return false;
    const p = edDecode(b);
    if (!p) return false;
    const q = edMul(p, ED_L);
    return q.X === 0n && q.Y === q.Z;
  }

  const importedKeys = new Map();

  /**
   * `crypto_sign_verify_detached` of libsodium 1.0.18: S canonical (S < L), R not of small order,
   * the public key canonical and not of small order, then the cofactorless equation, which Web
   * Crypto's Ed25519 checks (it also compares the encoding of R).
   */
  async function edVerify(publicKey, signature, message) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    if (leInt(signature.subarray(32)) >= ED_L || edHasSmallOrder(signature.subarray(0, 32))) return false;
    if (!edIsCanonical(publicKey) || edHasSmallOrder(publicKey)) return false;
    const id = hex(publicKey);
    let key = importedKeys.get(id);
    if (!key) {
      try {
        key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
      } catch (e) {
        return false;
      }
      importedKeys.set(id, key);
    }
    try {
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
    } catch (e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Note keys (FORMAT.md §1; C2SP signed-note)

  /** A C2SP note key name: non-empty, no `+`, no white space, no control characters. */
  function isValidNoteKeyName(name) {
    return name !== '' && !/[+\x00-\x1f\x7f]/.test(name) && !WHITE_SPACE.test(name);
  }

  async function noteKeyId(name, type, publicKey) {
    return (await sha256(utf8(name), Uint8Array.of(0x0a, type), publicKey)).subarray(0, 4);
  }

  /** Parses `<name>+<key id hex>+<base64(type || key)>` and checks the key id; throws LogError. */
  async function parseVerifierKey(text) {
    const first = text.indexOf('+');
    const second = first < 0 ? -1 : text.indexOf('+', first + 1);
    if (first < 0 || second < 0) throw new LogError('malformed verifier key: expected name+keyid+key');
    const name = text.slice(0, first), idText = text.slice(first + 1, second), keyText = text.slice(second + 1);
    if (!isValidNoteKeyName(name)) throw new LogError('malformed verifier key: invalid key name');
    if (!/^[0-9a-f]{8}$/.test(idText)) throw new LogError('malformed verifier key: key id must be 8 lower-case hex digits');
    const raw = b64decode(keyText);
    if (!raw || raw.length !== 33) throw new LogError('malformed verifier key: key must be base64 of 33 bytes');
    if (raw[0] !== 0x01 && raw[0] !== 0x04) throw new LogError(`verifier key has unsupported signature type 0x${hex(raw.subarray(0, 1))}`);
    const publicKey = raw.slice(1);
    const expected = hex(await noteKeyId(name, raw[0], publicKey));
    if (expected !== idText) throw new LogError(`malformed verifier key: key id ${idText} does not match the key (${expected})`);
    return { name, keyId: idText, type: raw[0], publicKey, reference: `${name}+${idText}` };
  }

  // ---------------------------------------------------------------------------------------------
  // Signed notes and checkpoints (FORMAT.md §5; C2SP signed-note, tlog-checkpoint, tlog-cosignature)

  /** Parses a signed note without checking signatures (Assay's SignedNote parser). */
  function parseNote(bytes) {
    const bad = (why) => new LogError(`malformed note: ${why}`);
    if (bytes.length > 65536) throw bad('larger than 65536 bytes');
    if (utf8Strict(bytes) === null) throw bad('not valid UTF-8');
    let split = -1;
    for (let k = bytes.length - 2; k >= 0; k--) {
      if (bytes[k] === 0x0a && bytes[k + 1] === 0x0a) { split = k; break; }
    }
    if (split < 0) throw bad('no blank line before the signatures');
    const textBytes = bytes.subarray(0, split + 1);
    const sigBytes = bytes.subarray(split + 2);
    for (const c of textBytes) if (c < 0x20 && c !== 0x0a) throw bad('control character in text');
    if (sigBytes.length === 0 || sigBytes[sigBytes.length - 1] !== 0x0a) throw bad('signature block must be lines ending in a newline');
    const lines = utf8Lenient(sigBytes).split('\n');
    lines.pop();
    if (lines.length > 100) throw bad('more than 100 signatures');
    const signatures = [];
    for (const line of lines) {
      if (!line.startsWith('\u2014 ')) throw bad('signature line does not start with "— "');
      const parts = line.slice(2).split(' ');
      if (parts.length !== 2) throw bad('signature line must be "— name signature"');
      if (!isValidNoteKeyName(parts[0])) throw bad('invalid key name in signature line');
      const raw = b64decode(parts[1]);
      if (!raw || raw.length < 5) throw bad('signature is not base64 of a key id and signature');
      signatures.push({ name: parts[0], keyId: hex(raw.subarray(0, 4)), signature: raw.slice(4), line });
    }
    return { text: textBytes, signatures };
  }

  /** Parses a checkpoint body (C2SP tlog-checkpoint; any extension lines). */
  function parseCheckpointBody(textBytes) {
    const bad = (why) => new LogError(`malformed checkpoint: ${why}`);
    const text = utf8Lenient(textBytes);
    if (!text.endsWith('\n')) throw bad('text must end in a newline');
    const lines = text.split('\n');
    lines.pop();
    if (lines.length < 3) throw bad('needs origin, size and root hash lines');
    if (lines[0] === '') throw bad('empty origin');
    const sizeText = lines[1];
    if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || BigInt(sizeText) >= 1n << 64n) {
      throw bad(`tree size "${chars(sizeText, 30)}" is not a decimal number in range`);
    }
    const root = b64decode(lines[2]);
    if (!root) throw bad('root hash is not standard base64');
    if (root.length !== 32) throw bad(`root hash is ${root.length} bytes, not 32`);
    const extensions = lines.slice(3);
    // The subject index root: exactly one well-formed `assay-subject-index` line (FORMAT.md §5).
    const prefix = 'assay-subject-index ';
    const indexLines = extensions.filter((l) => l.startsWith(prefix));
    let subjectIndex = null;
    if (indexLines.length === 1) {
      const value = indexLines[0].slice(prefix.length);
      const raw = b64decode(value);
      if (raw && raw.length === 32) subjectIndex = raw;
    }
    return { origin: lines[0], size: BigInt(sizeText), root, extensions, subjectIndex, text };
  }

  function cosignatureMessage(timestamp, text) {
    return concat(utf8(`cosignature/v1\ntime ${timestamp}\n`), text);
  }

  async function checkNoteLine(line, text, key) {
    if (key.type === 0x01) return edVerify(key.publicKey, line.signature, text);
    if (line.signature.length !== 72) return false;
    const ts = readU64(line.signature, 0);
    if (ts > 0x7fffffffffffffffn) return false;
    return edVerify(key.publicKey, line.signature.subarray(8), cosignatureMessage(ts, text));
  }

  /**
   * Opens a checkpoint note as Assay does: the body's origin must be `origin`; every signature
   * line whose (name, key id) matches exactly one of the keys must verify (a failing known key is
   * an error); the log key's line must be among those verified; at least `needed` distinct witness
   * keys must have cosigned. Lines of unknown keys are ignored.
   */
  async function openCheckpoint(noteText, logKey, origin, witnesses, needed) {
    const note = parseNote(utf8(noteText));
    const body = parseCheckpointBody(note.text);
    if (origin !== null && body.origin !== origin) {
      throw new LogError(`checkpoint origin "${body.origin}" is not the expected "${origin}"`);
    }
    const verifiers = [logKey].concat(witnesses);
    const verified = [];
    const seen = new Set();
    for (const line of note.signatures) {
      if (seen.has(line.line)) continue;
      seen.add(line.line);
      const matches = verifiers.filter((v) => v.name === line.name && v.keyId === line.keyId);
      if (matches.length > 1) throw new LogError(`ambiguous key ${line.name}+${line.keyId}`);
      if (matches.length === 0) continue;
      if (!(await checkNoteLine(line, note.text, matches[0]))) throw new LogError(`invalid signature for key ${line.name}+${line.keyId}`);
      verified.push(line);
    }
    if (verified.length === 0) throw new LogError('note has no verifiable signatures');
    if (!verified.some((l) => l.name === logKey.name && l.keyId === logKey.keyId)) {
      throw new LogError(`checkpoint is not signed by the log key ${logKey.reference}`);
    }
    const cosigners = new Map();
    for (const l of verified) {
      const w = witnesses.find((k) => k.name === l.name && k.keyId === l.keyId);
      if (w) cosigners.set(`${l.name}+${l.keyId}`, w.name);
    }
    if (cosigners.size < needed) {
      throw new LogError(`checkpoint has ${cosigners.size} valid witness cosignatures, policy needs ${needed}`);
    }
    return { body, verifiedCount: verified.length, witnessNames: Array.from(new Set(cosigners.values())) };
  }

  // ---------------------------------------------------------------------------------------------
  // Merkle proofs (RFC 9162 §2.1.3.2 inclusion, §2.1.4.2 consistency)

  async function rootFromInclusion(index, size, leaf, hashes) {
    if (!(index < size)) throw new LogError(`inclusion proof: index ${index} is not below tree size ${size}`);
    let fn = index, sn = size - 1n;
    let r = leaf;
    for (const p of hashes) {
      if (sn === 0n) throw new LogError(`inclusion proof has ${hashes.length} hashes, more than a tree of ${size} needs`);
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) throw new LogError(`inclusion proof has ${hashes.length} hashes, fewer than a tree of ${size} needs`);
    return r;
  }

  async function verifyInclusion(index, size, leaf, hashes, root) {
    const computed = await rootFromInclusion(index, size, leaf, hashes);
    if (!bytesEqual(computed, root)) {
      throw new LogError(`inclusion proof for leaf ${index} in tree of size ${size} gives root ${hex(computed)}, expected ${hex(root)}`);
    }
  }

  async function verifyConsistency(m, n, hashes, oldRoot, newRoot) {
    if (m > n) throw new LogError(`consistency proof: first size ${m} exceeds second size ${n}`);
    if (m === 0n) throw new LogError('consistency proof from size 0 is not defined');
    if (m === n) {
      if (hashes.length !== 0) throw new LogError(`consistency proof between equal sizes must be empty, has ${hashes.length} hashes`);
      if (!bytesEqual(oldRoot, newRoot)) throw new LogError(`two different roots for tree size ${m}: ${hex(oldRoot)} and ${hex(newRoot)}`);
      return;
    }
    if (hashes.length === 0) throw new LogError(`consistency proof from ${m} to ${n} is empty`);
    const path = (m & (m - 1n)) === 0n ? [oldRoot].concat(hashes) : hashes.slice();
    let fn = m - 1n, sn = n - 1n;
    while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
    let fr = path[0], sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0n) throw new LogError(`consistency proof from ${m} to ${n} has too many hashes`);
      if ((fn & 1n) === 1n || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) throw new LogError(`consistency proof from ${m} to ${n} has too few hashes`);
    if (!bytesEqual(fr, oldRoot)) {
      throw new LogError(`consistency proof from ${m} to ${n} does not match the first root: computed ${hex(fr)}, checkpoint has ${hex(oldRoot)}`);
    }
    if (!bytesEqual(sr, newRoot)) {
      throw new LogError(`consistency proof from ${m} to ${n} does not match the second root: computed ${hex(sr)}, checkpoint has ${hex(newRoot)}`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The subject index (FORMAT.md §13): subjects, and proofs in the compressed sparse Merkle tree

  const KEY_TYPE = { identifier: 0, key: 1, defining: 2 };
  const subjectId = (type, name) => `${type}\u0000${name}`;
  /** A subject as messages name it: `key <reference>` for a key reference, else the identifier. */
  const describeSubject = (s) => (s.type === KEY_TYPE.key ? `key ${s.name}` : s.name);

  const bit = (key, i) => (key[i >> 3] >> (7 - (i & 7))) & 1;

  /** §13.3: does `proof` show (count, chain) for `key` (count 0: nothing) under `root`? */
  async function verifyIndexProof(proof, key, root) {
    if (proof.count === 0 && !bytesEqual(proof.chain, ZERO32)) return false;
    const d = proof.path.length;
    if (d > 256) return false;
    let h;
    if (proof.count > 0) {
      if (proof.neighbor) return false;
      h = await indexLeaf(key, proof.count, proof.chain);
    } else if (proof.neighbor) {
      const nb = proof.neighbor;
      if (bytesEqual(nb.key, key) || nb.count < 1) return false;
      for (let k = 0; k < d; k++) if (bit(nb.key, k) !== bit(key, k)) return false;
      h = await indexLeaf(nb.key, nb.count, nb.chain);
    } else {
      h = ZERO32;
    }
    for (let k = 0; k < d; k++) {
      const s = proof.path[k];
      h = bit(key, d - 1 - k) === 0 ? await indexNode(h, s) : await indexNode(s, h);
    }
    return bytesEqual(h, root);
  }

  // ---------------------------------------------------------------------------------------------
  // Statements (FORMAT.md §2, §2.1–2.3, §8's classification)

  const ROLES = ['operator', 'supplier', 'manufacturer', 'importer', 'authorisedRepresentative', 'distributor',
    'secondLifeOperator', 'repairer', 'recycler', 'auditor'];
  const REGISTRABLE = ROLES.filter((r) => r !== 'operator');
  const ASSAY_TYPES = ['LedgerGenesis', 'PartyRegistration', 'KeyRevocation', 'AuthorityDelegation', 'GenericEvent', 'LifecycleCommitment', 'PassportData'];
  const EPCIS_TYPES = ['ObjectEvent', 'AggregationEvent', 'AssociationEvent', 'TransformationEvent', 'TransactionEvent'];
  const DELEGABLE = ['ComponentOrigin', 'ManufacturingStep', 'ProductAssembly', 'LifecycleCommitment', 'PassportData'];
  /** §13.1: the kinds whose entries define what they are about. */
  const DEFINING_KINDS = ['ComponentOrigin', 'ManufacturingStep', 'EndOfLife', 'LifecycleCommitment', 'Correction', 'PassportData'];
  const ASPECTS = ['generalProductInformation', 'carbonFootprint', 'circularity', 'materialComposition', 'performanceAndDurability',
    'supplyChainDueDiligence', 'labels', 'batteryCondition', 'status', 'productPassport'];
  const DYNAMIC_ASPECTS = ['batteryCondition', 'status'];

  /** §8's table: which roles may write each kind. */
  const WRITE_POLICY = {
    LedgerGenesis: ['operator'],
    PartyRegistration: ['operator'],
    KeyRevocation: ['operator'],
    AuthorityDelegation: ['manufacturer', 'supplier', 'importer'],
    GenericEvent: ROLES.filter((r) => r !== 'distributor'),
    ComponentOrigin: ['supplier', 'manufacturer'],
    ManufacturingStep: ['manufacturer'],
    ProductAssembly: ['manufacturer', 'repairer'],
    LifecycleCommitment: ['manufacturer', 'importer'],
    PassportData: ['manufacturer', 'authorisedRepresentative', 'repairer', 'secondLifeOperator', 'recycler'],
    EndOfLife: ['recycler', 'repairer', 'secondLifeOperator'],
    Correction: ['supplier', 'manufacturer', 'importer', 'distributor', 'repairer', 'secondLifeOperator', 'recycler'],
    SupplyChainEvent: ['supplier', 'manufacturer', 'importer', 'distributor', 'repairer', 'secondLifeOperator', 'recycler'],
  };
  const mayWrite = (kind, roles) => (WRITE_POLICY[kind] || []).some((r) => roles.has(r));
  const aspectWriters = (aspect) => (DYNAMIC_ASPECTS.includes(aspect)
    ? ['manufacturer', 'repairer', 'secondLifeOperator', 'recycler'] : ['manufacturer', 'authorisedRepresentative']);

  function checkKeyName(name, field) {
    if (!/^[\x21-\x7e]+$/.test(name) || /[+"\\]/.test(name)) throw new ModelError(field, 'key name must be printable ASCII without +, " or \\');
  }
  function checkVerifierKeyShape(s, field) {
    const first = s.indexOf('+');
    const second = first < 0 ? -1 : s.indexOf('+', first + 1);
    const ok = second >= 0 && first > 0 && /^[0-9a-fA-F]{8}$/.test(s.slice(first + 1, second)) && /^[A-Za-z0-9+/=]{44}$/.test(s.slice(second + 1));
    if (!ok) throw new ModelError(field, 'must be a verifier key of the form name+keyid+base64key');
    checkKeyName(s.slice(0, first), field);
  }
  function checkKeyReferenceShape(s, field) {
    const parts = s.split('+');
    if (!(parts.length === 2 && parts[0] !== '' && /^[0-9a-fA-F]{8}$/.test(parts[1]))) {
      throw new ModelError(field, 'must be a key reference of the form name+keyid (8 hex digits)');
    }
    checkKeyName(parts[0], field);
  }

  function readUniqueNames(r, key, nonEmptyList, allowed, what, notOne) {
    const out = [];
    r.stringArray(key, nonEmptyList).forEach((name, i) => {
      if (!allowed.includes(name)) throw new ModelError(`${key}[${i}]`, `"${chars(name, 60)}" ${notOne} (allowed: ${allowed.join(', ')})`);
      if (out.includes(name)) throw new ModelError(`${key}[${i}]`, `${what} "${name}" is listed twice`);
      out.push(name);
    });
    return out;
  }

  function readScopes(r, key, required) {
    const list = required ? r.stringArray(key, true) : (r.optionalStringArray(key) || []);
    const out = [];
    list.forEach((s, i) => {
      const field = `${r.fp(key)}[${i}]`;
      const scope = parseScope(s, field);
      if (out.some((o) => o.kind === scope.kind && o.value === scope.value)) throw new ModelError(field, `scope "${chars(s, 80)}" is listed twice`);
      out.push(scope);
    });
    return out;
  }

  function readValidity(r) {
    const from = r.optionalTimestamp('validFrom');
    const until = r.optionalTimestamp('validUntil');
    if (from && until && until.millis <= from.millis) throw new ModelError('validUntil', 'must be after validFrom');
    return [from || null, until || null];
  }

  function readDocument(r, key, required) {
    const d = required ? r.object(key) : r.optionalObject(key);
    if (!d) return null;
    const url = d.string('url');
    if (!(url.startsWith('https://') || url.startsWith('http://'))) throw new ModelError(d.fp('url'), 'must be an http(s) URL');
    checkDigest(d.string('digest'), d.fp('digest'));
    d.finish();
    return url;
  }

  function positiveDays(r, key) {
    const d = r.number(key);
    if (!(Number.isInteger(d) && d >= 1 && d <= 100000)) throw new ModelError(r.fp(key), `must be a whole number of days from 1 to 100000, got ${formatDouble(d)}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Passport data (FORMAT.md §2.1): the Battery Pass v1.2.0 parts as their published schemas read,
  // the ESPR product passport and the battery status, on the signed JSON (number literals kept).

  /** Reads passport data: null is a value, not an absent member; numbers keep their literals. */
  class SourceReader {
    constructor(value, path) {
      if (!isObject(value)) throw new ModelError(path, `must be an object, found ${typeName(value)}`);
      this.path = path;
      this.fields = value;
      this.seen = new Set();
    }
    fp(key) { return this.path ? `${this.path}.${key}` : key; }
    optional(key) { this.seen.add(key); return has(this.fields, key) ? this.fields[key] : undefined; }
    required(key) {
      const v = this.optional(key);
      if (v === undefined) throw new ModelError(this.fp(key), 'is required');
      return v;
    }
    static str(v, path) {
      if (typeof v !== 'string') throw new ModelError(path, `must be a string, found ${typeName(v)}`);
      return v;
    }
    static num(v, path) {
      if (!(v instanceof JSONNumber)) throw new ModelError(path, `must be a number, found ${typeName(v)}`);
      return v;
    }
    string(key) { return SourceReader.str(this.required(key), this.fp(key)); }
    optionalString(key) { const v = this.optional(key); return v === undefined ? undefined : SourceReader.str(v, this.fp(key)); }
    number(key, min, max) {
      const n = SourceReader.num(this.required(key), this.fp(key));
      if (min !== undefined && (n.compare(min) < 0 || n.compare(max) > 0)) throw new ModelError(this.fp(key), `${n.literal.slice(0, 40)} is outside ${min}…${max}`);
      return n;
    }
    optionalNumber(key) { const v = this.optional(key); return v === undefined ? undefined : SourceReader.num(v, this.fp(key)); }
    bool(key) {
      const v = this.required(key);
      if (typeof v !== 'boolean') throw new ModelError(this.fp(key), `must be true or false, found ${typeName(v)}`);
      return v;
    }
    object(key) { return new SourceReader(this.required(key), this.fp(key)); }
    elements(key) {
      const v = this.required(key);
      if (!Array.isArray(v)) throw new ModelError(this.fp(key), `must be an array, found ${typeName(v)}`);
      return v.map((x, i) => [`${this.fp(key)}[${i}]`, x]);
    }
    objects(key, read) { return this.elements(key).map(([p, v]) => read(new SourceReader(v, p))); }
    strings(key) { return this.elements(key).map(([p, v]) => SourceReader.str(v, p)); }
    enumValue(key, allowed) {
      const s = this.string(key);
      if (!allowed.includes(s)) throw new ModelError(this.fp(key), `"${chars(s, 60)}" is not one of: ${allowed.join(', ')}`);
      return s;
    }
    uri(key) { const s = this.string(key); passURI(s, this.fp(key)); return s; }
    optionalURI(key) { const s = this.optionalString(key); if (s !== undefined) passURI(s, this.fp(key)); return s; }
    passTimestamp(key) { const s = this.string(key); containsDateTime(s, this.fp(key)); return s; }
    finish() {
      for (const k of Object.keys(this.fields)) if (!this.seen.has(k)) throw new ModelError(this.fp(k), 'is not a member of this object');
    }
  }

  const passQuoted = (s) => JSON.stringify(chars(s, 80));
  const isAlpha = (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const isDigitByte = (c) => c >= 0x30 && c <= 0x39;

  /** `format: uri` (RFC 3986): a scheme, `:`, then URI characters and %HH escapes only. */
  function passURI(s, field) {
    const b = utf8(s);
    const colon = b.indexOf(0x3a);
    if (!(colon > 0 && isAlpha(b[0]) && b.subarray(0, colon).every((c) => isAlpha(c) || isDigitByte(c) || c === 0x2b || c === 0x2d || c === 0x2e))) {
      throw new ModelError(field, `"${chars(s, 80)}" is not a URI (format uri: scheme ":" …, RFC 3986)`);
    }
    for (let i = colon + 1; i < b.length;) {
      const c = b[i];
      if (c === 0x25) {
        if (!(i + 2 < b.length && hexValue(b[i + 1]) >= 0 && hexValue(b[i + 2]) >= 0)) throw new ModelError(field, `"${chars(s, 80)}" is not a URI: "%" must start a percent-escape %HH`);
        i += 3;
        continue;
      }
      if (!(isAlpha(c) || isDigitByte(c) || "-._~:/?#[]@!$&'()*+,;=".includes(String.fromCharCode(c)) && c < 0x80)) {
        throw new ModelError(field, `"${chars(s, 80)}" is not a URI: a character at byte ${i} is not allowed in a URI (RFC 3986)`);
      }
      i++;
    }
  }

  /** `format: date-time` (RFC 3339), as the Battery Pass `manufacturingDate`. */
  function passDateTime(s, field) {
    const b = utf8(s);
    const bad = () => new ModelError(field, `"${chars(s, 60)}" is not an RFC 3339 date-time (format date-time: YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm))`);
    const digits = (from, n) => {
      if (from + n > b.length) return null;
      let v = 0;
      for (let k = from; k < from + n; k++) { if (!isDigitByte(b[k])) return null; v = v * 10 + b[k] - 48; }
      return v;
    };
    const y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2), mi = digits(14, 2), sec = digits(17, 2);
    if (!(y !== null && b.length > 19 && b[4] === 0x2d && mo !== null && b[7] === 0x2d && d !== null && (b[10] === 0x54 || b[10] === 0x74) &&
          h !== null && b[13] === 0x3a && mi !== null && b[16] === 0x3a && sec !== null)) throw bad();
    if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && sec <= 60)) throw bad();
    let i = 19;
    if (b[i] === 0x2e) {
      i++;
      const start = i;
      while (i < b.length && isDigitByte(b[i])) i++;
      if (i === start) throw bad();
    }
    if (i >= b.length) throw bad();
    if (b[i] === 0x5a || b[i] === 0x7a) { if (i + 1 !== b.length) throw bad(); return; }
    const oh = digits(i + 1, 2), om = digits(i + 4, 2);
    if (!((b[i] === 0x2b || b[i] === 0x2d) && i + 6 === b.length && oh !== null && b[i + 3] === 0x3a && om !== null && oh <= 23 && om <= 59)) throw bad();
  }

  /** The published (unanchored) Battery Pass date-time pattern: the value contains a date-time. */
  function containsDateTime(s, field) {
    const b = utf8(s);
    const two = (k) => (isDigitByte(b[k]) && isDigitByte(b[k + 1]) ? (b[k] - 48) * 10 + b[k + 1] - 48 : null);
    let found = false;
    for (let i = 0; i + 19 <= b.length && !found; i++) {
      if (!(isDigitByte(b[i]) && isDigitByte(b[i + 1]) && isDigitByte(b[i + 2]) && isDigitByte(b[i + 3]) && b[i + 4] === 0x2d)) continue;
      const mo = two(i + 5), d = two(i + 8), h = two(i + 11), mi = two(i + 14), sec = two(i + 17);
      if (!(mo !== null && mo >= 1 && mo <= 12 && b[i + 7] === 0x2d && d !== null && d >= 1 && d <= 31 && b[i + 10] === 0x54 &&
            h !== null && b[i + 13] === 0x3a && mi !== null && b[i + 16] === 0x3a && sec !== null)) continue;
      if ((h <= 23 && mi <= 59 && sec <= 59) || (h === 24 && mi === 0 && sec === 0)) found = true;
    }
    if (!found) throw new ModelError(field, `${passQuoted(s)} does not match the Battery Pass date-time pattern (YYYY-MM-DDThh:mm:ss[.frac][Z|±hh:mm])`);
  }

  function containsMonth(s, field) {
    const b = utf8(s);
    for (let i = 0; i + 4 <= b.length; i++) {
      if (b[i] === 0x2d && b[i + 1] === 0x2d && isDigitByte(b[i + 2]) && isDigitByte(b[i + 3])) {
        const m = (b[i + 2] - 48) * 10 + b[i + 3] - 48;
        if (m >= 1 && m <= 12) return;
      }
    }
    throw new ModelError(field, `${passQuoted(s)} does not match the warranty period pattern --MM (a month 01–12, xsd:gMonth)`);
  }

  function casShape(s, field) {
    if (!/^[0-9]{2,7}-[0-9]{2}-[0-9]$/.test(s)) throw new ModelError(field, `${passQuoted(s)} does not match the CAS number pattern ^\\d{2,7}-\\d{2}-\\d{1}$`);
  }

  function passportURN(s, field) {
    if (!/^urn:[a-z0-9]+:[a-z0-9]+$/.test(s)) throw new ModelError(field, `${passQuoted(s)} does not match the pattern ^urn:[a-z0-9]+:[a-z0-9]+$`);
  }

  /** The e-mail patterns, matched as ECMA-262 would (a search anchored at both ends). */
  function emailMatches(s, local, separator) {
    const c = Array.from(s);
    let k = 0;
    while (k < c.length && local(c[k])) k++;
    if (!(k >= 1 && k < c.length && c[k] === '@')) return false;
    const r = c.slice(k + 1);
    let p = 0;
    while (p < r.length && local(r[p])) p++;
    let q = r.length;
    while (q > 0 && /^[A-Za-z]$/.test(r[q - 1])) q--;
    if (r.length < 3) return false;
    for (let j = 1; j <= Math.min(p, r.length - 3); j++) if (j + 1 >= q && separator(r[j])) return true;
    return false;
  }

  function generalInformationEmail(s, field) {
    if (!emailMatches(s, (ch) => ch === 'w' || ch === '.' || ch === '-', (ch) => !['\n', '\r', '\u2028', '\u2029'].includes(ch))) {
      throw new ModelError(field, `${passQuoted(s)} does not match the published pattern ^[w.-]+@[w.-]+.[A-Za-z]{2,}$ (as published it allows only the letter w, "." and "-" before the top-level domain)`);
    }
  }

  function supplierEmail(s, field) {
    if (!emailMatches(s, (ch) => /^[A-Za-z0-9_.-]$/.test(ch), (ch) => ch === '.')) {
      throw new ModelError(field, `${passQuoted(s)} does not match the e-mail pattern ^[\\w.-]+@[\\w.-]+\\.[A-Za-z]{2,}$`);
    }
  }

  const postalAddress = (r) => { r.string('addressCountry'); r.string('postalCode'); r.string('streetAddress'); };
  const contactInformation = (r) => {
    r.string('contactName');
    postalAddress(r.object('postalAddress'));
    r.string('identifier');
    const e = r.optionalString('emailAddress');
    if (e !== undefined) generalInformationEmail(e, r.fp('emailAddress'));
    r.optionalURI('webAddress');
  };
  const powerCapability = (r) => { r.number('atSoC'); r.number('powerCapabilityAt'); };
  const timed = (r, key, valueKey) => { const t = r.object(key); t.number(valueKey); t.passTimestamp('lastUpdate'); };
  const BATTERY_COMPONENTS = ['pack', 'module', 'cell'];
  const INT64_MIN = -(1n << 63n), INT64_MAX = (1n << 63n) - 1n;

  function batteryCondition(r) {
    r.number('energyThroughput');
    timed(r, 'capacityThroughput', 'capacityThroughputValue');
    timed(r, 'numberOfFullCycles', 'numberOfFullCyclesValue');
    timed(r, 'stateOfCertifiedEnergy', 'stateOfCertifiedEnergyValue');
    timed(r, 'capacityFade', 'capacityFadeValue');
    timed(r, 'remainingEnergy', 'remainingEnergyalue');
    timed(r, 'remainingCapacity', 'remainingCapacityValue');
    r.objects('negativeEvents', (e) => { e.string('negativeEvent'); e.passTimestamp('lastUpdate'); });
    const t = r.object('temperatureInformation');
    ['timeExtremeHighTemp', 'timeExtremeLowTemp', 'timeExtremeHighTempCharging', 'timeExtremeLowTempCharging'].forEach((k) => t.number(k));
    t.passTimestamp('lastUpdate');
    r.objects('remainingPowerCapability', (e) => {
      const v = e.object('remainingPowerCapabilityValue');
      powerCapability(v);
      v.passTimestamp('rPCLastUpdated');
      e.passTimestamp('lastUpdate');
    });
    r.number('powerFade');
    r.number('roundTripEfficiencyFade');
    r.object('evolutionOfSelfDischarge').number('evolutionOfSelfDischargeEntityValue');
    timed(r, 'currentSelfDischargingRate', 'currentSelfDischargingRateEntity');
    r.objects('internalResistanceIncrease', (e) => { e.number('internalResistanceIncreaseValue'); e.passTimestamp('lastUpdate'); e.enumValue('batteryComponent', BATTERY_COMPONENTS); });
    r.number('roundTripEfficiencyat50PerCentCycleLife');
    timed(r, 'remainingRoundTripEnergyEfficiency', 'remainingRoundTripEnergyEfficiencyValue');
    timed(r, 'stateOfCharge', 'stateOfChargeValue');
  }

  function checkECNumber(s, field) {
    const m = /^([0-9]{3})-([0-9]{3})-([0-9])$/.exec(s);
    if (!m) throw new ModelError(field, `"${chars(s, 40)}" is not an EC number of the form NNN-NNN-N`);
    const d = m[1] + m[2];
    let sum = 0;
    for (let k = 0; k < 6; k++) sum += (k + 1) * (d.charCodeAt(k) - 48);
    if (sum % 11 !== Number(m[3])) throw new ModelError(field, `EC number ${s} has check digit ${m[3]}, expected ${sum % 11 === 10 ? 'none (remainder 10 is never issued)' : String(sum % 11)}`);
  }

  const PASSPORT_CONTENT = {
    generalProductInformation(r) {
      r.string('productIdentifier');
      passportURN(r.string('batteryPassportIdentifier'), r.fp('batteryPassportIdentifier'));
      r.enumValue('batteryCategory', ['lmt', 'ev', 'industrial', 'stationary']);
      contactInformation(r.object('manufacturerInformation'));
      passDateTime(r.string('manufacturingDate'), r.fp('manufacturingDate'));
      r.enumValue('batteryStatus', ['Original', 'Repurposed', 'Reused', 'Remanufactured', 'Waste']);
      r.number('batteryMass');
      postalAddress(r.object('manufacturingPlace'));
      contactInformation(r.object('operatorInformation'));
      r.passTimestamp('puttingIntoService');
      containsMonth(r.string('warrentyPeriod'), r.fp('warrentyPeriod'));
    },
    carbonFootprint(r) {
      r.number('batteryCarbonFootprint');
      r.objects('carbonFootprintPerLifecycleStage', (e) => { e.enumValue('lifecycleStage', ['RawMaterialExtraction', 'MainProduction', 'Distribution', 'Recycling']); e.number('carbonFootprint'); });
      r.string('carbonFootprintPerformanceClass');
      r.uri('carbonFootprintStudy');
      r.optionalNumber('absoluteCarbonFootprint');
    },
    circularity(r) {
      r.objects('dismantlingAndRemovalInformation', (d) => {
        d.enumValue('documentType', ['BillOfMaterial', 'Model3D', 'DismantlingManual', 'RemovalManual', 'OtherManual', 'Drawing']);
        d.string('mimeType');
        d.uri('documentURL');
      });
      r.objects('sparePartSources', (s) => {
        s.string('nameOfSupplier');
        postalAddress(s.object('addressOfSupplier'));
        supplierEmail(s.string('emailAddressOfSupplier'), s.fp('emailAddressOfSupplier'));
        s.uri('supplierWebAddress');
        s.objects('components', (c) => { c.string('partName'); c.string('partNumber'); });
      });
      r.objects('recycledContent', (c) => { c.number('preConsumerShare', 0n, 100n); c.enumValue('recycledMaterial', ['Cobalt', 'Nickel', 'Lithium', 'Lead']); c.number('postConsumerShare', 0n, 100n); });
      const sm = r.object('safetyMeasures');
      sm.uri('safetyInstructions');
      sm.strings('extinguishingAgent');
      const eol = r.object('endOfLifeInformation');
      ['wastePrevention', 'separateCollection', 'informationOnCollection'].forEach((k) => eol.uri(k));
      r.number('renewableContent');
    },
    materialComposition(r) {
      const c = r.object('batteryChemistry');
      c.string('shortName');
      c.string('clearName');
      const location = (l) => { l.string('componentName'); l.optionalString('componentId'); };
      r.objects('batteryMaterials', (m) => {
        location(m.object('batteryMaterialLocation'));
        casShape(m.string('batteryMaterialIdentifier'), m.fp('batteryMaterialIdentifier'));
        m.string('batteryMaterialName');
        m.number('batteryMaterialMass');
        m.bool('isCriticalRawMaterial');
      });
      r.objects('hazardousSubstances', (h) => {
        h.enumValue('hazardousSubstanceClass', ['AcuteToxicity', 'SkinCorrosionOrIrritation', 'EyeDamageOrIrritation']);
        h.string('hazardousSubstanceName');
        h.number('hazardousSubstanceConcentration');
        h.strings('hazardousSubstanceImpact');
        location(h.object('hazardousSubstanceLocation'));
        casShape(h.string('hazardousSubstanceIdentifier'), h.fp('hazardousSubstanceIdentifier'));
      });
    },
    performanceAndDurability(r) {
      const t = r.object('batteryTechicalProperties');
      t.objects('originalPowerCapability', powerCapability);
      ['ratedMaximumPower', 'powerCapabilityRatio', 'ratedEnergy'].forEach((k) => t.number(k));
      t.number('expectedNumberOfCycles', INT64_MIN, INT64_MAX);
      ['initialSelfDischarge', 'roundtripEfficiency', 'ratedCapacity'].forEach((k) => t.number(k));
      t.objects('initialInternalResistance', (i) => { i.number('ohmicResistance'); i.enumValue('batteryComponent', BATTERY_COMPONENTS); });
      t.number('expectedLifetime', -32768n, 32767n);
      t.optionalNumber('cRate');
      ['nominalVoltage', 'minimumVoltage', 'maximumVoltage', 'capacityThresholdForExhaustion'].forEach((k) => t.number(k));
      t.uri('lifetimeReferenceTest');
      t.number('cRateLifeCycleTest');
      t.number('temperatureRangeIdleState', -20n, 60n);
      batteryCondition(r.object('batteryCondition'));
    },
    supplyChainDueDiligence(r) {
      r.uri('supplyChainDueDiligenceReport');
      r.optionalURI('thirdPartyAussurances');
      r.optionalNumber('supplyChainIndicies');
    },
    labels(r) {
      r.uri('declarationOfConformity');
      r.uri('resultOfTestReport');
      r.objects('labels', (e) => {
        e.uri('labelingSymbol');
        const meaning = e.required('labelingMeaning');
        if (!isObject(meaning)) throw new ModelError(e.fp('labelingMeaning'), `must be an object, found ${typeName(meaning)}`);
        e.enumValue('labelingSubject', ['SeparateCollection', 'HazardousMaterial', 'CarbonFootPrint', 'ExtinguishingAgent']);
      });
    },
    batteryCondition,
    status(r, subject) {
      const status = r.enumValue('batteryStatus', ['Original', 'Repurposed', 'Reused', 'Remanufactured', 'Waste']);
      let successorOf = null;
      const original = r.optionalString('successorOf');
      if (original !== undefined) {
        const field = r.fp('successorOf');
        if (!['Repurposed', 'Reused', 'Remanufactured'].includes(status)) {
          throw new ModelError(field, `only a Repurposed, Reused or Remanufactured battery succeeds an original, not one whose status is ${status}`);
        }
        const o = parseGS1(original, field);
        if (o.kind !== 'item') throw new ModelError(field, `must identify the original battery (GTIN + serial), not ${digitalLink(o)}`);
        if (digitalLink(o) === canonicalSubject(subject)) throw new ModelError(field, 'a battery cannot succeed itself: successorOf names the subject');
        successorOf = digitalLink(o);
      }
      r.finish();
      return successorOf;
    },
    productPassport(r, subject) {
      nonEmpty(r.string('uniqueProductIdentifier'), r.fp('uniqueProductIdentifier'));
      const gtin = r.optionalString('gtin');
      if (gtin !== undefined) {
        const g = gtin14(gtin, r.fp('gtin'));
        const id = tryGS1(subject);
        if (id && id.gtin !== undefined && id.gtin !== g) throw new ModelError(r.fp('gtin'), `GTIN ${gtin} is not the subject's GTIN ${id.gtin}`);
      }
      const code = r.string('commodityCode');
      if (!/^([0-9]{6}|[0-9]{8}|[0-9]{10})$/.test(code)) {
        throw new ModelError(r.fp('commodityCode'), `"${chars(code, 20)}" is not a commodity code: 6 (HS), 8 (CN) or 10 (TARIC) digits`);
      }
      r.objects('complianceDocuments', (d) => {
        nonEmpty(d.string('kind'), d.fp('kind'), 128);
        const url = d.string('url');
        if (!((url.startsWith('https://') || url.startsWith('http://')) && isAbsoluteURI(url))) throw new ModelError(d.fp('url'), 'must be an http(s) URL');
        checkDigest(d.string('digest'), d.fp('digest'));
        d.finish();
      });
      r.objects('substancesOfConcern', (x) => {
        nonEmpty(x.string('name'), x.fp('name'));
        const cas = x.optionalString('casNumber');
        if (cas !== undefined) checkCASNumber(cas, x.fp('casNumber'));
        const ec = x.optionalString('ecNumber');
        if (ec !== undefined) checkECNumber(ec, x.fp('ecNumber'));
        const concentration = x.number('concentration');
        const unit = x.enumValue('unit', ['%', 'mg/kg', 'ppm']);
        const max = unit === '%' ? 100n : 1000000n;
        if (concentration.compare(0n) < 0 || concentration.compare(max) > 0) {
          throw new ModelError(x.fp('concentration'), `${concentration.literal.slice(0, 40)} is outside 0…${max}`);
        }
        nonEmpty(x.string('location'), x.fp('location'));
        x.finish();
      });
      checkPartyIdentifier(r.string('economicOperatorId'), r.fp('economicOperatorId'));
      const facility = r.optionalString('facilityId');
      if (facility !== undefined) checkLocationIdentifier(facility, r.fp('facilityId'));
      r.finish();
    },
  };

  const DECODERS = {
    LedgerGenesis(r) {
      const origin = nonEmpty(r.string('origin'), 'origin', 255);
      if (NEWLINE.test(origin)) throw new ModelError('origin', 'must be one line');
      const operatorKey = r.string('operatorKey');
      checkVerifierKeyShape(operatorKey, 'operatorKey');
      r.optionalString('operatorName');
      return { origin, operatorKey, eventTime: readEventTime(r) };
    },
    PartyRegistration(r) {
      const partyId = nonEmpty(r.string('partyId'), 'partyId');
      checkPartyIdentifier(partyId, 'partyId');
      checkNFC(partyId, 'partyId');
      const legalName = nonEmpty(r.string('legalName'), 'legalName');
      checkNFC(legalName, 'legalName');
      const roles = readUniqueNames(r, 'roles', true, REGISTRABLE, 'role', 'is not a role');
      const publicKey = r.string('publicKey');
      checkVerifierKeyShape(publicKey, 'publicKey');
      r.optionalString('address');
      r.optionalString('contact');
      (r.optionalStringArray('facilities') || []).forEach((f, i) => checkLocationIdentifier(f, `facilities[${i}]`));
      const scopes = readScopes(r, 'scopes', false);
      const [validFrom, validUntil] = readValidity(r);
      const sm = r.optionalObject('smelter');
      if (sm) {
        const rmi = sm.string('rmiId');
        if (!/^CID[0-9]{6}$/.test(rmi)) throw new ModelError(sm.fp('rmiId'), `${quoted(rmi)} is not an RMI smelter id: CID and six digits expected (CID001070)`);
        sm.enumValue('metal', ['tin', 'tantalum', 'tungsten', 'gold', 'cobalt', 'lithium', 'nickel', 'natural-graphite']);
        sm.enumValue('conformanceStatus', ['conformant', 'active', 'non-conformant']);
        const assessedOn = sm.optionalString('assessedOn');
        if (assessedOn !== undefined) checkDate(assessedOn, sm.fp('assessedOn'));
        const programme = sm.optionalString('programme');
        if (programme !== undefined) nonEmpty(programme, sm.fp('programme'), 256);
        const country = sm.optionalString('country');
        if (country !== undefined) checkCountryCode(country, sm.fp('country'));
        sm.finish();
      }
      return { partyId, legalName, roles, publicKey, scopes, validFrom, validUntil, eventTime: readEventTime(r) };
    },
    KeyRevocation(r) {
      const revokedKey = r.string('revokedKey');
      checkKeyReferenceShape(revokedKey, 'revokedKey');
      const reason = r.enumValue('reason', ['compromise', 'superseded', 'party-exit']);
      const effectiveTime = r.timestamp('effectiveTime');
      const replacementKey = r.optionalString('replacementKey');
      if (replacementKey !== undefined) checkKeyReferenceShape(replacementKey, 'replacementKey');
      return { revokedKey, reason, effectiveTime, eventTime: readEventTime(r) };
    },
    AuthorityDelegation(r) {
      const delegate = nonEmpty(r.string('delegate'), 'delegate');
      checkPartyIdentifier(delegate, 'delegate');
      checkNFC(delegate, 'delegate');
      const scopes = readScopes(r, 'scopes', true);
      const kinds = readUniqueNames(r, 'kinds', false, DELEGABLE, 'kind', 'cannot be delegated');
      const [validFrom, validUntil] = readValidity(r);
      return { delegate, scopes, kinds, validFrom, validUntil, eventTime: readEventTime(r) };
    },
    GenericEvent(r) {
      const subject = nonEmpty(r.string('subject'), 'subject');
      nonEmpty(r.string('action'), 'action', 128);
      const d = r.optional('data');
      if (d !== undefined && !isObject(d)) throw new ModelError('data', `must be an object, found ${typeName(d)}`);
      return { subject, eventTime: readEventTime(r) };
    },
    LifecycleCommitment(r) {
      r.optional('@context');
      const scope = r.object('scope');
      const model = scope.string('model');
      checkModelIdentifier(model, scope.fp('model'));
      const from = scope.optionalString('serialFrom');
      const to = scope.optionalString('serialTo');
      if ((from === undefined) !== (to === undefined)) throw new ModelError(scope.fp(from === undefined ? 'serialFrom' : 'serialTo'), 'a serial range needs both ends');
      scope.finish();
      const placed = r.string('placedOnMarket');
      checkDate(placed, 'placedOnMarket');
      const end = r.string('securitySupportEnd');
      checkDate(end, 'securitySupportEnd');
      if (!(end > placed)) throw new ModelError('securitySupportEnd', `${end} must be after placedOnMarket ${placed}`);
      const contact = nonEmpty(r.string('vulnerabilityContact'), 'vulnerabilityContact');
      if (!isAbsoluteURI(contact)) throw new ModelError('vulnerabilityContact', 'must be a URI (https:… or mailto:…)');
      positiveDays(r, 'vulnerabilityResponseDays');
      const backend = r.optionalString('backendServiceMinimumEnd');
      if (backend !== undefined) checkDate(backend, 'backendServiceMinimumEnd');
      readDocument(r, 'repairInformation', true);
      r.array('spareParts').forEach((v, i) => {
        const p = new Reader(v, `spareParts[${i}]`);
        nonEmpty(p.string('partNumber'), p.fp('partNumber'));
        checkDate(p.string('availableUntil'), p.fp('availableUntil'));
        positiveDays(p, 'deliveryDays');
        p.finish();
      });
      const tb = r.object('takeBack');
      nonEmpty(tb.string('channel'), tb.fp('channel'));
      nonEmpty(tb.string('recyclingScheme'), tb.fp('recyclingScheme'));
      tb.finish();
      readDocument(r, 'dismantlingInformation', false);
      nonEmpty(r.string('insolvencyContinuity'), 'insolvencyContinuity', 4096);
      const use = r.optionalString('expectedUseTime');
      if (use !== undefined) checkYearMonthDuration(use, 'expectedUseTime');
      const mech = r.optionalString('securityUpdateMechanism');
      if (mech !== undefined) nonEmpty(mech, 'securityUpdateMechanism', 4096);
      readDocument(r, 'sbom', false);
      const vdp = r.optionalString('vulnerabilityDisclosurePolicy');
      if (vdp !== undefined) {
        if (!(vdp.startsWith('https://') || vdp.startsWith('http://'))) throw new ModelError('vulnerabilityDisclosurePolicy', 'must be an http(s) URL');
        if (utf8(vdp).length > 1024 || !isAbsoluteURI(vdp)) throw new ModelError('vulnerabilityDisclosurePolicy', 'must be an http(s) URL without white space, at most 1024 bytes');
      }
      const mc = r.optionalString('manufacturerContact');
      if (mc !== undefined) {
        nonEmpty(mc, 'manufacturerContact');
        if (!isAbsoluteURI(mc)) throw new ModelError('manufacturerContact', 'must be a URI (https:…, mailto:… or tel:…)');
      }
      return { model, eventTime: readEventTime(r) };
    },
    PassportData(r, source) {
      const subject = nonEmpty(r.string('subject'), 'subject');
      const id = parseGS1(subject, 'subject');
      if (!['item', 'batch', 'class'].includes(id.kind)) {
        throw new ModelError('subject', `must identify a product item (GTIN + serial), batch (GTIN + lot) or model (GTIN), not ${digitalLink(id)}`);
      }
      const aspect = r.enumValue('aspect', ASPECTS);
      if (DYNAMIC_ASPECTS.includes(aspect) && id.kind !== 'item') {
        throw new ModelError('subject', `${aspect} is about one battery: the subject must be an item (GTIN + serial), not ${digitalLink(id)}`);
      }
      const d = r.required('data');
      if (!isObject(d)) throw new ModelError('data', `must be an object, found ${typeName(d)}`);
      // The aspect's rules, on `data` as signed (number literals kept): `source` is the statement
      // parsed once more keeping them.
      const data = new SourceReader(source.data, 'data');
      const successorOf = PASSPORT_CONTENT[aspect](data, subject) || null;
      return { subject, aspect, successorOf, eventTime: readEventTime(r) };
    },
  };

  // CBV 2.0 vocabularies (bare word, urn:epcglobal:cbv:… or https://ref.gs1.org/cbv/…, or an extension URI).
  const BIZ_STEPS = ('accepting arriving assembling collecting commissioning consigning creating_class_instance cycle_counting ' +
    'decommissioning departing destroying disassembling dispensing encoding entering_exiting holding inspecting installing ' +
    'killing loading other packing picking receiving removing repackaging repairing replacing reserving retail_selling ' +
    'sampling sensor_reporting shipping staging_outbound stock_taking stocking storing transporting unloading unpacking void_shipping').split(' ');
  const DISPOSITIONS = ('active available completeness_inferred completeness_verified conformant container_closed container_open ' +
    'damaged destroyed dispensed disposed encoded expired in_progress in_transit inactive mismatch_class mismatch_instance ' +
    'mismatch_quantity needs_replacement no_pedigree_match non_conformant non_sellable_other partially_dispensed recalled ' +
    'reserved retail_sold returned sellable_accessible sellable_not_accessible stolen unavailable unknown').split(' ');
  const BTT = 'bol cert desadv inv pedigree po poc prodorder recadv rma testprd testres upevt'.split(' ');
  const SDT = ['owning_party', 'possessing_party', 'location'];
  const ERROR_REASONS = ['did_not_occur', 'incorrect_data'];
  const isCBVNamespace = (s) => s.startsWith('urn:epcglobal:cbv:') || s.startsWith('https://ref.gs1.org/cbv/') ||
    s.startsWith('https://ns.gs1.org/cbv/') || s.startsWith('http://ns.gs1.org/cbv/');

  /** A CBV value in normal form: `{standard: word}` or `{extension: uri}`. */
  function cbvValue(raw, field, allowed, urnPrefix, webPrefix, what) {
    let word = raw;
    if (raw.startsWith(urnPrefix)) word = raw.slice(urnPrefix.length);
    else if (raw.startsWith(webPrefix)) word = raw.slice(webPrefix.length);
    else if (isAbsoluteURI(raw)) {
      if (isCBVNamespace(raw)) throw new ModelError(field, `"${chars(raw, 80)}" is a CBV URI of the wrong vocabulary for a ${what}`);
      return { extension: raw };
    }
    if (!allowed.includes(word)) throw new ModelError(field, `"${chars(raw, 80)}" is not a CBV 2.0 ${what} (nor an extension URI)`);
    return { standard: word };
  }

  function checkUnique(list, field) {
    const seen = new Set();
    list.forEach((x, i) => {
      if (seen.has(x)) throw new ModelError(`${field}[${i}]`, `"${chars(x, 80)}" is listed twice: the list's items are unique`);
      seen.add(x);
    });
  }

  // EPCIS 2.0 §7.3.5.5 sensor members and the kinds of their values.
  const SENSOR_METADATA = { time: 'time', deviceID: 'uri', deviceMetadata: 'uri', rawData: 'uri', startTime: 'time', endTime: 'time',
    dataProcessingMethod: 'uri', bizRules: 'uri' };
  const SENSOR_REPORT = { type: 'measurementType', exception: 'alertType', deviceID: 'uri', deviceMetadata: 'uri', rawData: 'uri',
    dataProcessingMethod: 'uri', bizRules: 'uri', time: 'time', microorganism: 'uri', chemicalSubstance: 'uri', coordinateReferenceSystem: 'uri',
    value: 'number', component: 'component', stringValue: 'string', booleanValue: 'boolean', hexBinaryValue: 'hexBinary', uriValue: 'uri',
    minValue: 'number', maxValue: 'number', meanValue: 'number', sDev: 'number', percRank: 'number', percValue: 'number', uom: 'string' };
  const MEASUREMENT_TYPES = ('AbsoluteHumidity AbsorbedDose AbsorbedDoseRate Acceleration Radioactivity Altitude AmountOfSubstance ' +
    'AmountOfSubstancePerUnitVolume Angle AngularAcceleration AngularMomentum AngularVelocity Area Capacitance Conductance Conductivity Count ' +
    'Density Dimensionless DoseEquivalent DoseEquivalentRate DynamicViscosity ElectricCharge ElectricCurrent ElectricCurrentDensity ' +
    'ElectricFieldStrength Energy Exposure Force Frequency Illuminance Inductance Irradiance KinematicViscosity Length LinearMomentum Luminance ' +
    'LuminousFlux LuminousIntensity MagneticFlux MagneticFluxDensity MagneticVectorPotential Mass MassConcentration MassFlowRate MassPerAreaTime ' +
    'MemoryCapacity MolalityOfSolute MolarEnergy MolarMass MolarVolume Power Pressure RadiantFlux RadiantIntensity RelativeHumidity Resistance ' +
    'Resistivity SolidAngle SpecificVolume Speed SurfaceDensity SurfaceTension Temperature Time Torque Voltage Volume VolumeFlowRate ' +
    'VolumeFraction VolumetricFlux Wavenumber').split(' ');
  const SENSOR_ALERTS = ['ALARM_CONDITION', 'ERROR_CONDITION'];
  const SENSOR_COMPONENTS = ['x', 'y', 'z', 'axial_distance', 'azimuth', 'height', 'spherical_radius', 'polar_angle', 'elevation_angle',
    'easting', 'northing', 'latitude', 'longitude', 'altitude'];
  const isGS1WebVocabulary = (s) => s.startsWith('https://gs1.org/voc/') || s.startsWith('http://gs1.org/voc/') ||
    s.startsWith('https://www.gs1.org/voc/') || s.startsWith('http://www.gs1.org/voc/');

  function checkSensorValue(v, kind, field) {
    const str = () => {
      if (typeof v !== 'string') throw new ModelError(field, `must be a string, found ${typeName(v)} (EPCIS 2.0 §7.3.5.5)`);
      return v;
    };
    switch (kind) {
      case 'number': if (typeof v !== 'number') throw new ModelError(field, `must be a number, found ${typeName(v)} (EPCIS 2.0 §7.3.5.5)`); break;
      case 'boolean': if (typeof v !== 'boolean') throw new ModelError(field, `must be true or false, found ${typeName(v)} (EPCIS 2.0 §7.3.5.5)`); break;
      case 'string': str(); break;
      case 'time': parseTimestamp(str(), field); break;
      case 'uri': { const x = str(); if (!isAbsoluteURI(x)) throw new ModelError(field, `"${chars(x, 80)}" is not a URI`); break; }
      case 'hexBinary': { const x = str(); if (!/^[0-9A-Fa-f]+$/.test(x)) throw new ModelError(field, `"${chars(x, 80)}" is not hexadecimal binary (xsd:hexBinary)`); break; }
      case 'measurementType': case 'alertType': {
        const x = str();
        const [allowed, what] = kind === 'measurementType' ? [MEASUREMENT_TYPES, 'measurement type'] : [SENSOR_ALERTS, 'sensor alert type'];
        if (allowed.includes(x)) break;
        if (!isAbsoluteURI(x) || isGS1WebVocabulary(x)) {
          throw new ModelError(field, `"${chars(x, 80)}" is not an EPCIS 2.0 ${what} (nor an extension URI outside the GS1 Web Vocabulary)`);
        }
        break;
      }
      default: {
        const x = str();
        if (SENSOR_COMPONENTS.includes(x)) break;
        if (!isAbsoluteURI(x) || isCBVNamespace(x)) throw new ModelError(field, `"${chars(x, 80)}" is not an EPCIS 2.0 sensor component (nor an extension URI)`);
      }
    }
  }

  function checkSensorMembers(r, members, what) {
    for (const k of Object.keys(r.fields).sort(compareCodePoints)) {
      const v = r.fields[k];
      if (has(members, k)) {
        if (v !== null) checkSensorValue(v, members[k], r.fp(k));
      } else if (!isAbsoluteURI(k)) {
        throw new ModelError(r.fp(k), `is not a member of ${what} (EPCIS 2.0 §7.3.5.5); an extension member is a qualified name (prefix:name) or a URI`);
      }
    }
  }

  /** CBV 2.0 / GS1 Web Vocabulary names of a standard ILMD attribute (the CURIE and its URIs). */
  function standardNames(curie) {
    if (curie.startsWith('cbvmda:')) return [curie, 'urn:epcglobal:cbv:mda:' + curie.slice(7)];
    if (curie.startsWith('gs1:')) return [curie, 'https://gs1.org/voc/' + curie.slice(4), 'https://ref.gs1.org/voc/' + curie.slice(4)];
    return [curie];
  }

  function standardString(ilmd, curie) {
    for (const name of standardNames(curie)) {
      if (!has(ilmd, name) || ilmd[name] === null) continue;
      if (typeof ilmd[name] !== 'string' || ilmd[name] === '') throw new ModelError(`ilmd.${name}`, 'must be a non-empty string (CBV 2.0 master data)');
      return ilmd[name];
    }
    return null;
  }

  function standardCountry(ilmd) {
    for (const name of standardNames('cbvmda:countryOfOrigin')) {
      if (!has(ilmd, name) || ilmd[name] === null) continue;
      if (typeof ilmd[name] !== 'string') throw new ModelError(`ilmd.${name}`, 'must be an ISO 3166-1 alpha-2 country code string (CBV 2.0 master data)');
      checkCountryCode(ilmd[name], `ilmd.${name}`);
      return { code: ilmd[name], field: `ilmd.${name}` };
    }
    for (const name of standardNames('gs1:countryOfOrigin')) {
      if (!has(ilmd, name) || ilmd[name] === null) continue;
      const v = ilmd[name];
      let code = null;
      if (typeof v === 'string') code = v;
      else if (isObject(v)) {
        for (const k of ['gs1:countryCode', 'countryCode', 'https://gs1.org/voc/countryCode']) {
          if (has(v, k) && typeof v[k] === 'string') { code = v[k]; break; }
        }
      }
      if (code === null) throw new ModelError(`ilmd.${name}`, 'must be an ISO 3166-1 alpha-2 country code or a gs1:Country with gs1:countryCode');
      checkCountryCode(code, `ilmd.${name}`);
      return { code, field: `ilmd.${name}` };
    }
    return null;
  }

  function checkPercentage(v, field) {
    if (!Number.isFinite(v)) throw new ModelError(field, 'percentage must be a finite number');
    if (!(v >= 0 && v <= 100)) throw new ModelError(field, `percentage ${Number.isInteger(v) ? v : v} is outside 0…100`);
  }

  function checkCASNumber(s, field) {
    const m = /^([0-9]{2,7})-([0-9]{2})-([0-9])$/.exec(s);
    if (!m) throw new ModelError(field, `${quoted(s)} is not a CAS registry number of the form NNNNNNN-NN-N (2 to 7 digits, 2 digits, a check digit)`);
    if (m[1][0] === '0') throw new ModelError(field, `CAS number ${s} must not start with a zero`);
    const body = m[1] + m[2];
    let sum = 0;
    for (let k = 0; k < body.length; k++) sum += (k + 1) * (body.charCodeAt(body.length - 1 - k) - 48);
    if (sum % 10 !== Number(m[3])) throw new ModelError(field, `CAS number ${s} has check digit ${m[3]}, expected ${sum % 10}`);
  }

  /**
   * Assay's EPCIS extension fields (`assay:`, FORMAT.md §2), checked as Assay's decoder checks
   * them, and the ILMD master data it reads; returns the lot number (`cbvmda:lotNumber`) or null.
   * `fields` maps each `assay:` member to [value, path].
   */
  function decodeAssayExtension(fields, ilmd) {
    const seen = new Set();
    const get = (name) => { seen.add('assay:' + name); return fields.get('assay:' + name); };
    const string = (name) => {
      const f = get(name);
      if (!f) return null;
      if (typeof f[0] !== 'string' || f[0] === '') throw new ModelError(f[1], 'must be a non-empty string');
      return f[0];
    };
    const path = (name) => fields.get('assay:' + name)[1];
    string('partNumber');
    for (const name of ['supplier', 'manufacturer', 'owner']) {
      const v = string(name);
      if (v !== null) checkPartyIdentifier(v, path(name));
    }
    const own = string('countryOfOrigin');
    if (own !== null) checkCountryCode(own, path('countryOfOrigin'));
    const standard = standardCountry(ilmd);
    if (own !== null && standard && own !== standard.code) {
      throw new ModelError(path('countryOfOrigin'), `"${own}" contradicts ${standard.field} "${standard.code}"`);
    }
    const lot = standardString(ilmd, 'cbvmda:lotNumber');
    standardString(ilmd, 'cbvmda:itemExpirationDate');
    const made = string('manufacturingDate');
    if (made !== null) checkDate(made, path('manufacturingDate'));
    const gtin = string('gtin');
    if (gtin !== null) gtin14(gtin, path('gtin'));
    const place = string('placeOfManufacture');
    if (place !== null) checkLocationIdentifier(place, path('placeOfManufacture'));
    for (const name of ['materials', 'recoveredMaterials']) {
      const f = get(name);
      if (!f) continue;
      if (!Array.isArray(f[0])) throw new ModelError(f[1], 'must be an array of materials');
      f[0].forEach((m, i) => {
        const r = new Reader(m, `${f[1]}[${i}]`);
        r.string('name');
        const mass = r.optionalNumber('massGrams');
        if (mass !== undefined && !(mass > 0)) throw new ModelError(r.fp('massGrams'), 'must be positive');
        const recycled = r.optionalNumber('recycledContentPercent');
        if (recycled !== undefined) checkPercentage(recycled, r.fp('recycledContentPercent'));
        (r.optionalArray('substancesOfConcern') || []).forEach((sub, j) => {
          const sr = new Reader(sub, `${r.fp('substancesOfConcern')}[${j}]`);
          sr.string('name');
          checkCASNumber(sr.string('casNumber'), sr.fp('casNumber'));
          checkPercentage(sr.number('concentrationPercent'), sr.fp('concentrationPercent'));
          sr.finish();
        });
        r.finish();
      });
    }
    const certs = get('certifications');
    if (certs) {
      if (!Array.isArray(certs[0])) throw new ModelError(certs[1], 'must be an array of strings');
      certs[0].forEach((c, i) => { if (typeof c !== 'string' || c === '') throw new ModelError(`${certs[1]}[${i}]`, 'must be a non-empty string'); });
    }
    const fw = get('firmware');
    if (fw) {
      const r = new Reader(fw[0], fw[1]);
      checkDigest(r.string('imageDigest'), r.fp('imageDigest'));
      const sbom = r.optionalString('sbomDigest');
      if (sbom !== undefined) checkDigest(sbom, r.fp('sbomDigest'));
      const purl = r.optionalString('purl');
      if (purl !== undefined && !purl.startsWith('pkg:')) throw new ModelError(r.fp('purl'), 'a package URL starts with pkg:');
      const cpe = r.optionalString('cpe');
      if (cpe !== undefined && !cpe.startsWith('cpe:2.3:') && !cpe.startsWith('cpe:/')) throw new ModelError(r.fp('cpe'), 'a CPE name starts with cpe:2.3: or cpe:/');
      r.optionalString('version');
      r.finish();
    }
    const docs = get('documents');
    if (docs) {
      const r = new Reader(docs[0], docs[1]);
      for (const k of Object.keys(r.fields)) {
        if (typeof r.fields[k] !== 'string') throw new ModelError(r.fp(k), 'must be a digest string');
        checkDigest(r.fields[k], r.fp(k));
      }
    }
    const tests = get('testResults');
    if (tests) {
      if (!Array.isArray(tests[0])) throw new ModelError(tests[1], 'must be an array');
      tests[0].forEach((t, i) => {
        const r = new Reader(t, `${tests[1]}[${i}]`);
        r.string('name');
        const passed = r.optional('passed');
        if (passed === undefined) throw new ModelError(r.fp('passed'), 'is required');
        if (typeof passed !== 'boolean') throw new ModelError(r.fp('passed'), `must be true or false, found ${typeName(passed)}`);
        r.finish();
      });
    }
    const eol = string('endOfLifeStatus');
    const statuses = ['recycled', 'remanufactured', 'repurposed', 'reused', 'waste'];
    if (eol !== null && !statuses.includes(eol)) throw new ModelError(path('endOfLifeStatus'), `"${eol}" is not one of: ${statuses.join(', ')}`);
    const wipe = string('dataWipeAttestation');
    if (wipe !== null) checkDigest(wipe, path('dataWipeAttestation'));
    for (const [k, f] of fields) {
      if (!seen.has(k)) throw new ModelError(f[1], 'is not an Assay extension field');
    }
    return lot;
  }

  /**
   * An EPCIS 2.0 event, decoded as Assay decodes it (FORMAT.md §2, §8): every standard member
   * type- and value-checked (CBV vocabularies, identifiers with GS1 check digits, quantities and
   * units, sources and destinations, business transactions, errorDeclaration, sensor reports), the
   * ILMD and `assay:` extension fields, the shape rules of EPCIS 2.0 §7.4, and unknown members
   * refused unless namespaced. Returns what the completeness and registry rules read.
   */
  function decodeEPCIS(json) {
    const r = new Reader(json, '');
    const type = r.string('type');
    r.optional('@context');
    const eventID = r.optionalString('eventID');
    if (eventID !== undefined && !isAbsoluteURI(eventID)) throw new ModelError('eventID', 'must be a URI (urn:uuid:… or ni:///…)');
    const eventTime = r.timestamp('eventTime');
    validateZoneOffset(r.string('eventTimeZoneOffset'), 'eventTimeZoneOffset');
    r.optionalTimestamp('recordTime');
    let action = null;
    if (type === 'TransformationEvent') {
      if (r.has('action')) throw new ModelError('action', 'a TransformationEvent has no action');
    } else {
      action = r.enumValue('action', ['ADD', 'OBSERVE', 'DELETE']);
    }
    const bizStepText = r.optionalString('bizStep');
    const bizStep = bizStepText === undefined ? null
      : cbvValue(bizStepText, 'bizStep', BIZ_STEPS, 'urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-', 'business step');
    const disposition = r.optionalString('disposition');
    if (disposition !== undefined) cbvValue(disposition, 'disposition', DISPOSITIONS, 'urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-', 'disposition');
    const pd = r.optionalObject('persistentDisposition');
    if (pd) {
      let given = false;
      for (const key of ['set', 'unset']) {
        const list = pd.optionalStringArray(key, true);
        if (!list) continue;
        given = true;
        list.forEach((d, i) => cbvValue(d, `${pd.fp(key)}[${i}]`, DISPOSITIONS, 'urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-', 'disposition'));
        checkUnique(list, pd.fp(key));
      }
      pd.finish();
      if (!given) throw new ModelError(pd.fp('set'), 'a persistentDisposition gives set or unset');
    }
    const place = (key) => {
      const o = r.optionalObject(key);
      if (!o) return null;
      const id = o.string('id');
      checkLocationIdentifier(id, o.fp('id'));
      o.finish(true);
      return id;
    };
    const readPoint = place('readPoint');
    place('bizLocation');
    const epcListGiven = r.has('epcList') && r.fields.epcList !== null;
    const identifiers = (key) => {
      const ids = r.optionalStringArray(key) || [];
      ids.forEach((id, i) => checkObjectIdentifier(id, `${key}[${i}]`));
      if (key === 'epcList') checkUnique(ids, key);
      return ids;
    };
    const quantities = (key) => (r.optionalArray(key) || []).map((v, i) => {
      const q = new Reader(v, `${key}[${i}]`);
      const cls = q.string('epcClass');
      checkObjectIdentifier(cls, q.fp('epcClass'));
      const n = q.optionalNumber('quantity');
      if (n !== undefined && !(n > 0)) throw new ModelError(q.fp('quantity'), `must be positive, got ${formatDouble(n)}`);
      const uom = q.optionalString('uom');
      if (uom !== undefined && !/^[A-Z0-9]{2,3}$/.test(uom)) {
        throw new ModelError(q.fp('uom'), `unit ${quoted(uom)} is not a UN/ECE Recommendation 20 code: 2 or 3 upper-case letters or digits expected (e.g. KGM, MTR, C62)`);
      }
      if (uom !== undefined && n === undefined) throw new ModelError(q.fp('quantity'), 'is required when uom is given');
      q.finish();
      return cls;
    });
    const e = { type, eventID: eventID === undefined ? null : eventID, eventTime, action, bizStep };
    e.epcList = identifiers('epcList');
    e.quantityList = quantities('quantityList');
    const parentID = r.optionalString('parentID');
    e.parentID = parentID === undefined ? null : parentID;
    if (e.parentID !== null) checkObjectIdentifier(e.parentID, 'parentID');
    e.childEPCs = identifiers('childEPCs');
    e.childQuantityList = quantities('childQuantityList');
    e.inputEPCList = identifiers('inputEPCList');
    e.inputQuantityList = quantities('inputQuantityList');
    e.outputEPCList = identifiers('outputEPCList');
    e.outputQuantityList = quantities('outputQuantityList');
    const transformationID = r.optionalString('transformationID');
    if (transformationID !== undefined && !isAbsoluteURI(transformationID)) throw new ModelError('transformationID', 'must be a URI');
    for (const [key, member] of [['sourceList', 'source'], ['destinationList', 'destination']]) {
      (r.optionalArray(key) || []).forEach((v, i) => {
        const p = new Reader(v, `${key}[${i}]`);
        cbvValue(p.string('type'), p.fp('type'), SDT, 'urn:epcglobal:cbv:sdt:', 'https://ref.gs1.org/cbv/SDT-', 'source/destination type');
        if (!isAbsoluteURI(p.string(member))) throw new ModelError(p.fp(member), 'must be a URI');
        p.finish();
      });
    }
    const bizTransactions = r.optionalArray('bizTransactionList') || [];
    bizTransactions.forEach((v, i) => {
      const b = new Reader(v, `bizTransactionList[${i}]`);
      if (!isAbsoluteURI(b.string('bizTransaction'))) throw new ModelError(b.fp('bizTransaction'), 'must be a URI');
      const t = b.optionalString('type');
      if (t !== undefined) cbvValue(t, b.fp('type'), BTT, 'urn:epcglobal:cbv:btt:', 'https://ref.gs1.org/cbv/BTT-', 'business transaction type');
      b.finish();
    });
    const cert = r.optional('certificationInfo');
    if (cert !== undefined) {
      if (typeof cert === 'string') {
        if (!isAbsoluteURI(cert)) throw new ModelError('certificationInfo', 'must be a URI');
      } else if (Array.isArray(cert)) {
        r.stringArray('certificationInfo').forEach((c, i) => { if (!isAbsoluteURI(c)) throw new ModelError(`certificationInfo[${i}]`, 'must be a URI'); });
      } else {
        throw new ModelError('certificationInfo', 'must be a string or an array of strings');
      }
    }
    const ed = r.optionalObject('errorDeclaration');
    e.errorDeclaration = null;
    if (ed) {
      ed.timestamp('declarationTime');
      const reason = ed.optionalString('reason');
      if (reason !== undefined) cbvValue(reason, ed.fp('reason'), ERROR_REASONS, 'urn:epcglobal:cbv:er:', 'https://ref.gs1.org/cbv/ER-', 'error reason');
      (ed.optionalStringArray('correctiveEventIDs') || []).forEach((id, i) => {
        if (!isAbsoluteURI(id)) throw new ModelError(`${ed.fp('correctiveEventIDs')}[${i}]`, 'must be an event ID URI');
      });
      ed.finish(true);
      e.errorDeclaration = true;
    }
    const sensors = r.optionalArray('sensorElementList') || [];
    sensors.forEach((element, i) => {
      const s = new Reader(element, `sensorElementList[${i}]`);
      for (const k of Object.keys(s.fields).sort(compareCodePoints)) {
        if (k !== 'sensorMetadata' && k !== 'sensorReport' && !isAbsoluteURI(k)) {
          throw new ModelError(s.fp(k), 'is not a member of a sensorElement (sensorMetadata, sensorReport, or an extension prefix:name) (EPCIS 2.0 §7.3.5.5)');
        }
      }
      const meta = s.optionalObject('sensorMetadata');
      if (meta) checkSensorMembers(meta, SENSOR_METADATA, 'sensorMetadata');
      s.array('sensorReport', true).forEach((rep, j) => {
        const rr = new Reader(rep, `${s.fp('sensorReport')}[${j}]`);
        checkSensorMembers(rr, SENSOR_REPORT, 'a sensorReport');
        rr.string('type');
      });
    });
    let ilmd = null;
    const il = r.optionalObject('ilmd');
    if (il) {
      if (type !== 'ObjectEvent' && type !== 'TransformationEvent') throw new ModelError('ilmd', 'only ObjectEvent and TransformationEvent carry ilmd');
      if (type === 'ObjectEvent' && action !== 'ADD') {
        throw new ModelError('ilmd', `an ObjectEvent with action ${action} carries no ilmd: instance/lot master data is given when objects are added (EPCIS 2.0 §7.4.2)`);
      }
      for (const k of Object.keys(il.fields).sort(compareCodePoints)) {
        if (!isAbsoluteURI(k)) throw new ModelError(il.fp(k), 'an ilmd member must be a qualified name (prefix:name, e.g. cbvmda:lotNumber) or a URI (EPCIS 2.0 §7.3.6)');
      }
      ilmd = il.fields;
    }
    // Assay's extension fields (in ilmd, or on the event, never both) and the standard master data.
    const assayFields = new Map();
    if (ilmd) for (const k of Object.keys(ilmd)) if (k.startsWith('assay:')) assayFields.set(k, [ilmd[k], `ilmd.${k}`]);
    for (const k of Object.keys(r.fields)) {
      if (!k.includes(':') || k.startsWith('@') || !k.startsWith('assay:')) continue;
      if (assayFields.has(k)) throw new ModelError(k, 'is given both in ilmd and on the event');
      assayFields.set(k, [r.fields[k], k]);
    }
    e.lotNumber = decodeAssayExtension(assayFields, ilmd || Object.create(null));
    r.finish(true);
    // Shape (EPCIS 2.0 §7.4 and its JSON Schema).
    if (type === 'ObjectEvent') {
      if (!(epcListGiven || e.epcList.length || e.quantityList.length || (sensors.length && readPoint !== null))) {
        throw new ModelError('epcList', 'an ObjectEvent names its objects in epcList or quantityList, or reports sensor data (sensorElementList) at a readPoint');
      }
      for (const [k, set] of [['parentID', e.parentID !== null], ['childEPCs', e.childEPCs.length > 0], ['inputEPCList', e.inputEPCList.length > 0], ['outputEPCList', e.outputEPCList.length > 0]]) {
        if (set) throw new ModelError(k, 'is not a field of an ObjectEvent');
      }
    } else if (type === 'AggregationEvent' || type === 'AssociationEvent') {
      if ((action !== 'OBSERVE' || type === 'AssociationEvent') && e.parentID === null) {
        throw new ModelError('parentID', `is required for an ${type} with action ${action}`);
      }
      if (action !== 'DELETE' && !e.childEPCs.length && !e.childQuantityList.length) {
        throw new ModelError('childEPCs', `an ${type} ${action} names its children in childEPCs or childQuantityList`);
      }
      if (e.epcList.length) throw new ModelError('epcList', `is not a field of an ${type}`);
    } else if (type === 'TransformationEvent') {
      if (!(e.inputEPCList.length || e.inputQuantityList.length || e.outputEPCList.length || e.outputQuantityList.length)) {
        throw new ModelError('outputEPCList', 'a TransformationEvent names inputs or outputs');
      }
      if (e.epcList.length) throw new ModelError('epcList', 'is not a field of a TransformationEvent');
    } else {
      if (bizTransactions.length === 0) throw new ModelError('bizTransactionList', 'a TransactionEvent names at least one business transaction (EPCIS 2.0 §7.4.5)');
      if (action !== 'DELETE' && !epcListGiven && !e.quantityList.length) {
        throw new ModelError('epcList', `a TransactionEvent ${action} names its objects in epcList or quantityList (EPCIS 2.0 §7.4.5)`);
      }
    }
    return e;
  }

  /** §8: the classified kind of an EPCIS event, by errorDeclaration, type, action and business step. */
  function classify(e) {
    const step = e.bizStep === null ? null : (e.bizStep.standard !== undefined ? e.bizStep.standard : 'extension:' + e.bizStep.extension);
    const endOfLifeStep = ['collecting', 'disassembling', 'destroying', 'decommissioning'].includes(step);
    if (e.errorDeclaration) return 'Correction';
    if (e.type === 'ObjectEvent' && e.action === 'ADD' && step === 'commissioning') return 'ComponentOrigin';
    if ((e.type === 'ObjectEvent' && (e.action === 'DELETE' || endOfLifeStep)) || (e.type === 'TransformationEvent' && endOfLifeStep)) return 'EndOfLife';
    if (e.type === 'TransformationEvent') return 'ManufacturingStep';
    if ((e.type === 'AggregationEvent' || e.type === 'AssociationEvent') &&
        [null, 'assembling', 'repairing', 'replacing', 'installing', 'removing'].includes(step)) return 'ProductAssembly';
    return 'SupplyChainEvent';
  }

  /**
   * Decodes a statement's JSON bytes (at most 262,144 bytes, 32 levels) and validates it as far as
   * described above; returns `{kind, ...}` or throws ModelError.
   */
  function decodeStatement(bytes) {
    const json = parseJSON(bytes, 262144, 32);
    const r = new Reader(json, '');
    const type = r.string('type');
    try {
      if (EPCIS_TYPES.includes(type)) {
        const event = decodeEPCIS(json);
        const st = { kind: classify(event), type, event, eventTime: event.eventTime };
        checkIdentifierCharacters(st);
        return st;
      }
      if (!ASSAY_TYPES.includes(type)) {
        throw new ModelError('type', `unknown statement type "${chars(type, 60)}" (known: ${ASSAY_TYPES.concat(EPCIS_TYPES).join(', ')})`);
      }
      // Passport data is judged on its signed number literals: parse the bytes once more keeping them.
      const source = type === 'PassportData' ? parseJSON(bytes, 262144, 32, true) : null;
      const st = DECODERS[type](r, source);
      r.finish();
      st.kind = type;
      st.type = type;
      checkIdentifierCharacters(st);
      return st;
    } catch (e) {
      if (e instanceof ModelError && e.kind === null) e.kind = type;
      throw e;
    }
  }

  /**
   * §2: the identifiers a record is indexed under, and an EPCIS eventID, hold no control
   * character (U+0000–U+001F, U+007F–U+009F) and are in NFC (one spelling per identifier).
   */
  function checkIdentifierCharacters(st) {
    const ids = statementSubjects(st).map((id) => ['subject', id]);
    if (st.event && st.event.eventID !== null) ids.push(['eventID', st.event.eventID]);
    for (const [field, id] of ids) {
      for (const ch of id) {
        const c = ch.codePointAt(0);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
          const shown = Array.from(id).filter((x) => { const k = x.codePointAt(0); return k >= 0x20 && !(k >= 0x7f && k <= 0x9f); }).slice(0, 80).join('');
          throw new ModelError(field, `identifier "${shown}" contains the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
        }
      }
      if (!isNFC(id)) throw new ModelError(field, `identifier "${Array.from(id).slice(0, 80).join('')}" is not in Unicode Normalization Form C (NFC): write it composed, so that it has one spelling`);
    }
  }

  /** §7: every identifier an EPCIS event names as an object. */
  function objectIdentifiers(e) {
    const out = e.epcList.concat(e.childEPCs, e.inputEPCList, e.outputEPCList, e.quantityList, e.childQuantityList, e.inputQuantityList, e.outputQuantityList);
    if (e.parentID !== null) out.push(e.parentID);
    return out;
  }

  /** §7 / §13.1: the identifiers a statement is about. */
  function statementSubjects(st) {
    switch (st.kind) {
      case 'LedgerGenesis': case 'KeyRevocation': return [];
      // As the ledger indexes it (§7, §13.1): the partyId as written.
      case 'PartyRegistration': return [st.partyId];
      case 'AuthorityDelegation': return [canonicalSubject(st.delegate)];
      case 'GenericEvent': return [canonicalSubject(st.subject)];
      case 'LifecycleCommitment': return [canonicalModel(st.model)];
      case 'PassportData': return [canonicalSubject(st.subject)];
      default: return Array.from(new Set(objectIdentifiers(st.event).map(canonicalSubject)));
    }
  }

  /** §13.4 rule 2: what an entry produces. */
  function produced(st) {
    if (st.kind === 'LifecycleCommitment') return [canonicalModel(st.model)];
    if (!st.event) return [];
    const e = st.event;
    switch (st.kind) {
      case 'ComponentOrigin': return e.epcList.concat(e.quantityList).map(canonicalSubject);
      case 'ManufacturingStep': return e.outputEPCList.concat(e.outputQuantityList).map(canonicalSubject);
      case 'ProductAssembly': return e.parentID === null ? [] : [canonicalSubject(e.parentID)];
      case 'EndOfLife': return objectIdentifiers(e).map(canonicalSubject);
      default: return [];
    }
  }

  /** §13.4 rule 2: what an entry consumes. */
  function consumed(st) {
    if (!st.event) return [];
    const e = st.event;
    if (st.kind === 'ManufacturingStep') return e.inputEPCList.concat(e.inputQuantityList).map(canonicalSubject);
    if (st.kind === 'ProductAssembly' && e.action === 'ADD') return e.childEPCs.concat(e.childQuantityList).map(canonicalSubject);
    return [];
  }

  /** §13.4 rule 1: the batch an entry producing serialised `item` places it in (ILMD lot number). */
  function declaredBatch(st, item) {
    if (!st.event || st.event.lotNumber === null) return null;
    const k = tryGS1(item);
    if (!k || k.kind !== 'item' || !produced(st).includes(digitalLink(k))) return null;
    try {
      validateEncodable82(st.event.lotNumber, 'lot (AI 10)', '');
    } catch (e) {
      return null;
    }
    return digitalLink({ kind: 'batch', gtin: k.gtin, lot: st.event.lotNumber });
  }

  /** §13.1: the key references a statement is about (computed for the genesis and registrations). */
  function keyReferences(st) {
    if (st.kind === 'LedgerGenesis') return st.operatorKeyParsed ? [st.operatorKeyParsed.reference] : [];
    if (st.kind === 'PartyRegistration') return st.publicKeyParsed ? [st.publicKeyParsed.reference] : [];
    if (st.kind === 'KeyRevocation') return [st.revokedKey];
    return [];
  }

  /** §13.1: every index subject of a statement, deduplicated. */
  function indexSubjects(st) {
    const ids = statementSubjects(st);
    const out = ids.map((name) => ({ type: KEY_TYPE.identifier, name }));
    if (DEFINING_KINDS.includes(st.kind)) ids.forEach((name) => out.push({ type: KEY_TYPE.defining, name }));
    keyReferences(st).forEach((name) => out.push({ type: KEY_TYPE.key, name }));
    const seen = new Set();
    return out.filter((s) => { const id = subjectId(s.type, s.name); if (seen.has(id)) return false; seen.add(id); return true; });
  }

  // ---------------------------------------------------------------------------------------------
  // The signer registry (FORMAT.md §8), replayed in log order

  class Registry {
    constructor() {
      this.origin = null;
      this.keys = new Map();          // reference → registered key
      this.byPublicKey = new Map();   // public key hex → reference
      this.operatorReference = null;
      this.delegations = [];          // {seq, delegator, d}
    }

    /** Why `st`, signed by `signer` and appended at `t` (BigInt ms), may not stand at `seq`; or its key. */
    authorize(seq, st, signer, t) {
      const reject = (message) => ({ error: message });
      if (st.kind === 'LedgerGenesis') {
        if (seq !== 0n) return reject('a genesis entry may only be the first entry');
        const vk = st.operatorKeyParsed;
        if (!vk || vk.type !== 0x01) return reject('genesis operatorKey is not a valid Ed25519 verifier key');
        if (!edIsValidPoint(vk.publicKey)) return reject('genesis operatorKey is a weak (small-order) or invalid Ed25519 public key');
        if (signer !== vk.reference) return reject(`genesis must be signed by its own operator key ${vk.reference}, not ${signer}`);
        return { key: { reference: vk.reference, publicKey: vk.publicKey, partyId: 'operator', legalName: '', roles: new Set(['operator']), scopes: [],
          validFrom: null, validUntil: null, revokedAt: null, compromisedFrom: null, compromiseRevokedAt: null } };
      }
      if (!(seq > 0n && this.origin !== null)) return reject('the first entry must be the ledger genesis');
      const key = this.keys.get(signer);
      if (!key) return reject(`signer ${signer} is not a registered key`);
      if (key.revokedAt !== null && key.revokedAt < seq) return reject(`signer ${signer} was revoked at seq ${key.revokedAt}`);
      if (key.validUntil && t > key.validUntil.millis) return reject(`signer ${signer}'s registration expired at ${key.validUntil.text}`);
      if (key.validFrom && t < key.validFrom.millis) return reject(`signer ${signer}'s registration is valid only from ${key.validFrom.text}`);
      const kind = st.kind;
      const rolesText = Array.from(key.roles).sort().join(', ');
      const mayNot = () => reject(`signer ${signer} (roles: ${rolesText}) may not write ${kind}`);
      switch (kind) {
        case 'PartyRegistration': {
          const vk = st.publicKeyParsed;
          if (!vk || vk.type !== 0x01) return reject('publicKey is not a valid Ed25519 verifier key');
          if (!edIsValidPoint(vk.publicKey)) return reject('publicKey is a weak (small-order) or invalid Ed25519 public key');
          const existing = this.byPublicKey.get(hex(vk.publicKey));
          if (existing !== undefined) return reject(`public key of ${vk.reference} is already registered as ${existing}: a public key is registered once, ever`);
          if (this.keys.has(vk.reference)) return reject(`key ${vk.reference} is already registered`);
          if (!mayWrite(kind, key.roles)) return mayNot();
          break;
        }
        case 'KeyRevocation': {
          const target = this.keys.get(st.revokedKey);
          if (!target) return reject(`revoked key ${st.revokedKey} is not a registered key`);
          if (st.revokedKey === this.operatorReference) return reject('the operator key cannot be revoked');
          const byOperator = mayWrite(kind, key.roles);
          if (st.reason === 'compromise') {
            if (!(byOperator || target.reference === key.reference)) {
              return reject(`a compromise revocation of ${st.revokedKey} is signed by the operator or by that key itself, not ${signer}`);
            }
            if (target.compromisedFrom !== null && target.compromisedFrom <= st.effectiveTime.millis) {
              return reject(`key ${st.revokedKey} is already revoked for compromise from ${formatMillis(target.compromisedFrom)} (seq ${target.compromiseRevokedAt}); a new compromise revocation must give an earlier effectiveTime`);
            }
          } else {
            if (target.revokedAt !== null) return reject(`key ${st.revokedKey} is already revoked (seq ${target.revokedAt}); only a compromise revocation may follow`);
            if (!(byOperator || target.partyId === key.partyId)) return reject(`signer ${signer} may not revoke another party's key ${st.revokedKey}`);
          }
          break;
        }
        case 'AuthorityDelegation': {
          if (!mayWrite(kind, key.roles)) return mayNot();
          if (canonicalSubject(st.delegate) === canonicalSubject(key.partyId)) return reject('a party cannot delegate to itself');
          for (const s of st.scopes) {
            if (!key.scopes.some((own) => scopeContains(own, s))) {
              return reject(`signer ${signer} may not delegate ${s.text}: its registration holds no scope containing it (a delegate cannot delegate further)`);
            }
          }
          break;
        }
        case 'PassportData': {
          if (!mayWrite(kind, key.roles)) return mayNot();
          const why = this.passportRefusal(st, key, seq, t);
          if (why) return reject(why);
          break;
        }
        default:
          if (!mayWrite(kind, key.roles)) return mayNot();
      }
      return { key };
    }

    /** Records an admitted entry's effect. */
    apply(seq, st, key) {
      switch (st.kind) {
        case 'LedgerGenesis':
          this.origin = st.origin;
          this.operatorReference = key.reference;
          this.keys.set(key.reference, key);
          this.byPublicKey.set(hex(key.publicKey), key.reference);
          break;
        case 'PartyRegistration': {
          const vk = st.publicKeyParsed;
          this.keys.set(vk.reference, { reference: vk.reference, publicKey: vk.publicKey, partyId: st.partyId, legalName: st.legalName,
            roles: new Set(st.roles), scopes: st.scopes, registeredAt: seq, validFrom: st.validFrom, validUntil: st.validUntil,
            revokedAt: null, compromisedFrom: null, compromiseRevokedAt: null });
          this.byPublicKey.set(hex(vk.publicKey), vk.reference);
          break;
        }
        case 'KeyRevocation': {
          const k = this.keys.get(st.revokedKey);
          if (!k) break;
          if (k.revokedAt === null) k.revokedAt = seq;
          if (st.reason === 'compromise' && (k.compromisedFrom === null || st.effectiveTime.millis < k.compromisedFrom)) {
            k.compromisedFrom = st.effectiveTime.millis;
            k.compromiseRevokedAt = seq;
          }
          break;
        }
        case 'AuthorityDelegation':
          this.delegations.push({ seq, delegator: key.partyId, d: st });
          break;
        default:
          break;
      }
    }

    /** §10: whether `key` has authority over `identifier` for `kind` at `seq` (own scope or delegation). */
    hasAuthority(key, kind, identifier, seq, t) {
      if (key.scopes.some((s) => scopeCovers(s, identifier))) return true;
      const me = canonicalSubject(key.partyId);
      const latest = new Map();
      for (const d of this.delegations) {
        if (d.seq < seq && canonicalSubject(d.d.delegate) === me) latest.set(d.delegator, d);
      }
      for (const d of latest.values()) {
        const del = d.d;
        if (!del.kinds.includes(kind)) continue;
        if (del.validFrom && t < del.validFrom.millis) continue;
        if (del.validUntil && t > del.validUntil.millis) continue;
        if (del.scopes.some((s) => scopeCovers(s, identifier))) return true;
      }
      return false;
    }

    /** §8, passport data: the aspect's writer roles, and authority over the subject where needed. */
    passportRefusal(st, key, seq, t) {
      const allowed = aspectWriters(st.aspect);
      const acting = allowed.filter((r) => key.roles.has(r));
      if (acting.length === 0) {
        return `signer ${key.reference} (roles: ${Array.from(key.roles).sort().join(', ')}) may not write the ${st.aspect} aspect of PassportData (written by: ${allowed.slice().sort().join(', ')})`;
      }
      const subject = canonicalSubject(st.subject);
      const authority = this.hasAuthority(key, 'PassportData', subject, seq, t);
      let needs, because;
      if (!DYNAMIC_ASPECTS.includes(st.aspect)) {
        needs = true;
        because = `the ${st.aspect} aspect is the brand owner's`;
      } else if (st.successorOf !== null) {
        needs = true;
        because = 'a successor passport (successorOf) is written by the party whose product the successor battery is';
      } else {
        needs = !acting.some((r) => ['repairer', 'secondLifeOperator', 'recycler'].includes(r));
        because = `a manufacturer records the ${st.aspect} of its own batteries (repairers, second-life operators and recyclers record what they measured or changed)`;
      }
      if (!needs || authority) return null;
      return `signer ${key.reference} (${key.legalName}) has no authority over ${subject}: no scope of its registration and no delegation of PassportData covers it, and ${because}`;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Envelopes (FORMAT.md §2) and records (§3)

  const PAYLOAD_TYPE = 'application/vnd.assay.statement.v1+json';
  const isPlainToken = (s) => /^[\x21\x23-\x5b\x5d-\x7e]*$/.test(s);

  /** Parses exactly the canonical one-signature layout of §2; null for anything else. */
  function parseCanonicalEnvelope(bytes) {
    const text = utf8Strict(bytes);
    if (text === null) return null;
    const m = /^\{"payloadType":"([\x21\x23-\x5b\x5d-\x7e]+)","payload":"([\x21\x23-\x5b\x5d-\x7e]*)","signatures":\[\{"keyid":"([\x21\x23-\x5b\x5d-\x7e]*)","sig":"([\x21\x23-\x5b\x5d-\x7e]*)"\}\]\}$/.exec(text);
    if (!m) return null;
    const payload = b64decode(m[2]);
    const sig = b64decode(m[4]);
    if (!payload || !sig) return null;
    return { payloadType: m[1], payload, signatures: [{ keyid: m[3], sig }] };
  }

  /** Any JSON layout of a DSSE envelope (for messages about a non-canonical one). */
  function parseEnvelopeJSON(bytes) {
    const fast = parseCanonicalEnvelope(bytes);
    if (fast) return fast;
    let w;
    try { w = parseJSON(bytes, Infinity, 64); } catch (e) { throw new Error('not a DSSE envelope: the file is not valid JSON'); }
    if (!isObject(w)) throw new Error('not a DSSE envelope: wrong type at ""');
    for (const k of ['payloadType', 'payload', 'signatures']) if (!has(w, k)) throw new Error(`not a DSSE envelope: missing "${k}"`);
    if (typeof w.payloadType !== 'string' || typeof w.payload !== 'string' || !Array.isArray(w.signatures)) throw new Error('not a DSSE envelope: wrong type');
    if (!isPlainToken(w.payloadType) || w.payloadType === '') throw new Error('DSSE envelope: payloadType must be printable ASCII without quotes or backslashes');
    const payload = b64decode(w.payload);
    if (!payload) throw new Error('DSSE envelope: payload is not standard base64');
    if (w.signatures.length === 0) throw new Error('DSSE envelope has no signatures');
    const signatures = w.signatures.map((s, i) => {
      if (!isObject(s) || typeof s.sig !== 'string') throw new Error('not a DSSE envelope: wrong type');
      const sig = b64decode(s.sig);
      if (!sig) throw new Error(`DSSE envelope: signature ${i} is not standard base64`);
      const keyid = s.keyid === undefined || s.keyid === null ? '' : s.keyid;
      if (typeof keyid !== 'string' || !isPlainToken(keyid)) throw new Error(`DSSE envelope: keyid of signature ${i} must be printable ASCII without quotes or backslashes`);
      return { keyid, sig };
    });
    return { payloadType: w.payloadType, payload, signatures };
  }

  function canonicalEnvelope(env) {
    return utf8(`{"payloadType":"${env.payloadType}","payload":"${b64encode(env.payload)}","signatures":[` +
      env.signatures.map((s) => `{"keyid":"${s.keyid}","sig":"${b64encode(s.sig)}"}`).join(',') + ']}');
  }

  /** DSSE v1 pre-authentication encoding. */
  function pae(payloadType, payload) {
    const t = utf8(payloadType);
    return concat(utf8(`DSSEv1 ${t.length} `), t, utf8(` ${payload.length} `), payload);
  }

  /**
   * The per-entry parse of an append (§2, §3): size limits, canonical form, payload type, one
   * signature, statement. Returns `{env, st}` or `{error}`; verifier keys named by genesis and
   * registrations are parsed too (their key id is checked there).
   */
  async function parseEntry(bytes) {
    if (bytes.length > 368640) return { error: `envelope is ${bytes.length} bytes, over the limit of 368640` };
    let env = parseCanonicalEnvelope(bytes);
    if (!env) {
      try { env = parseEnvelopeJSON(bytes); } catch (e) { return { error: e.message }; }
      if (!bytesEqual(canonicalEnvelope(env), bytes)) return { error: 'stored envelope is not in canonical form' };
    }
    const canonicalCount = bytes.length;
    if (canonicalCount > 65518) {
      return { error: `envelope is ${canonicalCount} bytes in canonical form, over the limit of 65518: its record (${canonicalCount + 17} bytes) would not fit the uint16 length of a tlog-tiles entry bundle (at most 65535)` };
    }
    if (env.payloadType !== PAYLOAD_TYPE) return { error: `payloadType "${env.payloadType}" is not ${PAYLOAD_TYPE}` };
    if (env.signatures.length !== 1) return { error: `an entry carries exactly one signature, this has ${env.signatures.length}` };
    let st;
    try {
      st = decodeStatement(env.payload);
    } catch (e) {
      if (e instanceof ModelError) return { error: `invalid statement: ${e.description}` };
      throw e;
    }
    await resolveKeys(st);
    return { env, st };
  }

  async function resolveKeys(st) {
    const parse = async (text) => { try { return await parseVerifierKey(text); } catch (e) { return null; } };
    if (st.kind === 'LedgerGenesis') st.operatorKeyParsed = await parse(st.operatorKey);
    if (st.kind === 'PartyRegistration') st.publicKeyParsed = await parse(st.publicKey);
  }

  // ---------------------------------------------------------------------------------------------
  // The bundle (FORMAT.md §9, Schemas/bundle.schema.json)


  function readHashes(r, key) {
    const out = r.stringArray(key).map((h, i) => {
      const d = digest32(h);
      if (!d) throw new ModelError(`${r.fp(key)}[${i}]`, 'is not a base64 SHA-256 hash');
      return d;
    });
    if (out.length > 64) throw new ModelError(r.fp(key), 'has more than 64 hashes');
    return out;
  }

  function readHash(r, key) {
    const d = digest32(r.string(key));
    if (!d) throw new ModelError(r.fp(key), 'is not a base64 SHA-256 hash');
    return d;
  }

  function readCount(r, key) {
    const n = r.number(key);
    if (!(n >= 0 && n <= 9007199254740991 && Number.isInteger(n))) throw new ModelError(r.fp(key), 'must be a whole number from 0 to 2^53 - 1');
    return n;
  }

  function readIndexProofs(r) {
    return (r.optionalArray('index') || []).map((v, i) => {
      const p = new Reader(v, `${r.fp('index')}[${i}]`);
      const typeText = p.string('type');
      if (!has(KEY_TYPE, typeText)) throw new ModelError(p.fp('type'), `"${chars(typeText, 40)}" is not identifier, defining or key`);
      const subject = p.string('subject');
      const count = readCount(p, 'count');
      const chain = readHash(p, 'chain');
      const path = p.stringArray('path').map((h, j) => {
        const d = digest32(h);
        if (!d) throw new ModelError(`${p.fp('path')}[${j}]`, 'is not a base64 SHA-256 hash');
        return d;
      });
      if (path.length > 256) throw new ModelError(p.fp('path'), 'has more than 256 hashes');
      let neighbor = null;
      const n = p.optionalObject('neighbor');
      if (n) {
        neighbor = { key: readHash(n, 'key'), count: readCount(n, 'count'), chain: readHash(n, 'chain') };
        n.finish();
      }
      p.finish();
      return { type: KEY_TYPE[typeText], subject, count, chain, path, neighbor };
    });
  }

  /** Parses a bundle as Assay's ProductBundle parser does; throws ModelError. */
  function parseBundle(input) {
    let json = input;
    if (typeof input === 'string') json = parseJSON(utf8(input), 64 * 1024 * 1024, 8);
    else if (input instanceof Uint8Array) json = parseJSON(input, 64 * 1024 * 1024, 8);
    else if (input instanceof ArrayBuffer) json = parseJSON(new Uint8Array(input), 64 * 1024 * 1024, 8);
    const r = new Reader(json, '');
    const format = r.string('format');
    if (format !== 'assay-bundle/v1') throw new ModelError('format', `"${chars(format, 40)}" is not assay-bundle/v1`);
    const origin = r.string('origin');
    const product = r.string('product');
    const checkpoint = r.string('checkpoint');
    const entries = r.array('entries', true).map((v, i) => {
      const e = new Reader(v, `entries[${i}]`);
      const seq = e.number('seq');
      const raw = b64decode(e.string('record'));
      if (!raw) throw new ModelError(e.fp('record'), 'is not standard base64');
      if (raw.length < 17 || raw[0] !== 0x01) throw new ModelError(e.fp('record'), 'record bytes do not start with version 0x01 and a 16-byte header');
      const recordSeq = readU64(raw, 1);
      if (Number(recordSeq) !== seq) throw new ModelError(e.fp('seq'), `says ${formatDouble(seq)} but the record is entry ${recordSeq}`);
      const proof = readHashes(e, 'proof');
      e.finish();
      return { seq: recordSeq, time: BigInt.asIntN(64, readU64(raw, 9)), record: raw, envelope: raw.subarray(17), proof };
    });
    let consistency = null;
    const c = r.optionalObject('consistency');
    if (c) {
      consistency = { fromCheckpoint: c.string('fromCheckpoint'), hashes: readHashes(c, 'hashes'), index: readIndexProofs(c) };
      c.finish();
    }
    const index = readIndexProofs(r);
    r.finish();
    return { origin, product, checkpoint, entries, consistency, index };
  }

  // ---------------------------------------------------------------------------------------------
  // §13.4: the subjects a verdict rests on, from the entries alone

  function closure(product, entries) {
    const about = new Map();
    for (const e of entries.slice().sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))) {
      for (const s of indexSubjects(e.st)) {
        const id = subjectId(s.type, s.name);
        if (!about.has(id)) about.set(id, []);
        about.get(id).push(e);
      }
    }
    const found = new Map();
    const root = canonicalSubject(product);
    const queue = [{ type: KEY_TYPE.identifier, name: root }];
    const model = productModel(root);
    if (model !== null) queue.push({ type: KEY_TYPE.defining, name: model });
    while (queue.length) {
      const subject = queue.pop();
      const id = subjectId(subject.type, subject.name);
      if (found.has(id)) continue;
      const list = about.get(id) || [];
      found.set(id, { subject, entries: list });
      for (const e of list) {
        queue.push({ type: KEY_TYPE.key, name: e.signer });
        if (subject.type === KEY_TYPE.key) {
          if (e.st.kind === 'PartyRegistration') {
            const refs = keyReferences(e.st);
            if (refs.length === 1 && refs[0] === subject.name) {
              queue.push({ type: KEY_TYPE.identifier, name: e.st.partyId });
              queue.push({ type: KEY_TYPE.identifier, name: canonicalSubject(e.st.partyId) });
            }
          }
          continue;
        }
        if (subject.type === KEY_TYPE.identifier && subject.name === root) {
          const batch = declaredBatch(e.st, root);
          if (batch !== null) queue.push({ type: KEY_TYPE.defining, name: batch });
        }
        if (!produced(e.st).includes(subject.name)) continue;
        for (const c of consumed(e.st).map(canonicalSubject)) {
          queue.push({ type: isSerialisedItem(c) ? KEY_TYPE.identifier : KEY_TYPE.defining, name: c });
        }
      }
    }
    return Array.from(found.values()).sort((a, b) => (a.subject.type - b.subject.type) || compareCodePoints(a.subject.name, b.subject.name));
  }

  async function foldChain(entries) {
    let chain = ZERO32;
    for (const e of entries) chain = await indexChain(chain, e.leaf);
    return { count: entries.length, chain };
  }

  // ---------------------------------------------------------------------------------------------
  // Verifying a bundle (FORMAT.md §9 steps 1–5)

  async function verify(input, trust, out) {
    const fail = (m) => out.problems.push(m);

    // The reader's pins.
    if (!isObject(trust)) { fail('the trust settings are not an object'); return; }
    if (typeof trust.logKey !== 'string') { fail('the trust settings give no log key (logKey)'); return; }
    if (typeof trust.origin !== 'string' || trust.origin === '') { fail('the trust settings give no log origin (origin)'); return; }
    if (typeof trust.product !== 'string' || trust.product === '') { fail('the trust settings give no product (product)'); return; }
    let logKey;
    try { logKey = await parseVerifierKey(trust.logKey.trim()); } catch (e) { fail(`the pinned log key does not parse: ${e.message}`); return; }
    const witnesses = [];
    const witnessTexts = trust.witnessKeys === undefined || trust.witnessKeys === null ? [] : trust.witnessKeys;
    if (!Array.isArray(witnessTexts)) { fail('the trust settings\' witnessKeys is not a list'); return; }
    for (const w of witnessTexts) {
      try { witnesses.push(await parseVerifierKey(String(w).trim())); } catch (e) { fail(`the pinned witness key ${chars(String(w), 60)} does not parse: ${e.message}`); return; }
    }
    const needed = trust.witnessesNeeded === undefined || trust.witnessesNeeded === null ? 0 : trust.witnessesNeeded;
    if (!Number.isInteger(needed) || needed < 0) { fail('the trust settings\' witnessesNeeded is not a whole number of at least 0'); return; }
    const origin = trust.origin;
    const product = canonicalSubject(trust.product);

    let bundle;
    try {
      bundle = parseBundle(input);
    } catch (e) {
      if (e instanceof ModelError) { fail(`the bundle does not parse: ${e.description}`); return; }
      throw e;
    }
    out.counts.entries = bundle.entries.length;

    // 1. Pins: origin, product, genesis.
    if (bundle.origin !== origin) fail(`the bundle is for log "${bundle.origin}", not the log "${origin}" given`);
    if (canonicalSubject(bundle.product) !== product) fail(`the bundle is for product ${canonicalSubject(bundle.product)}, not ${product}`);
    const first = bundle.entries[0];
    if (first.seq !== 0n) {
      fail('the bundle lacks the genesis entry (seq 0), so its log key and origin cannot be checked');
    } else {
      let genesis = null;
      try {
        const env = parseEnvelopeJSON(first.envelope);
        const st = decodeStatement(env.payload);
        if (st.kind === 'LedgerGenesis') genesis = st;
      } catch (e) { /* reported below */ }
      if (!genesis) {
        fail('entry 0 is not a ledger genesis');
      } else {
        let op = null;
        try { op = await parseVerifierKey(genesis.operatorKey); } catch (e) { /* reported below */ }
        if (!(op && bytesEqual(op.publicKey, logKey.publicKey) && op.name === logKey.name)) {
          fail(`the genesis names operator key ${genesis.operatorKey.split('+').slice(0, 2).join('+')}, not the log key ${logKey.reference} given`);
        } else if (genesis.origin !== origin) {
          fail(`the genesis names origin "${genesis.origin}", not "${origin}"`);
        }
      }
    }

    // 2. Checkpoint: the log's signature, the origin, the witness policy.
    let cp = null;
    try {
      const opened = await openCheckpoint(bundle.checkpoint, logKey, origin, witnesses, needed);
      cp = opened.body;
      out.witnesses = opened.witnessNames;
      out.checkpoint = { origin: cp.origin, size: Number(cp.size), rootHash: b64encode(cp.root) };
    } catch (e) {
      if (!(e instanceof LogError)) throw e;
      fail(`the bundle's checkpoint does not verify: ${e.message}`);
    }

    // 3. Consistency: a proof the bundle carries is always checked; `since` requires one.
    let older = null;
    if (cp) {
      if (bundle.consistency) {
        let proved = false;
        try {
          older = (await openCheckpoint(bundle.consistency.fromCheckpoint, logKey, origin, [], 0)).body;
          await verifyConsistency(older.size, cp.size, bundle.consistency.hashes, older.root, cp.root);
          proved = true;
        } catch (e) {
          if (!(e instanceof LogError)) throw e;
          fail(`the bundle's consistency proof does not verify: ${e.message}`);
        }
        if (proved && typeof trust.since === 'string') {
          try {
            const trusted = (await openCheckpoint(trust.since, logKey, origin, [], 0)).body;
            if (!(older.size === trusted.size && bytesEqual(older.root, trusted.root))) {
              fail(`not consistent with the trusted checkpoint: the bundle's consistency proof starts from size ${older.size}, not the trusted checkpoint's size ${trusted.size} and root`);
            }
          } catch (e) {
            if (!(e instanceof LogError)) throw e;
            fail(`not consistent with the trusted checkpoint: ${e.message}`);
          }
        }
      } else if (typeof trust.since === 'string') {
        fail('not consistent with the trusted checkpoint: the bundle carries no consistency proof (export it with --since)');
      }
    }

    // 4a. Order, inclusion proofs, record times.
    const provable = [];
    let lastSeq = null;
    let lastTime = null;
    for (const e of bundle.entries) {
      if (lastSeq !== null && e.seq <= lastSeq) { fail(`entry ${e.seq} is out of order or repeated`); continue; }
      lastSeq = e.seq;
      if (!cp) continue;
      if (!(e.seq < cp.size)) { fail(`entry ${e.seq} lies beyond the checkpoint's tree size ${cp.size}`); continue; }
      e.leaf = await leafHash(e.record);
      try {
        await verifyInclusion(e.seq, cp.size, e.leaf, e.proof, cp.root);
      } catch (err) {
        if (!(err instanceof LogError)) throw err;
        fail(`entry ${e.seq}: inclusion proof does not lead to the checkpoint root: ${err.message}`);
        continue;
      }
      out.counts.inclusionProofs++;
      if (lastTime !== null && e.time < lastTime) fail(`entry ${e.seq}: record time goes backwards`);
      if (lastTime === null || e.time > lastTime) lastTime = e.time;
      provable.push(e);
    }

    // 4b. Each envelope passes exactly the checks of an append at its position.
    const registry = new Registry();
    const checked = [];
    for (const e of provable) {
      const parsed = await parseEntry(e.envelope);
      if (parsed.error) { fail(`entry ${e.seq}: ${parsed.error}`); continue; }
      const signer = parsed.env.signatures[0].keyid;
      const auth = registry.authorize(e.seq, parsed.st, signer, e.time);
      if (auth.error) { fail(`entry ${e.seq}: ${auth.error}`); continue; }
      const sig = parsed.env.signatures[0].sig;
      if (!(await edVerify(auth.key.publicKey, sig, pae(parsed.env.payloadType, parsed.env.payload)))) {
        fail(`entry ${e.seq}: signature by ${auth.key.reference} does not verify`);
        continue;
      }
      out.counts.signatures++;
      registry.apply(e.seq, parsed.st, auth.key);
      checked.push({ seq: e.seq, st: parsed.st, signer: auth.key.reference, leaf: e.leaf });
    }

    // 5. Completeness (§13.5).
    if (!cp) return;
    if (!cp.subjectIndex) {
      fail(`the checkpoint (size ${cp.size}) commits to no subject index (no assay-subject-index line: signed before the index existed), so the bundle cannot show that nothing about the product was left out; export it again against a checkpoint that commits to the index`);
      return;
    }
    const subjects = closure(product, checked);
    out.counts.subjects = subjects.length;
    const proofs = new Map();
    for (const p of bundle.index) {
      const id = subjectId(p.type, p.subject);
      if (!proofs.has(id)) proofs.set(id, p);
    }
    const covered = new Set();
    for (const { subject, entries } of subjects) {
      entries.forEach((e) => covered.add(e.seq));
      const name = describeSubject(subject);
      const proof = proofs.get(subjectId(subject.type, subject.name));
      if (!proof) { fail(`completeness: the bundle carries no subject-index proof for ${name}, so it cannot show that no entry about it was left out`); continue; }
      const key = await indexKey(subject.type, subject.name);
      if (!(await verifyIndexProof(proof, key, cp.subjectIndex))) {
        fail(`completeness: the subject-index proof for ${name} does not lead to the checkpoint's index root`);
        continue;
      }
      out.counts.indexProofs++;
      const held = await foldChain(entries);
      if (held.count < proof.count) {
        const missing = proof.count - held.count;
        fail(`completeness: ${missing} entr${missing === 1 ? 'y' : 'ies'} about ${name} ${missing === 1 ? 'is' : 'are'} missing: the log holds ${proof.count} at size ${cp.size}, the bundle ${held.count}`);
      } else if (held.count > proof.count) {
        fail(`completeness: the bundle holds ${held.count} entries about ${name} but the log committed to ${proof.count} at size ${cp.size}`);
      } else if (!bytesEqual(held.chain, proof.chain)) {
        fail(`completeness: the bundle's ${held.count} entries about ${name} are not the ones the log committed to (an entry was substituted)`);
      }
    }
    const why = checked.length < bundle.entries.length ? ' that the admitted entries reach (some were refused above)' : ' (an entry from another product?)';
    for (const c of checked) {
      if (!covered.has(c.seq)) fail(`completeness: entry ${c.seq} is about none of the subjects this product's verdict rests on${why}`);
    }

    // §13.7: what the older checkpoint's index held for each subject, when it commits to one.
    if (older && older.subjectIndex) {
      const prefixProofs = new Map();
      for (const p of bundle.consistency.index) {
        const id = subjectId(p.type, p.subject);
        if (!prefixProofs.has(id)) prefixProofs.set(id, p);
      }
      for (const { subject, entries } of subjects) {
        const name = describeSubject(subject);
        const proof = prefixProofs.get(subjectId(subject.type, subject.name));
        if (!proof) {
          fail(`completeness: the bundle carries no prefix proof for ${name} against the older checkpoint (size ${older.size}), so it cannot show that its history was not rewritten`);
          continue;
        }
        if (!(await verifyIndexProof(proof, await indexKey(subject.type, subject.name), older.subjectIndex))) {
          fail(`completeness: the prefix proof for ${name} does not lead to the older checkpoint's (size ${older.size}) index root`);
          continue;
        }
        const held = await foldChain(entries.filter((e) => e.seq < older.size));
        if (held.count !== proof.count || !bytesEqual(held.chain, proof.chain)) {
          fail(`completeness: the log's index at size ${older.size} held ${proof.count} entries about ${name}, but the bundle shows ${held.count} before that size${held.count === proof.count ? ', not the same ones' : ''}: the subject's history was rewritten or an earlier index left entries out`);
        }
      }
    }
  }

  /**
   * Admits entries in order exactly as step 4b does (envelope, statement, registry, signature),
   * for tests: `[{seq, time, envelope}]` (seq and time as numbers or BigInts, envelope bytes) →
   * `[{seq, ok, problem}]`, the problem as the bundle verifier words it after `entry <seq>: `.
   */
  async function admitEntries(entries) {
    const registry = new Registry();
    const out = [];
    for (const e of entries) {
      const seq = BigInt(e.seq), time = BigInt(e.time);
      const parsed = await parseEntry(e.envelope);
      if (parsed.error) { out.push({ seq: Number(seq), ok: false, problem: parsed.error }); continue; }
      const auth = registry.authorize(seq, parsed.st, parsed.env.signatures[0].keyid, time);
      if (auth.error) { out.push({ seq: Number(seq), ok: false, problem: auth.error }); continue; }
      if (!(await edVerify(auth.key.publicKey, parsed.env.signatures[0].sig, pae(parsed.env.payloadType, parsed.env.payload)))) {
        out.push({ seq: Number(seq), ok: false, problem: `signature by ${auth.key.reference} does not verify` });
        continue;
      }
      registry.apply(seq, parsed.st, auth.key);
      out.push({ seq: Number(seq), ok: true, problem: null });
    }
    return out;
  }

  /**
   * Verifies a product bundle's integrity against the reader's pins (see the file comment).
   * @param {string|Uint8Array|ArrayBuffer|object} bundle the bundle's JSON text or parsed value
   * @param {{logKey: string, origin: string, product: string, witnessKeys?: string[], witnessesNeeded?: number, since?: string}} trust
   * @returns {Promise<{ok: boolean, problems: string[], checkpoint: ?{origin: string, size: number, rootHash: string},
   *   witnesses: string[], counts: {entries: number, signatures: number, inclusionProofs: number, indexProofs: number, subjects: number}}>}
   */
  async function verifyBundle(bundle, trust) {
    const out = { ok: false, problems: [], checkpoint: null, witnesses: [],
      counts: { entries: 0, signatures: 0, inclusionProofs: 0, indexProofs: 0, subjects: 0 } };
    try {
      if (typeof crypto === 'undefined' || !crypto.subtle) {
        out.problems.push('this browser offers no Web Crypto (crypto.subtle): the bundle cannot be checked');
      } else {
        await verify(bundle, trust, out);
      }
    } catch (e) {
      out.problems.push(`the bundle could not be checked: ${e && e.message ? e.message : String(e)}`);
    }
    out.ok = out.problems.length === 0;
    return out;
  }

  root.AssayVerifier = Object.freeze({
    verifyBundle,
    /** Pure building blocks, exposed for tests against FORMAT.md's golden vectors. */
    internals: Object.freeze({
      b64decode, b64encode, hex, sha256, leafHash, indexKey, indexChain, indexLeaf, verifyIndexProof, canonicalSubject,
      canonicalModel, parseGS1, digitalLink, isGS1Form, edIsValidPoint, edHasSmallOrder, edVerify, parseVerifierKey,
      parseTimestamp, parseJSON, decodeStatement, parseScope, scopeCovers, scopeContains, verifyConsistency,
      rootFromInclusion, jsonPointer, edDecode, edMul, admitEntries,
    }),
  });
})(typeof globalThis !== 'undefined' ? globalThis : this);
