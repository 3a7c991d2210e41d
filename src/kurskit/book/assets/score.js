// kurskit score.js: the browser's copy of kurskit.course.scoring.score(), for the static book,
// where no kernel is there to check a practice question. It must give the same score, max,
// correct, status and feedback as the Python function for every question type; keep the two in
// step (tests/test_book/test_score_js.py compares them on generated and hand-written cases).
//
// An ES module with no dependencies and no build step (modern browsers, Node 20+):
//
//   import { score } from "./score.js";
//   score(spec, response)  // -> { score, max, correct, feedback, status, reason }
//
// `spec` is the question as Python dumps it, `spec.model_dump(mode="json")`: option ids are
// filled in (a, b, c … for options, hashed ids for ordering items). `response` has the shapes
// the Python docstring gives: single_choice an option id; multiple_choice a list of option ids;
// true_false a boolean; numeric a number or numeric text ("3,5" and "3.5" both work);
// short_text and reflection text; ordering a list of item ids; likert a 1-based scale position;
// poll an option id (a list when multiple); feedback {rating, comment}; code the source text.
//
// Python has int and float, JavaScript only number. A JavaScript number that is a whole number
// counts as a Python int (that is what the book's controls produce for likert and rating, and
// what JSON.stringify writes: 2.0 becomes "2"). Where a response arrives as JSON text, read it
// with parseResponse() below, which reads it as Python's json.loads does: a number written
// with a fraction or an exponent ("2.0", "1e3") is a float there, and likert and rating then
// refuse it, so parseResponse returns whole-valued float literals as PyFloat values, which
// score() treats as Python floats. NaN, Infinity and -Infinity are read too, as json.loads does.
//
// Known divergences from Python, all outside what the book's controls or JSON can send, or
// limited to the running engines' Unicode versions:
// - Text: NFC comes from the browser's Unicode tables and Python's from its unicodedata;
//   both agree on every character assigned in both versions, but a character assigned only in
//   the newer one may normalise or fold differently. casefold(): JavaScript has none; we apply
//   the full case folding Python uses as toLowerCase() plus a table of every character whose
//   folding differs from its lower case (ß → ss, ς → σ, ﬁ → fi, Cherokee, Greek iota subscript
//   …), generated from CPython 3.11 (Unicode 14) and checked over every code point it assigns.
// - Numbers: parsing follows Python's float() (Unicode decimal digits, "1_000", "1e3", ".5",
//   "5.", "inf"/"nan" which are then refused as not finite); the conversion itself is the
//   engine's Number(), which is correctly rounded in every current engine (the ECMAScript
//   standard only requires it for the first 20 significant digits).
// - An integer too large for a float (10**400 in JSON) makes Python's float() raise
//   OverflowError; here it is Infinity and the response is invalid.
// - `reason` follows Python's wording but may differ in detail (e.g. how a huge number prints).
// - undefined (which JSON cannot send) is treated as None, and as a missing feedback comment.

/** A JSON number written as a float whose value is whole ("2.0"): a float to Python. */
export class PyFloat {
  constructor(value) {
    this.value = value;
    Object.freeze(this);
  }

  toJSON() {
    return this.value;
  }
}

/** The response is not an answer to the question (score 0, status "invalid"). */
export class InvalidResponse extends Error {
  constructor(reason) {
    super(reason);
    this.name = "InvalidResponse";
    this.reason = reason;
  }
}

const NO_RIGHT_ANSWER = new Set(["likert", "reflection", "poll", "feedback"]);

/**
 * Check `response` against `spec` (a question dumped as JSON). Never throws for a response made
 * of JSON values (and PyFloat); throws TypeError for a spec of an unknown type.
 */
export function score(spec, response) {
  const type = spec && typeof spec === "object" ? spec.type : undefined;
  const checker = Object.hasOwn(CHECKERS, type) ? CHECKERS[type] : undefined;
  if (!checker) throw new TypeError(`no checker for question type ${type}`);
  const points = spec.points;
  const hasRightAnswer = !NO_RIGHT_ANSWER.has(type);
  let outcome;
  try {
    outcome = checker(spec, response);
  } catch (error) {
    if (!(error instanceof InvalidResponse)) throw error;
    return result(0, points, hasRightAnswer ? false : null, [], "invalid", error.reason);
  }
  if (outcome === null) return result(null, points, null, [], "pending", ""); // a person or the grader scores it
  const fraction = Math.min(1, Math.max(0, outcome.fraction));
  const correct = hasRightAnswer ? isClose(fraction, 1) : null;
  const feedback = [...outcome.feedback];
  const general = correct ? spec.feedback?.correct : spec.feedback?.incorrect;
  if (correct !== null && general) feedback.push(general);
  const earned = fraction === 1 ? points : roundHalfEven(points * fraction, 6);
  return result(earned, points, correct, feedback.filter((f) => f), "scored", "");
}

