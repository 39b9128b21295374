// Builds kinfold/static/build/: the compiled stylesheet, GOV.UK Frontend's script and assets.
import { cpSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import * as sass from "sass";

const out = "kinfold/static/build";
const govuk = "node_modules/govuk-frontend/dist/govuk";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile("frontend/kinfold.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/kinfold.css`, css.css);
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk-frontend.min.js`);
cpSync(`${govuk}/assets`, `${out}/assets`, { recursive: true });
cpSync("frontend/kinfold.mjs", `${out}/kinfold.mjs`);
cpSync("frontend/body-class.js", `${out}/body-class.js`);
console.log(`built ${out}`);
