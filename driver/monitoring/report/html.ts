/**
 * The report page's shell: one self-contained HTML document. Its only style sheet and script
 * are inline, and a Content-Security-Policy allows exactly those two (by their SHA-256 hashes)
 * and nothing from the network: the file opens offline, and even a string from the log that
 * escaping somehow missed could not run as script.
 *
 * The script records any error into the page (a `data-errors` attribute on <html> and a list
 * at the top), marks the page ready (`data-report-ready`, the number of attempt bars) and
 * highlights every attempt of a task when one is hovered.
 */
import { createHash } from "node:crypto";
import { esc } from "./format.ts";

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 24px 48px; color: #1c2630; background: #fff; }
h1 { font-size: 22px; margin: 18px 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #cfd8dc; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; } .muted, .meta { color: #607d8b; } .meta { margin: 0 0 12px; }
table { border-collapse: collapse; margin: 6px 0; } th, td { padding: 3px 10px; border-bottom: 1px solid #eceff1; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f5f7f8; font-weight: 600; }
.result-succeeded { color: #2e7d32; } .result-failed, .error { color: #c62828; } .result-cancelled, .result-running { color: #ef6c00; }
pre { background: #f5f7f8; padding: 8px; overflow-x: auto; font-size: 12px; white-space: pre-wrap; }
svg text { font: 11px system-ui, sans-serif; fill: #37474f; } svg .dag-title { font-weight: 600; font-size: 12px; fill: #1c2630; }
svg .grid { stroke: #cfd8dc; stroke-width: 1; } svg .tick, svg .row-label, svg .bin-count { font-size: 10px; fill: #607d8b; }
rect.attempt.hl { stroke: #000; stroke-width: 1.5; } .stage { margin-left: 8px; } .hists { display: flex; flex-wrap: wrap; gap: 24px; }
figure.histogram { margin: 6px 0; } figcaption { font-weight: 600; font-size: 13px; } .stats { margin: 2px 0; font-size: 12px; color: #455a64; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12px; margin: 6px 0; } .legend span { display: inline-flex; align-items: center; gap: 4px; }
dl.totals { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0; } dl.totals div { border: 1px solid #cfd8dc; border-radius: 6px; padding: 6px 12px; min-width: 110px; }
dt { font-size: 12px; color: #607d8b; } dd { margin: 0; font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
#report-errors { color: #c62828; border: 1px solid #c62828; padding: 8px 24px; }
`;

const SCRIPT = `(function () {
  var root = document.documentElement, errors = [];
  function show() {
    var list = document.getElementById("report-errors");
    if (!list) return;
    list.hidden = errors.length === 0;
    list.textContent = "";
    errors.forEach(function (m) { var li = document.createElement("li"); li.textContent = m; list.appendChild(li); });
  }
  function record(message) { errors.push(message); root.setAttribute("data-errors", String(errors.length)); show(); }
  window.addEventListener("error", function (e) { record("error: " + (e.message || e.type)); });
  window.addEventListener("unhandledrejection", function (e) { record("unhandled rejection: " + e.reason); });
  document.addEventListener("securitypolicyviolation", function (e) { record("blocked by the page's policy: " + e.violatedDirective + " " + e.blockedURI); });
  document.addEventListener("DOMContentLoaded", function () {
    show();
    var lit = [];
    document.querySelectorAll("svg.timeline").forEach(function (svg) {
      svg.addEventListener("mouseover", function (e) {
        var t = e.target;
        if (!t.classList || !t.classList.contains("attempt")) return;
        lit.forEach(function (r) { r.classList.remove("hl"); });
        lit = Array.prototype.slice.call(svg.querySelectorAll('rect.attempt[data-task="' + t.getAttribute("data-task") + '"]'));
        lit.forEach(function (r) { r.classList.add("hl"); });
      });
    });
    root.setAttribute("data-report-ready", String(document.querySelectorAll("rect.attempt").length));
  });
})();`;

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

export function page(title: string, body: string): string {
  const policy = `default-src 'none'; style-src ${sha256(CSS)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(policy)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    `<script>${SCRIPT}</script>`,
    "</head>",
    "<body>",
    '<ul id="report-errors" hidden></ul>',
    body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
