// Lints Cypher texts with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support). Not a Neo4j run: nothing is executed.
//
// stdin:  [{"name": "...", "text": "..."}, ...]
// stdout: [{"name": "...", "errors": [{"message", "line", "column"}], "warnings": [...]}, ...]
//         line and column are 1-based. Exit 0 whatever the findings (the caller decides);
//         exit 2 only when the input itself is unusable.
//
// What is an error here (each fails the Python test):
//   - syntax errors and semantic errors from Neo4j's parser (undefined variable,
//     parameter as a variable-length bound, wrong YIELD column, ...)
//   - a function or procedure that is neither a Neo4j built-in nor part of GDS
//     (e.g. FalkorDB's algo.pageRank, toJSON; APOC is not assumed installed)
//   - more than one statement in one text, or an empty text (the driver sends one)
// What is a warning (reported, never fails): deprecations and other notifications.
// Parameters are declared from the text itself, so `$id` is never "not defined".
// Labels and relationship types are not checked (no database to compare with).
import { createRequire } from 'node:module';

// The package's ESM build uses extensionless imports that Node cannot resolve;
// its CommonJS build works, so load that one.
const require = createRequire(import.meta.url);
const ls = require('@neo4j-cypher/language-support');

const ERROR = 1; // vscode-languageserver DiagnosticSeverity.Error

// Built-in and GDS functions and procedures, taken from the snapshot of a Neo4j
// database (with GDS and APOC installed) that the package ships as testData.
function withoutApoc(registry) {
  return Object.fromEntries(
    Object.entries(registry ?? {}).map(([version, entries]) => [
      version,
      Object.fromEntries(Object.entries(entries).filter(([name]) => !name.startsWith('apoc.'))),
    ]),
  );
}
const mock = ls.testData.mockSchema;
const baseSchema = {
  functions: withoutApoc(mock.functions),
  procedures: withoutApoc(mock.procedures),
  defaultLanguage: 'CYPHER 5',
};

function position(diagnostic) {
  return {
    message: diagnostic.message,
    line: diagnostic.range.start.line + 1,
    column: diagnostic.range.start.character + 1,
  };
}

function lintOne(text) {
  const errors = [];
  const warnings = [];
  if (typeof text !== 'string' || text.trim() === '') {
    const message = typeof text === 'string' ? 'empty query text' : 'text is not a string';
    errors.push({ message, line: 1, column: 1 });
    return { errors, warnings };
  }
  const statements = ls.parserWrapper
    .parse(text)
    .statementsParsing.filter((s) => s.command.type !== 'cypher' || s.command.statement.trim());
  if (statements.length > 1) {
    errors.push({
      message: `${statements.length} statements in one text; a driver call sends exactly one`,
      line: 1,
      column: 1,
    });
  }
  const parameters = Object.fromEntries(ls.parseParameters(text).map((p) => [p, null]));
  const seen = new Set();
  for (const d of ls.lintCypherQuery(text, { ...baseSchema, parameters })) {
    const item = position(d);
    const key = `${d.severity}:${item.line}:${item.column}:${item.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (d.severity === ERROR ? errors : warnings).push(item);
  }
  return { errors, warnings };
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

let items;
try {
  items = JSON.parse(await readStdin());
  if (!Array.isArray(items)) throw new Error('expected a JSON array');
} catch (e) {
  process.stderr.write(`lint.mjs: bad input: ${e.message}\n`);
  process.exit(2);
}

const results = items.map((item, i) => {
  const name = item?.name ?? `#${i}`;
  try {
    return { name, ...lintOne(item?.text) };
  } catch (e) {
    return {
      name,
      errors: [{ message: `linter failed: ${e?.stack ?? e}`, line: 1, column: 1 }],
      warnings: [],
    };
  }
});
process.stdout.write(JSON.stringify(results, null, 1) + '\n');
