// Starts GOV.UK Frontend's components (error summaries focus themselves, skip link, tabs...).
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();

// Polls ("hx-trigger: every 2s", a job's progress) say so, so the server does not count them as
// the person being active: a tab left open on a progress page must not keep a session alive.
document.body.addEventListener("htmx:configRequest", (event) => {
  const trigger = event.detail.elt.getAttribute("hx-trigger") || "";
  if (/^\s*every\s/.test(trigger)) {
    event.detail.headers["X-Poll"] = "1";
  }
});
