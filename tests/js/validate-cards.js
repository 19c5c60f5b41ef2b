// Validates every *.json Adaptive Card in a folder for Teams: first with the official `adaptivecards` library
// (parse + validateProperties at schema 1.5, Teams' level), then with checks the library does not make.
// Usage: node validate-cards.js <folder>. Prints one line per card and each problem; exits 1 when any card has one.
'use strict';
const fs = require('fs');
const path = require('path');
// The UMD bundle: the library's lib/ build is ESM with extensionless imports and fails under Node.
const AC = require('adaptivecards/dist/adaptivecards.js');

const MAX_BYTES = 28000; // Teams refuses larger messages
const MAX_VERSION = [1, 5];

function libraryProblems(json) {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...card.validateProperties().validationEvents);
  return events.map((e) => `[library ${AC.ValidationPhase[e.phase]}] ${AC.ValidationEvent[e.event]}: ${e.message}`);
}

function versionAbove(version) {
  const parts = String(version).split('.').map((p) => Number.parseInt(p, 10));
  if (parts.some(Number.isNaN)) return true;
  for (let i = 0; i < MAX_VERSION.length; i++) {
    const part = parts[i] ?? 0;
    if (part !== MAX_VERSION[i]) return part > MAX_VERSION[i];
  }
  return false;
}

// Walks every object of the card, ShowCard sub-cards included, with a readable path for messages.
function walk(node, where, visit) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${where}[${i}]`, visit));
  } else if (node && typeof node === 'object') {
    visit(node, where);
    for (const [key, value] of Object.entries(node)) walk(value, `${where}.${key}`, visit);
  }
}

function ownProblems(json, bytes) {
  const problems = [];
  if (bytes > MAX_BYTES) problems.push(`[ours] the card is ${bytes} bytes; Teams' limit is about ${MAX_BYTES}`);
  if (json.type !== 'AdaptiveCard') problems.push(`[ours] top-level type is ${JSON.stringify(json.type)}, not "AdaptiveCard"`);
  const seen = new Map();
  walk(json, '$', (node, where) => {
    const type = node.type;
    if (type === 'AdaptiveCard') {
      if (where === '$' && node.version === undefined) problems.push('[ours] the card has no version');
      if (node.version !== undefined && versionAbove(node.version)) problems.push(`[ours] ${where}: version ${node.version} is above 1.5 (Teams' level)`);
    }
    if (type === 'Action.Execute' && (typeof node.verb !== 'string' || node.verb.trim() === '')) {
      problems.push(`[ours] ${where}: Action.Execute "${node.title ?? ''}" has no verb`);
    }
    if (typeof type === 'string' && type.startsWith('Input.') && (typeof node.id !== 'string' || node.id.trim() === '')) {
      problems.push(`[ours] ${where}: ${type} has no id`);
    }
    if (type === 'Image' && (typeof node.url !== 'string' || node.url.trim() === '')) problems.push(`[ours] ${where}: Image has no url`);
    if (typeof node.id === 'string' && typeof type === 'string') {
      if (seen.has(node.id)) problems.push(`[ours] ${where}: id "${node.id}" is used already at ${seen.get(node.id)}`);
      else seen.set(node.id, where);
    }
  });
  return problems;
}

function validateFile(file) {
  const text = fs.readFileSync(file, 'utf8');
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return [`[ours] not JSON: ${e.message}`];
  }
  if (json && json.contentType === 'application/vnd.microsoft.card.adaptive') json = json.content;
  if (!json || typeof json !== 'object' || Array.isArray(json)) return ['[ours] not a JSON object'];
  return [...libraryProblems(json), ...ownProblems(json, Buffer.byteLength(text, 'utf8'))];
}

function main() {
  const folder = process.argv[2];
  if (!folder || !fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    console.error('usage: node validate-cards.js <folder with *.json cards>');
    process.exit(2);
  }
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) {
    console.error(`no *.json cards in ${folder}`);
    process.exit(2);
  }
  let bad = 0;
  for (const file of files) {
    const problems = validateFile(path.join(folder, file));
    console.log(`${file}: ${problems.length ? `${problems.length} problem(s)` : 'OK'}`);
    for (const problem of problems) console.log(`  ${problem}`);
    if (problems.length) bad++;
  }
  console.log(`${files.length - bad} of ${files.length} cards valid`);
  process.exit(bad ? 1 : 0);
}

module.exports = { validateFile };
if (require.main === module) main();
