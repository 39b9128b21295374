// Starts GOV.UK Frontend's components. Loaded as a module with the page's CSP nonce;
// every page works without it.
import { initAll } from "./govuk-frontend.min.js";

initAll();
