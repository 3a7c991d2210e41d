// Test helper: score many cases with src/kurskit/book/assets/score.js in one Node process.
// stdin:  {"cases": [[spec, responseJsonText], ...], "texts": [text, ...]}
// stdout: {"results": [result | {"error": ...}, ...],
//          "texts": [[normalised, normalisedCaseSensitive, numberOrNull], ...]}
import { pathToFileURL } from "node:url";

const [, , modulePath] = process.argv;
const { score, parseResponse, normaliseText, parseNumber, InvalidResponse } = await import(
  pathToFileURL(modulePath).href
);

Error.stackTraceLimit = 0; // score.js throws InvalidResponse for every refused number: keep it cheap
process.stdin.setEncoding("utf8");
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { cases = [], texts = [] } = JSON.parse(input);

const results = cases.map(([spec, responseText]) => {
  try {
    return score(spec, parseResponse(responseText));
  } catch (error) {
    return { error: String(error?.stack ?? error) };
  }
});

const numberOrNull = (text) => {
  try {
    return parseNumber(text);
  } catch (error) {
    if (error instanceof InvalidResponse) return null;
    throw error;
  }
};
const normalised = texts.map((text) => [
  normaliseText(text),
  normaliseText(text, { caseSensitive: true }),
  numberOrNull(text),
]);

process.stdout.write(JSON.stringify({ results, texts: normalised }));
