"""The console's stylesheet and its one small script (no build step, no inline code)."""

# ruff: noqa: E501  (markup: long lines read better than split tags)

from __future__ import annotations

import base64
import hashlib

CSS = """
:root {
  --ink: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f6f7f9; --card: #fff;
  --accent: #2456d6; --good: #137a3f; --good-bg: #e3f5ea; --warn: #9a5b00; --warn-bg: #fff3dc;
  --bad: #b42318; --bad-bg: #fde8e6; --info: #1d4ed8; --info-bg: #e6eeff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 0.86em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: #eef0f4; padding: 0.1em 0.35em; border-radius: 4px; overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin: 0.2em 0 0.4em; overflow-wrap: anywhere; }
h2 { font-size: 1.05rem; margin: 0 0 0.6em; }
.muted { color: var(--muted); }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }

.top { display: flex; align-items: center; gap: 2rem; padding: 0.7rem 2rem;
  background: #111827; color: #fff; }
.brand { color: #fff; font-weight: 700; font-size: 1.1rem; letter-spacing: 0.01em; }
.brand span { font-weight: 400; opacity: 0.7; }
.main-nav { display: flex; gap: 0.3rem; flex: 1; }
.main-nav a { color: #d0d5dd; padding: 0.35rem 0.8rem; border-radius: 6px; }
.main-nav a:hover { background: #1f2937; text-decoration: none; }
.main-nav a[aria-current] { background: #374151; color: #fff; }
.signout button { background: none; border: 1px solid #4b5563; color: #d0d5dd; }
main { max-width: 1280px; margin: 0 auto; padding: 1.2rem 2rem 4rem; }

button, input, select { font: inherit; }
button { cursor: pointer; padding: 0.35rem 0.9rem; border-radius: 6px; border: 1px solid #c9ced6;
  background: #fff; color: var(--ink); }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
input, select { padding: 0.35rem 0.6rem; border: 1px solid #c9ced6; border-radius: 6px;
  background: #fff; }

.head { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
.head h1 { margin-right: auto; }
.crumbs { color: var(--muted); font-size: 0.9rem; margin-top: 0.3rem; }
.crumbs span { overflow-wrap: anywhere; }
.find input { width: 16rem; }

.badge { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px; font-size: 0.8rem;
  font-weight: 600; white-space: nowrap; background: #eef0f4; color: #344054; }
.badge.big { font-size: 0.95rem; padding: 0.2rem 0.8rem; }
.s-uploaded, .s-ready, .s-pass { background: var(--good-bg); color: var(--good); }
.s-missing, .s-queued, .s-warn { background: var(--warn-bg); color: var(--warn); }
.s-rejected, .s-failed, .s-fail { background: var(--bad-bg); color: var(--bad); }
.s-rendering { background: var(--info-bg); color: var(--info); }
.pill { display: inline-block; padding: 0 0.5rem; border-radius: 999px; font-size: 0.82rem;
  background: #eef0f4; color: #344054; }
.pill.good { background: var(--good-bg); color: var(--good); }
.pill.warn { background: var(--warn-bg); color: var(--warn); }
.pill.bad { background: var(--bad-bg); color: var(--bad); }

.tabs { display: flex; gap: 0.3rem; border-bottom: 1px solid var(--line); margin: 0.6rem 0 1rem;
  flex-wrap: wrap; }
.tabs a { padding: 0.45rem 0.9rem; color: var(--muted); border-bottom: 2px solid transparent;
  margin-bottom: -1px; }
.tabs a b { color: var(--ink); font-weight: 600; margin-left: 0.2rem; }
.tabs a[aria-current] { color: var(--ink); border-bottom-color: var(--accent); font-weight: 600; }
.tabs a:hover { text-decoration: none; color: var(--ink); }
.filters { display: flex; gap: 1rem; align-items: end; margin-bottom: 0.8rem; flex-wrap: wrap; }
.filters label { display: flex; flex-direction: column; font-size: 0.8rem; color: var(--muted);
  gap: 0.15rem; }
.result-count { font-size: 0.9rem; }

.callout { border-radius: 10px; padding: 0.9rem 1.2rem; margin: 0.8rem 0 1.2rem;
  border: 1px solid; }
.callout.warn { background: var(--warn-bg); border-color: #f3d19c; }
.callout.bad { background: var(--bad-bg); border-color: #f5b5ae; }
.callout h2 { margin-bottom: 0.3rem; }
.callout p { margin: 0.3rem 0; }
.callout .big { font-size: 1.12rem; }
.empty { padding: 3rem; text-align: center; color: var(--muted); background: var(--card);
  border: 1px dashed var(--line); border-radius: 10px; }

.grid { list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  overflow: hidden; display: flex; flex-direction: column; }
.card > a { color: var(--ink); display: block; }
.card > a:hover { text-decoration: none; }
.card img, .placeholder { display: block; width: 100%; height: auto; aspect-ratio: 1; object-fit: cover;
  background: #eef0f4; }
.placeholder { display: flex; align-items: center; justify-content: center; text-align: center;
  padding: 1rem; font-weight: 600; font-size: 1.05rem; }
.placeholder::first-letter { text-transform: uppercase; }
.card .name { display: block; padding: 0.5rem 0.7rem 0.1rem; font-weight: 600; font-size: 0.9rem;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card .line { padding: 0 0.7rem; display: flex; gap: 0.4rem; align-items: center; flex-wrap: wrap; }
.card .why { font-size: 0.82rem; color: var(--bad); }
.card time { padding: 0.1rem 0.7rem 0.6rem; font-size: 0.8rem; }

.photo-layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(300px, 2fr); gap: 2rem;
  align-items: start; }
.frame { position: relative; line-height: 0; }
.frame > img, .frame > svg.blank { width: 100%; height: auto; display: block; border-radius: 4px;
  background: #e5e7eb; }
.blank rect { fill: #f2f4f7; }
.overlay { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; }
.master .frame { width: fit-content; max-width: 100%; margin: 0 auto;
  box-shadow: 0 1px 3px rgba(16, 24, 40, 0.15); }
.master .frame > img { width: auto; max-width: 100%; max-height: 78vh; }
.face rect { fill: none; stroke: #facc15; stroke-width: 3px; vector-effect: non-scaling-stroke; }
.face text { fill: #111827; font-weight: 700; paint-order: stroke; stroke: #facc15;
  stroke-width: 0.3em; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.6rem; line-height: 1.45; }
.facts section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 1rem 1.2rem; margin-bottom: 1rem; }
.facts.wide { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 1rem 1.2rem; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.35rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.num { font-variant-numeric: tabular-nums; }
meter { width: 6rem; vertical-align: middle; }
.swatches { width: 100%; height: 1.4rem; border-radius: 4px; display: block; }
.mini-grid { list-style: none; padding: 0; margin: 0.4rem 0 0; display: grid; gap: 0.6rem;
  grid-template-columns: repeat(auto-fill, minmax(100px, 1fr)); }
.mini-grid a { display: block; font-size: 0.8rem; color: var(--ink); overflow-wrap: anywhere; }
.mini-grid img { width: 100%; height: auto; display: block; border-radius: 6px; aspect-ratio: 1;
  object-fit: cover; background: #eef0f4; }

.overview { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 1rem; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 1rem 1.2rem; }
.counts, .plain { list-style: none; padding: 0; margin: 0; }
.counts li, .plain li { padding: 0.25rem 0; }
.counts b { margin-left: 0.4rem; }

.book-list { list-style: none; padding: 0; display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); }
.book-list li { display: flex; flex-direction: column; gap: 0.3rem; }
.book-list img { width: 100%; height: auto; display: block; border-radius: 4px; margin-bottom: 0.4rem; }
.book-list .title { font-weight: 600; font-size: 1.05rem; }
.book-facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 1rem;
  margin: 1rem 0 1.5rem; }
.book-facts p { margin: 0.3rem 0; }
.path { font-size: 0.78em; }
.legend { list-style: none; padding: 0; margin: 0; }
.legend li { padding: 0.2rem 0; }
.legend .key { display: inline-block; width: 1.6rem; height: 0.9rem; border-radius: 3px;
  vertical-align: middle; margin-right: 0.4rem; border: 2px solid; }
.key.ppi-ok { border-color: #16a34a; background: #dcfce7; }
.key.ppi-low { border-color: #f59e0b; background: #fef3c7; }
.key.ppi-bad { border-color: #dc2626; background: #fee2e2; }
.spreads-title { margin-top: 1.5rem; }
.spreads { display: flex; flex-direction: column; gap: 2rem; max-width: 1040px; margin: 0 auto; }
.spread { display: flex; justify-content: center; gap: 2px; }
.spread .page { flex: 0 1 50%; min-width: 0; }
.spread.single .page.cover { flex-basis: 100%; }
.page .frame { box-shadow: 0 2px 8px rgba(16, 24, 40, 0.18); }
.page.has-warn .frame { outline: 3px solid #f59e0b; outline-offset: 3px; }
.page.has-fail .frame { outline: 3px solid #dc2626; outline-offset: 3px; }
.page.inside svg { width: 100%; height: auto; display: block; background: #e4e6eb; }
.page.inside text { fill: #98a2b3; }
.page .trim { fill: none; stroke: rgba(17, 24, 39, 0.45); stroke-dasharray: 2 1.5;
  stroke-width: 1px; vector-effect: non-scaling-stroke; }
.page .spine { stroke: rgba(17, 24, 39, 0.45); stroke-dasharray: 2 1.5; stroke-width: 1px;
  vector-effect: non-scaling-stroke; }
.placement .box { fill: transparent; stroke-width: 2px; vector-effect: non-scaling-stroke; }
.placement .tag { stroke: none; }
.placement text { fill: #fff; font-weight: 700; }
.placement.ppi-ok .box { stroke: #16a34a; } .placement.ppi-ok .tag { fill: #15803d; }
.placement.ppi-low .box { stroke: #f59e0b; } .placement.ppi-low .tag { fill: #b45309; }
.placement.ppi-bad .box { stroke: #dc2626; } .placement.ppi-bad .tag { fill: #b91c1c; }
.placement:hover .box { fill: rgba(255, 255, 255, 0.15); }
.findings { list-style: none; padding: 0; margin: 0.4rem 0 0; }
.finding { padding: 0.2rem 0.5rem 0.2rem 1.6rem; border-radius: 6px; margin-top: 0.25rem;
  position: relative; color: var(--ink); font-size: 0.86rem; }
.finding::before { position: absolute; left: 0.5rem; font-weight: 700; }
.finding.warn { background: var(--warn-bg); } .finding.warn::before { content: "!"; color: var(--warn); }
.finding.fail { background: var(--bad-bg); } .finding.fail::before { content: "×"; color: var(--bad); }

table.jobs { width: 100%; border-collapse: collapse; background: var(--card);
  border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
.jobs th, .jobs td { text-align: left; padding: 0.55rem 0.8rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
.jobs th { font-size: 0.8rem; color: var(--muted); font-weight: 600; background: #fafbfc; }
.jobs tr:last-child td { border-bottom: 0; }
.jobs .why { color: var(--bad); }

.login { max-width: 26rem; margin: 4rem auto; background: var(--card); padding: 1.5rem 2rem;
  border: 1px solid var(--line); border-radius: 12px; }
.login form { display: flex; flex-direction: column; gap: 0.8rem; }
.login label { display: flex; flex-direction: column; gap: 0.2rem; color: var(--muted); }

@media (max-width: 860px) {
  .photo-layout { grid-template-columns: 1fr; }
  .spread { flex-direction: column; align-items: center; }
  .spread .page { flex-basis: auto; width: 100%; }
  main, .top { padding-left: 1rem; padding-right: 1rem; }
}
"""

ICON = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#111827"/><rect x="8" y="7" width="16" height="18" rx="2"
fill="none" stroke="#facc15" stroke-width="2.5"/><path d="M12 13h8M12 18h5" stroke="#fff"
stroke-width="2.5" stroke-linecap="round"/></svg>
"""

# Filters change on select (no inline handlers: the page's CSP forbids them).
JS = """
document.addEventListener("change", function (e) {
  if (e.target.matches("select[data-autosubmit]")) e.target.form.requestSubmit();
});
"""

# CSP source for the stylesheet inlined in the login page (served before sign-in, when
# /static/ still answers 401).
CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