function result(earned, max, correct, feedback, status, reason) {
  return { score: earned, max, correct, feedback, status, reason };
}

function outcome(fraction, feedback = []) {
  return { fraction, feedback };
}

// --- Python semantics JavaScript lacks -------------------------------------------------------

/** math.isclose(a, b) with rel_tol=1e-9 and abs_tol=0, as CPython computes it. */
function isClose(a, b, relTol = 1e-9) {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(b - a);
  return diff <= Math.abs(relTol * b) || diff <= Math.abs(relTol * a);
}

const SCRATCH = new DataView(new ArrayBuffer(8));

/**
 * Python's round(x, ndigits) for a float: the exact binary value rounded to `ndigits`
 * decimals, ties to even (round(0.0078125, 6) is 0.007812; toFixed and Math.round say 0.007813).
 */
function roundHalfEven(x, ndigits) {
  if (!Number.isFinite(x) || x === 0) return x;
  SCRATCH.setFloat64(0, x);
  const bits = SCRATCH.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) return x; // a whole number already
  const denominator = 1n << BigInt(-exponent);
  const numerator = mantissa * 10n ** BigInt(ndigits);
  let quotient = numerator / denominator;
  const twiceRest = (numerator % denominator) * 2n;
  if (twiceRest > denominator || (twiceRest === denominator && quotient & 1n)) quotient += 1n;
  const magnitude =
    quotient <= 2n ** 53n
      ? Number(quotient) / 10 ** ndigits // both exact, so the division rounds correctly
      : Number(`${quotient}e-${ndigits}`);
  return x < 0 ? -magnitude : magnitude;
}

// Python's whitespace (str.isspace, re's \s, str.split and str.strip agree on it): JavaScript's
// \s and trim() differ (they include U+FEFF, leave out U+001C–U+001F and U+0085).
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACE_RUNS = new RegExp(`[${PY_SPACE}]+`, "g");
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

function pyStrip(text) {
  return text.replace(EDGE_SPACE, "");
}

function pyWords(text) {
  return text.split(SPACE_RUNS).filter((word) => word !== "").length;
}

// Characters whose full case folding (Python's str.casefold) differs from toLowerCase(),
// Cherokee aside: "code point:folded code points", hexadecimal. Generated from CPython 3.11.
const FOLD_TABLE =
  "b5:3bc df:73,73 149:2bc,6e 17f:73 1f0:6a,30c 345:3b9 390:3b9,308,301 3b0:3c5,308,301 3c2:3c3 " +
  "3d0:3b2 3d1:3b8 3d5:3c6 3d6:3c0 3f0:3ba 3f1:3c1 3f5:3b5 587:565,582 1c80:432 1c81:434 " +
  "1c82:43e 1c83:441 1c84:442 1c85:442 1c86:44a 1c87:463 1c88:a64b 1e96:68,331 1e97:74,308 " +
  "1e98:77,30a 1e99:79,30a 1e9a:61,2be 1e9b:1e61 1e9e:73,73 1f50:3c5,313 1f52:3c5,313,300 " +
  "1f54:3c5,313,301 1f56:3c5,313,342 1f80:1f00,3b9 1f81:1f01,3b9 1f82:1f02,3b9 1f83:1f03,3b9 " +
  "1f84:1f04,3b9 1f85:1f05,3b9 1f86:1f06,3b9 1f87:1f07,3b9 1f88:1f00,3b9 1f89:1f01,3b9 " +
  "1f8a:1f02,3b9 1f8b:1f03,3b9 1f8c:1f04,3b9 1f8d:1f05,3b9 1f8e:1f06,3b9 1f8f:1f07,3b9 " +
  "1f90:1f20,3b9 1f91:1f21,3b9 1f92:1f22,3b9 1f93:1f23,3b9 1f94:1f24,3b9 1f95:1f25,3b9 " +
  "1f96:1f26,3b9 1f97:1f27,3b9 1f98:1f20,3b9 1f99:1f21,3b9 1f9a:1f22,3b9 1f9b:1f23,3b9 " +
  "1f9c:1f24,3b9 1f9d:1f25,3b9 1f9e:1f26,3b9 1f9f:1f27,3b9 1fa0:1f60,3b9 1fa1:1f61,3b9 " +
  "1fa2:1f62,3b9 1fa3:1f63,3b9 1fa4:1f64,3b9 1fa5:1f65,3b9 1fa6:1f66,3b9 1fa7:1f67,3b9 " +
  "1fa8:1f60,3b9 1fa9:1f61,3b9 1faa:1f62,3b9 1fab:1f63,3b9 1fac:1f64,3b9 1fad:1f65,3b9 " +
  "1fae:1f66,3b9 1faf:1f67,3b9 1fb2:1f70,3b9 1fb3:3b1,3b9 1fb4:3ac,3b9 1fb6:3b1,342 " +
  "1fb7:3b1,342,3b9 1fbc:3b1,3b9 1fbe:3b9 1fc2:1f74,3b9 1fc3:3b7,3b9 1fc4:3ae,3b9 1fc6:3b7,342 " +
  "1fc7:3b7,342,3b9 1fcc:3b7,3b9 1fd2:3b9,308,300 1fd3:3b9,308,301 1fd6:3b9,342 " +
  "1fd7:3b9,308,342 1fe2:3c5,308,300 1fe3:3c5,308,301 1fe4:3c1,313 1fe6:3c5,342 " +
  "1fe7:3c5,308,342 1ff2:1f7c,3b9 1ff3:3c9,3b9 1ff4:3ce,3b9 1ff6:3c9,342 1ff7:3c9,342,3b9 " +
  "1ffc:3c9,3b9 fb00:66,66 fb01:66,69 fb02:66,6c fb03:66,66,69 fb04:66,66,6c fb05:73,74 " +
  "fb06:73,74 fb13:574,576 fb14:574,565 fb15:574,56b fb16:57e,576 fb17:574,56d";

