// Marks the body as JavaScript-enabled before the page paints (GOV.UK Frontend's template does
// this inline; our Content Security Policy allows no inline script).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
