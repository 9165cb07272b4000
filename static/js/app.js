// Starts GOV.UK Frontend's components (error summaries focus themselves, skip link, tabs...).
import { initAll } from "/static/govuk/govuk-frontend.min.js";
initAll();
