// Checks a Teams app manifest with Microsoft's own validator (@microsoft/app-manifest), against the schema its
// "$schema" names, which the package bundles, so no network is needed. The raw JSON is checked, not the typed
// converter's output, so what is validated is exactly what would be uploaded.
// Usage: node validate-manifest.js <manifest.json>
// Prints one JSON line {"ok": bool, "schema": "...", "errors": ["..."]}; exit 0 when valid, 1 when not, 2 on bad input.
const { AppManifestUtils } = require('@microsoft/app-manifest');
const fs = require('fs');

(async () => {
  const file = process.argv[2];
  if (!file) {
    console.log(JSON.stringify({ ok: false, errors: ['usage: node validate-manifest.js <manifest.json>'] }));
    process.exit(2);
  }

  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, errors: [`cannot read ${file}: ${e.message}`] }));
    process.exit(2);
  }

  const errors = await AppManifestUtils.validateAgainstSchema(manifest);
  console.log(JSON.stringify({ ok: errors.length === 0, schema: manifest.$schema, errors }));
  process.exit(errors.length === 0 ? 0 : 1);
})().catch((e) => {
  console.log(JSON.stringify({ ok: false, errors: [`validator failed: ${e.message}`] }));
  process.exit(2);
});