const FOLD = new Map(
  FOLD_TABLE.split(" ").map((entry) => {
    const [from, to] = entry.split(":");
    const codes = to.split(",").map((hex) => Number.parseInt(hex, 16));
    return [String.fromCodePoint(Number.parseInt(from, 16)), String.fromCodePoint(...codes)];
  }),
);

/** Python's str.casefold(), one character at a time as CPython does. */
function casefold(text) {
  let folded = "";
  for (const ch of text) {
    const special = FOLD.get(ch);
    if (special !== undefined) {
      folded += special;
      continue;
    }
    const code = ch.codePointAt(0);
    // Cherokee folds to its capitals (the older, complete set), the opposite of toLowerCase.
    if (code >= 0x13a0 && code <= 0x13f5) folded += ch;
    else if (code >= 0x13f8 && code <= 0x13fd) folded += String.fromCodePoint(code - 8);
    else if (code >= 0xab70 && code <= 0xabbf) folded += String.fromCodePoint(code - 0xab70 + 0x13a0);
    else folded += ch.toLowerCase(); // one character alone: no final-sigma context
  }
  return folded;
}

const DECIMAL_DIGIT = /\p{Nd}/u;
const DECIMAL_DIGITS = /\p{Nd}/gu;

/** The value of a Unicode decimal digit: they come in runs of ten, 0 to 9. */
function digitValue(digit) {
  const code = digit.codePointAt(0);
  let start = code;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return (code - start) % 10;
}

const PY_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const PY_SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i;
const LOOSE_UNDERSCORE = /(?:^|[^0-9])_|_(?:[^0-9]|$)/;

/** Python's float(text), or null where it raises ValueError. */
function pyFloat(text) {
  // float() reads any Unicode decimal digit as its ASCII digit and strips whitespace.
  const ascii = pyStrip(text).replace(DECIMAL_DIGITS, (d) => (d <= "9" ? d : String(digitValue(d))));
  if (PY_SPECIAL_FLOAT.test(ascii)) {
    if (/nan/i.test(ascii)) return Number.NaN;
    return ascii.startsWith("-") ? -Infinity : Infinity;
  }
  // PEP 515: an underscore only between two digits.
  if (LOOSE_UNDERSCORE.test(ascii)) return null;
  const plain = ascii.replaceAll("_", "");
  return PY_FLOAT.test(plain) ? Number(plain) : null;
}

// --- response normalising (the same helpers as scoring.py) ----------------------------------

function pyTypeName(value) {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (value instanceof PyFloat) return "float";
  if (typeof value === "string") return "str";
  if (Array.isArray(value)) return "list";
  if (isDict(value)) return "dict";
  return typeof value;
}

