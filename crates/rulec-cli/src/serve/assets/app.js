// The rulec workbench page: plain JavaScript, no framework, no network
// beyond this server. Every text from the rules or the records goes into
// the page as text (textContent), never as markup.
"use strict";

const state = {
  rules: null,        // GET /api/rules
  generation: 0,      // the screening the page shows
  page: 1,
  chosen: null,       // the patient explained
  diagnostics: [],    // the editor's, as checked last
  polling: false,
  lastCount: -1,
  patientsAsked: 0,   // the newest request for a page of patients
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

// ---------------------------------------------------------------- rules

async function loadRules(keepSource) {
  const rules = await getJson("/api/rules");
  state.rules = rules;
  state.generation = rules.generation;
  const trial = rules.trial ? `${rules.trial.id}${rules.trial.title ? ": " + rules.trial.title : ""}` : "Eligibility criteria";
  $("title").textContent = trial;
  $("context").textContent = `${rules.file} · records ${rules.records} · index date ${rules.index_date}`;
  if (!keepSource) {
    $("source").value = rules.source;
    showDiagnostics(rules.diagnostics, true);
  }
  renderChecklist(null);
  fillSelect($("filter-criterion"), rules.checklist.map((c) => c.id), "any");
  fillSelect($("filter-missing"), rules.fields, "any");
}

function fillSelect(select, values, none) {
  const before = select.value;
  select.replaceChildren(el("option", { value: "", text: none }));
  for (const value of values) select.append(el("option", { value, text: value }));
  select.value = values.includes(before) ? before : "";
}

function renderChecklist(funnel) {
  const box = $("checklist");
  const counts = new Map();
  for (const c of (funnel && funnel.criteria) || []) counts.set(c.id, c);
  box.replaceChildren();
  let group = null;
  let list = null;
  for (const item of state.rules.checklist) {
    const heading = `${item.cohort ? item.cohort + " · " : ""}${item.section}`;
    if (heading !== group) {
      group = heading;
      list = el("ul");
      box.append(el("div", { class: "group", text: heading }), list);
    }
    const c = counts.get(item.id);
    const ruledOut = c ? (item.section === "inclusion" ? c.not_met : c.met) : null;
    list.append(el("li", { "data-id": item.id },
      c ? el("span", { class: "counts", text: `${ruledOut} ruled out · ${c.unknown} unknown` }) : null,
      el("span", { class: "label", text: item.label || item.id }), " ",
      el("span", { class: "id", text: item.id }),
      el("div", { class: "words", text: item.words })));
  }
}

// ---------------------------------------------------------------- progress and funnel

async function poll() {
  // An edit that checks while a poll is ending must still be followed.
  state.again = true;
  if (state.polling) return;
  state.polling = true;
  state.again = false;
  try {
    for (;;) {
      const status = await getJson("/api/status");
      if (status.generation !== state.generation) {
        await loadRules(true);
        state.page = 1;
        state.lastCount = -1;
      }
      showProgress(status);
      if (status.records !== state.lastCount || status.done) {
        state.lastCount = status.records;
        await loadPatients();
      }
      if (status.done && status.generation === state.generation) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (e) {
    $("progress-text").textContent = `error: ${e.message}`;
  } finally {
    state.polling = false;
    if (state.again) poll();
  }
}

function showProgress(status) {
  const fraction = status.done ? 1 : status.total_bytes ? Math.min(1, status.bytes / status.total_bytes) : 0;
  $("progress-fill").style.width = `${Math.round(fraction * 100)}%`;
  const f = status.funnel;
  let text = status.done
    ? `screened ${f.records} patients: ${f.eligible} eligible, ${f.ineligible} ineligible, ${f.undetermined} undetermined; ${f.with_data_errors} with data errors`
    : `screening… ${status.records} patients so far (${Math.round(fraction * 100)}%)`;
  if (status.read_error) text += ` — cannot read further: ${status.read_error}`;
  $("progress-text").textContent = text;
  $("progress").dataset.done = String(status.done);
  renderFunnel(f);
  renderChecklist(f);
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const STATUSES = [["eligible", "#1b7f3b"], ["ineligible", "#b3261e"], ["undetermined", "#a66b00"]];

// The overall split as one stacked bar (and each cohort's, in a trial
// with cohorts), then each criterion's patients ruled out (solid) and
// left unknown (light), all on the same scale.
function renderFunnel(f) {
  const width = 640, left = 150, row = 18, bar = left + 10;
  const scale = (width - bar - 60) / Math.max(1, f.records);
  const cohorts = f.cohorts || [];
  const rows = f.criteria.length + cohorts.length + 3;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${rows * row + 10}`, role: "img", "aria-label": "screening funnel" });
  const split = (y, name, counts) => {
    chart.append(svg("text", { x: 4, y: y + 10 }, name.length > 22 ? name.slice(0, 21) + "…" : name));
    let x = bar;
    for (const [key, colour] of STATUSES) {
      const w = counts[key] * scale;
      const rect = svg("rect", { x, y, width: Math.max(0, w), height: 12, fill: colour, "data-status": key });
      rect.append(svg("title", {}, `${name}: ${counts[key]} ${key}`));
      chart.append(rect);
      x += w;
    }
  };
  split(4, `all ${f.records} patients`, f);
  let legend = bar;
  for (const [key, colour] of STATUSES) {
    const words = `${f[key]} ${key}`;
    chart.append(svg("text", { x: legend, y: row + 12, fill: colour, class: "legend" }, words));
    legend += words.length * 6.5 + 14;
  }
  cohorts.forEach((c, i) => split((i + 2) * row, `cohort ${c.name}`, c));
  const first = cohorts.length + 2;
  chart.append(svg("text", { x: 4, y: first * row + 12 }, "per criterion: ruled out · unknown"));
  f.criteria.forEach((c, i) => {
    const y = (i + first + 1) * row;
    const out = c.section === "inclusion" ? c.not_met : c.met;
    chart.append(svg("text", { x: 4, y: y + 10 }, c.id.length > 22 ? c.id.slice(0, 21) + "…" : c.id));
    const solid = svg("rect", { x: bar, y, width: out * scale, height: 11, fill: "#b3261e" });
    solid.append(svg("title", {}, `${c.label || c.id}: ${out} ruled out`));
    const light = svg("rect", { x: bar + out * scale, y, width: c.unknown * scale, height: 11, fill: "#e0b45c" });
    light.append(svg("title", {}, `${c.label || c.id}: ${c.unknown} unknown`));
    chart.append(solid, light, svg("text", { x: bar + (out + c.unknown) * scale + 4, y: y + 10 }, `${out} · ${c.unknown}?`));
  });
  $("funnel").replaceChildren(chart);
}

// ---------------------------------------------------------------- patients

function filterQuery() {
  const params = new URLSearchParams();
  for (const [name, id] of [["status", "filter-status"], ["criterion", "filter-criterion"], ["missing", "filter-missing"], ["id", "filter-id"]]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  if ($("filter-criterion").value && $("filter-outcome").value) params.set("outcome", $("filter-outcome").value);
  if ($("filter-errors").checked) params.set("errors", "1");
  params.set("page", String(state.page));
  params.set("per_page", "50");
  return params;
}

async function loadPatients() {
  // Answers can come back out of order (a filter typed while the page
  // polls): only the newest request's answer is shown.
  const asked = ++state.patientsAsked;
  const page = await getJson(`/api/patients?${filterQuery()}`);
  if (asked !== state.patientsAsked) return;
  $("total-count").textContent = String(page.total);
  $("count").dataset.generation = String(page.generation);
  $("count").dataset.done = String(page.done);
  const body = $("patients").querySelector("tbody");
  body.replaceChildren();
  for (const p of page.patients) {
    const why = [...p.cohorts];
    if (p.ruled_out.length && !p.cohorts.length) why.push(`ruled out by ${p.ruled_out.join(", ")}`);
    if (p.missing.length && !p.cohorts.length) why.push(`missing ${p.missing.join(", ")}`);
    if (p.errors.length) why.push(`data errors in ${p.errors.map((e) => e.field).join(", ")}`);
    const row = el("tr", { "data-n": p.n, "data-status": p.status, onclick: () => explain(p.n) },
      el("td", { text: p.position }),
      el("td", { text: p.id === null ? "(no id)" : p.id }),
      el("td", { class: `status ${p.status}`, text: p.status }),
      el("td", { text: why.join("; ") }));
    if (p.n === state.chosen) row.classList.add("chosen");
    body.append(row);
  }
  state.page = page.page;
  $("page-text").textContent = `page ${page.page} of ${page.pages}`;
  $("prev").disabled = page.page <= 1;
  $("next").disabled = page.page >= page.pages;
}

async function explain(n) {
  state.chosen = n;
  for (const row of $("patients").querySelectorAll("tbody tr")) {
    row.classList.toggle("chosen", Number(row.dataset.n) === n);
  }
  const box = $("explanation");
  let answer;
  try {
    answer = await getJson(`/api/patients/${n}`);
  } catch (e) {
    box.replaceChildren(el("p", { class: "error", text: e.message }));
    return;
  }
  const v = answer.verdict;
  const table = el("table");
  v.criteria.forEach((c, i) => {
    const rulesOut = (c.section === "inclusion" && c.outcome === "not_met") || (c.section === "exclusion" && c.outcome === "met");
    const mark = c.outcome === "unknown" ? "?" : rulesOut ? "✗" : "✓";
    const colour = c.outcome === "unknown" ? "undetermined" : rulesOut ? "ineligible" : "eligible";
    table.append(el("tr", { "data-criterion": c.id, "data-outcome": c.outcome },
      el("td", { class: `mark ${colour}`, text: mark }),
      el("td", {}, el("strong", { text: c.id }), el("br"), el("span", { text: answer.labels[i] || "" })),
      el("td", { class: colour, text: c.outcome.replace("_", " ") }),
      el("td", { class: "why", text: c.explanation || "" })));
  });
  const parts = [
    el("h3", {}, `${v.id === null ? "(no id)" : v.id}: `, el("span", { class: v.status, text: v.status })),
    el("p", { class: "hint", text: `from ${answer.from}, index date ${v.index_date}` }),
  ];
  for (const cohort of v.cohorts || []) {
    parts.push(el("p", {}, `${cohort.name}: `, el("span", { class: cohort.status, text: cohort.status })));
  }
  if (v.missing.length) {
    parts.push(el("p", { class: "missing", "data-missing": v.missing.join(" "), text: `missing: ${v.missing.join(", ")}` }));
  }
  for (const e of v.errors) parts.push(el("p", { class: "error", text: `data error: ${e.field}: ${e.reason}` }));
  parts.push(table);
  if (v.sources && v.sources.length) {
    const list = el("ul", { class: "sources" });
    for (const s of v.sources) {
      const bits = [s.resource, s.date, s.code, s.original, s.note, s.looked_for].filter(Boolean);
      list.append(el("li", {}, el("strong", { text: s.field }), `: ${bits.join(" · ")}`));
    }
    parts.push(el("h3", { text: "Sources" }), list);
  }
  box.replaceChildren(...parts);
  box.scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------- editor

let checkTimer = null;
let checkSeq = 0;

function onEdit() {
  renderBackdrop();
  $("check-state").dataset.state = "checking";
  $("check-state").textContent = "checking…";
  clearTimeout(checkTimer);
  checkTimer = setTimeout(checkNow, 300);
}

let checking = false;

async function checkNow() {
  // One check at a time, the newest text next: the server then screens
  // the texts in the order they were typed.
  if (checking) {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(checkNow, 100);
    return;
  }
  checking = true;
  const seq = ++checkSeq;
  let answer;
  try {
    answer = await getJson("/api/check", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ source: $("source").value }),
    });
  } catch (e) {
    answer = { ok: false, diagnostics: [], failure: e.message };
  } finally {
    checking = false;
  }
  if (seq !== checkSeq) return; // a newer edit is being checked
  showDiagnostics(answer.diagnostics, answer.ok, answer.failure);
  if (answer.ok) poll();
}

function showDiagnostics(diagnostics, ok, failure) {
  state.diagnostics = diagnostics.filter((d) => d.file === state.rules.file);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const line = $("check-state");
  line.dataset.state = ok ? "ok" : "errors";
  line.textContent = failure
    ? `cannot check: ${failure}`
    : ok
      ? `the rules check${warnings ? ` (${warnings} warning${warnings > 1 ? "s" : ""})` : ""}; patients screened with them`
      : `${errors} error${errors === 1 ? "" : "s"}: the patients stay screened with the last rules that checked`;
  const list = $("diagnostics");
  list.replaceChildren();
  for (const d of diagnostics) {
    list.append(el("li", { class: d.severity, "data-code": d.code || "", "data-line": d.line, onclick: () => jump(d) },
      el("div", {}, el("strong", { text: `${d.severity}` }), ` line ${d.line}:${d.column} `, el("code", { text: d.code || "" })),
      el("div", { text: d.message }),
      d.help ? el("div", { class: "help", text: `help: ${d.help}` }) : null));
  }
  renderBackdrop();
}

// Byte offsets (UTF-8, as the checker counts) to string indices.
function indexOfByte(text, byte) {
  let bytes = 0, i = 0;
  for (const ch of text) {
    if (bytes >= byte) return i;
    const cp = ch.codePointAt(0);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += ch.length;
  }
  return text.length;
}

function renderBackdrop() {
  const text = $("source").value;
  const marks = state.diagnostics
    .map((d) => ({ start: indexOfByte(text, d.span.start), end: indexOfByte(text, Math.max(d.span.end, d.span.start + 1)), severity: d.severity }))
    .sort((a, b) => a.start - b.start);
  const backdrop = $("backdrop");
  backdrop.replaceChildren();
  let at = 0;
  for (const m of marks) {
    if (m.start < at) continue;
    backdrop.append(text.slice(at, m.start), el("mark", { class: m.severity, text: text.slice(m.start, m.end) || " " }));
    at = m.end;
  }
  backdrop.append(text.slice(at) + "\n");
  const lines = text.split("\n").length;
  const bad = new Map();
  for (const d of state.diagnostics) bad.set(d.line, d.severity === "error" ? "bad" : bad.get(d.line) || "warn");
  const gutter = $("gutter");
  gutter.replaceChildren();
  for (let n = 1; n <= lines; n++) {
    gutter.append(bad.has(n) ? el("span", { class: bad.get(n), text: String(n) }) : String(n), "\n");
  }
  syncScroll();
}

function syncScroll() {
  const source = $("source");
  $("backdrop").scrollTop = source.scrollTop;
  $("backdrop").scrollLeft = source.scrollLeft;
  $("gutter").scrollTop = source.scrollTop;
}

function jump(d) {
  const source = $("source");
  const text = source.value;
  source.focus();
  source.setSelectionRange(indexOfByte(text, d.span.start), indexOfByte(text, d.span.end));
  source.scrollTop = Math.max(0, (d.line - 5) * 18);
  syncScroll();
}

// ---------------------------------------------------------------- start

function refilter() {
  state.page = 1;
  loadPatients().catch((e) => { $("count").textContent = e.message; });
}

window.addEventListener("DOMContentLoaded", async () => {
  $("source").addEventListener("input", onEdit);
  $("source").addEventListener("scroll", syncScroll);
  $("filters").addEventListener("change", refilter);
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); refilter(); });
  $("filter-id").addEventListener("input", refilter);
  const turn = (by) => {
    state.page += by;
    loadPatients().catch((e) => { $("count").textContent = e.message; });
  };
  $("prev").addEventListener("click", () => turn(-1));
  $("next").addEventListener("click", () => turn(1));
  try {
    await loadRules(false);
    await poll();
  } catch (e) {
    $("progress-text").textContent = `error: ${e.message}`;
  }
});