function isDict(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Python int (not bool): a whole JavaScript number, but not a PyFloat. */
function isInt(value) {
  return typeof value === "number" && Number.isInteger(value);
}

function clip(text, length = 40) {
  return Array.from(text).slice(0, length).join("");
}

function text(response, what = "text") {
  if (typeof response !== "string") {
    throw new InvalidResponse(`expected ${what}, got ${pyTypeName(response)}`);
  }
  return response;
}

function choice(response, known) {
  const picked = text(response, "an option id");
  if (!known.includes(picked)) throw new InvalidResponse(`'${clip(picked)}' is not one of the options`);
  return picked;
}

function choices(response, known) {
  if (!Array.isArray(response)) {
    throw new InvalidResponse(`expected a list of option ids, got ${pyTypeName(response)}`);
  }
  const picked = response.map((item) => choice(item, known));
  if (new Set(picked).size !== picked.length) throw new InvalidResponse("the same option is given twice");
  return picked;
}

/** Normalise short text for comparing: Unicode NFC, trimmed, inner spaces folded. */
export function normaliseText(value, { caseSensitive = false } = {}) {
  const normal = pyStrip(value.normalize("NFC").replace(SPACE_RUNS, " "));
  return caseSensitive ? normal : casefold(normal);
}

/** A finite number from a number or text; decimal comma and spaces as thousands separators. */
export function parseNumber(response) {
  if (typeof response === "boolean") throw new InvalidResponse("expected a number, got true/false");
  let value;
  if (typeof response === "number") value = response;
  else if (response instanceof PyFloat) value = response.value;
  else {
    let given = pyStrip(text(response, "a number")).replace(/[\u00a0 ]/g, "");
    given = given.replaceAll("\u2212", "-");
    if (/^[+-]?\p{Nd}+,\p{Nd}+$/u.test(given)) given = given.replaceAll(",", ".");
    value = pyFloat(given);
    if (value === null) throw new InvalidResponse(`'${clip(given)}' is not a number`);
  }
  if (!Number.isFinite(value)) throw new InvalidResponse("the number is not finite");
  return value;
}

// --- one checker per type -------------------------------------------------------------------

function optionList(spec) {
  return (spec.options ?? []).filter((o) => o && typeof o === "object");
}

function optionIds(spec) {
  return optionList(spec).map((o) => o.id);
}

function single(spec, response) {
  const picked = choice(response, optionIds(spec));
  const option = optionList(spec).find((o) => o.id === picked);
  return outcome(picked === spec.answer ? 1 : 0, [option ? option.feedback : ""]);
}

function multiple(spec, response) {
  const picked = choices(response, optionIds(spec));
  const right = new Set(spec.answer);
  const hits = picked.filter((p) => right.has(p)).length;
  const misses = picked.length - hits;
  let fraction;
  if (spec.scoring === "all_or_nothing") {
    fraction = picked.length === right.size && hits === right.size ? 1 : 0; // set(picked) == right
  } else {
    fraction = Math.max(0, (hits - misses) / right.size);
  }
  const notes = optionList(spec).filter((o) => picked.includes(o.id)).map((o) => o.feedback);
  return outcome(fraction, notes);
}

function trueFalse(spec, response) {
  if (typeof response !== "boolean") {
    throw new InvalidResponse(`expected true or false, got ${pyTypeName(response)}`);
  }
  return outcome(response === spec.answer ? 1 : 0);
}

function numeric(spec, response) {
  const value = parseNumber(response);
  // A little slack for binary floating point, e.g. 0.1 + 0.2 against 0.3 with tolerance 0.
  const slack = spec.tolerance + 1e-9 * Math.max(1, Math.abs(spec.answer));
  return outcome(Math.abs(value - spec.answer) <= slack ? 1 : 0);
}

function shortText(spec, response) {
  const options = { caseSensitive: Boolean(spec.case_sensitive) };
  const given = normaliseText(text(response), options);
  for (const accepted of spec.accept ?? []) {
    if (!accepted || typeof accepted !== "object") continue;
    if (normaliseText(accepted.text, options) === given) return outcome(1, [accepted.feedback]);
  }
  return outcome(0);
}

function ordering(spec, response) {
  const answer = (spec.items ?? []).filter((o) => o && typeof o === "object").map((o) => o.id);
  const order = choices(response, answer);
  if (order.length !== answer.length) {
    throw new InvalidResponse(`expected all ${answer.length} items, got ${order.length}`);
  }
  const inPlace = order.filter((given, index) => given === answer[index]).length;
  if (spec.scoring === "all_or_nothing") return outcome(inPlace === order.length ? 1 : 0);
  return outcome(inPlace / order.length);
}

function likert(spec, response) {
  const size = spec.scale.length;
  if (!isInt(response)) throw new InvalidResponse(`expected a scale position 1–${size}`);
  if (!(response >= 1 && response <= size)) {
    throw new InvalidResponse(`${response} is outside the scale 1–${size}`);
  }
  return outcome(1);
}

function reflection(spec, response) {
  const words = pyWords(text(response));
  if (words === 0) throw new InvalidResponse("the reflection is empty");
  if (words < spec.min_words) {
    throw new InvalidResponse(`the reflection has ${words} words; at least ${spec.min_words} are needed`);
  }
  return spec.graded ? null : outcome(1);
}

function poll(spec, response) {
  if (spec.multiple) {
    if (choices(response, optionIds(spec)).length === 0) throw new InvalidResponse("no option picked");
  } else {
    choice(response, optionIds(spec));
  }
  return outcome(1);
}

function courseFeedback(spec, response) {
  if (!isDict(response)) throw new InvalidResponse("expected a rating and a comment");
  const rating = Object.hasOwn(response, "rating") ? response.rating : null;
  if (!isInt(rating) || !(rating >= 1 && rating <= spec.scale)) {
    throw new InvalidResponse(`the rating must be a whole number 1–${spec.scale}`);
  }
  const comment = Object.hasOwn(response, "comment") && response.comment !== undefined ? response.comment : "";
  if (typeof comment !== "string") throw new InvalidResponse("the comment must be text");
  return outcome(1);
}

function code(spec, response) {
  text(response, "source code");
  return null; // run against the tests by the grader (nbgrader), not here
}

const CHECKERS = {
  single_choice: single,
  multiple_choice: multiple,
  true_false: trueFalse,
  numeric,
  short_text: shortText,
  ordering,
  likert,
  reflection,
  poll,
  feedback: courseFeedback,
  code,
};

// --- JSON as Python reads it ----------------------------------------------------------------

const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const JSON_SPACE = /[ \t\n\r]*/y;

/**
 * Read JSON text as Python's json.loads does, for score(): NaN, Infinity and -Infinity are
 * numbers, and a whole-valued number written as a float ("2.0", "1e3") is a PyFloat. Throws
 * SyntaxError for text json.loads refuses.
 */
export function parseResponse(source) {
  let at = 0;
  const fail = () => {
    throw new SyntaxError(`not JSON at character ${at}`);
  };
  const space = () => {
    JSON_SPACE.lastIndex = at;
    JSON_SPACE.test(source);
    at = JSON_SPACE.lastIndex;
  };
  let parsed;
  const literal = (word, value) => {
    if (!source.startsWith(word, at)) return false;
    at += word.length;
    parsed = value;
    return true;
  };
  const value = () => {
    space();
    const ch = source[at];
    if (ch === "{") {
      at += 1;
      const object = {};
      space();
      if (source[at] === "}") {
        at += 1;
        return object;
      }
      for (;;) {
        space();
        if (source[at] !== '"') fail();
        const key = string();
        space();
        if (source[at] !== ":") fail();
        at += 1;
        // defineProperty: a "__proto__" key stays an ordinary key, as in a Python dict.
        Object.defineProperty(object, key, { value: value(), enumerable: true, writable: true, configurable: true });
        space();
        if (source[at] === ",") at += 1;
        else if (source[at] === "}") {
          at += 1;
          return object;
        } else fail();
      }
    }
    if (ch === "[") {
      at += 1;
      const array = [];
      space();
      if (source[at] === "]") {
        at += 1;
        return array;
      }
      for (;;) {
        array.push(value());
        space();
        if (source[at] === ",") at += 1;
        else if (source[at] === "]") {
          at += 1;
          return array;
        } else fail();
      }
    }
    if (ch === '"') return string();
    if (
      literal("null", null) ||
      literal("true", true) ||
      literal("false", false) ||
      literal("NaN", Number.NaN) ||
      literal("Infinity", Infinity) ||
      literal("-Infinity", -Infinity)
    ) {
      return parsed;
    }
    JSON_NUMBER.lastIndex = at;
    const number = JSON_NUMBER.exec(source);
    if (!number) fail();
    at = JSON_NUMBER.lastIndex;
    const numeric = Number(number[0]);
    const isFloat = number[1] !== undefined || number[2] !== undefined;
    return isFloat && Number.isInteger(numeric) ? new PyFloat(numeric) : numeric;
  };
  const string = () => {
    JSON_STRING.lastIndex = at;
    const match = JSON_STRING.exec(source);
    if (!match) fail();
    at = JSON_STRING.lastIndex;
    return JSON.parse(match[0]);
  };
  const top = value();
  space();
  if (at !== source.length) fail();
  return top;
}
