// relay console: a small single-page app over the admin API (/admin/...). The session
// cookie is HttpOnly; the CSRF token comes from /ui/login or /ui/session and goes with
// every call that changes something. A call the running relay lacks (404) leaves a note.
"use strict";

const state = { csrf: "", page: "", registry: { destinations: [], routes: [] } };
const $ = (selector) => document.querySelector(selector);

// --- calls -------------------------------------------------------------------------------

class LoggedOut extends Error {}

// {status, data} of a call; data is the parsed JSON answer (or null). A 401 shows the login.
async function call(method, path, { body, headers = {} } = {}) {
  const init = { method, credentials: "same-origin", headers: { ...headers } };
  if (method !== "GET") init.headers["X-CSRF-Token"] = state.csrf;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { error: text }; }
  if (response.status === 401 && path.startsWith("/admin/")) {
    showLogin("Your session has ended; log in again.");
    throw new LoggedOut();
  }
  return { status: response.status, data, etag: response.headers.get("ETag") };
}

function problemText(data) {
  if (!data) return "no answer";
  const problems = Array.isArray(data.problems) ? data.problems : [];
  return [data.error, ...problems].filter(Boolean).join("\n");
}

// --- small DOM helpers -------------------------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node[key] = value;
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function fillTable(table, rows, columns, emptyText) {
  const body = table.tBodies[0];
  body.replaceChildren();
  if (!rows.length) {
    body.append(el("tr", {}, el("td", { class: "empty", colSpan: columns, textContent: emptyText })));
  }
  return body;
}

function time(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

// `path` with the query `params`, without a bare "?" when there are none.
function withQuery(path, params) {
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function query(form, keys) {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = form.elements[key].value.trim();
    if (value) params.set(key, value);
  }
  return params;
}

function message(node, text, bad = false) {
  node.textContent = text;
  node.classList.toggle("error", bad);
}

// --- login -------------------------------------------------------------------------------

function showLogin(text = "") {
  state.csrf = "";
  $("#app").hidden = true;
  $("#login").hidden = false;
  $("#login-error").textContent = text;
  $("#login-token").focus();
}

function showApp() {
  $("#login").hidden = true;
  $("#login-error").textContent = "";
  $("#app").hidden = false;
  route();
}

async function login(event) {
  event.preventDefault();
  const token = $("#login-token").value;
  const answer = await call("POST", "/ui/login", { body: { token } });
  if (answer.status !== 200) {
    $("#login-error").textContent =
      answer.status === 401 ? "Wrong admin token." : problemText(answer.data) || `Login failed (${answer.status}).`;
    return;
  }
  state.csrf = answer.data.csrf;
  $("#login-token").value = "";
  showApp();
}

async function logout() {
  await call("POST", "/ui/logout");
  showLogin();
}

// --- pages -------------------------------------------------------------------------------

const pages = {
  overview: loadOverview,
  deliveries: loadDeliveries,
  dead: loadDead,
  config: loadConfig,
  pattern: async () => {},
};

function route() {
  const name = (location.hash.match(/^#\/(\w+)/) || [])[1];
  const page = pages[name] ? name : "overview";
  state.page = page;
  for (const section of document.querySelectorAll(".page")) section.hidden = section.id !== `page-${page}`;
  for (const link of document.querySelectorAll("#nav a")) link.classList.toggle("active", link.dataset.page === page);
  pages[page]().catch(failed);
}

function failed(error) {
  if (error instanceof LoggedOut) return;
  console.error(error);
}

// --- overview ----------------------------------------------------------------------------

function tile(label, value) {
  return el("div", { class: "tile" }, el("div", { class: "label", textContent: label }),
            el("div", { class: "value", textContent: value }));
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return "none";
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

// A line chart of per-second rates from per-bucket counts; `failures` drawn in red when given.
function chart(container, counts, step, failures) {
  const width = 600, height = 160, left = 36, bottom = 18;
  const rates = counts.map((n) => n / step);
  const failRates = (failures || []).map((n) => n / step);
  const top = Math.max(1e-9, ...rates, ...failRates);
  const x = (i) => left + (i * (width - left - 4)) / Math.max(1, rates.length - 1);
  const y = (v) => height - bottom - (v / top) * (height - bottom - 8);
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", role: "img" });
  root.append(svg("line", { class: "axis", x1: left, y1: height - bottom, x2: width, y2: height - bottom }));
  const points = rates.map((v, i) => `${x(i)},${y(v)}`).join(" ");
  if (rates.length) {
    root.append(svg("polygon", { class: "area", points: `${x(0)},${y(0)} ${points} ${x(rates.length - 1)},${y(0)}` }));
    root.append(svg("polyline", { class: "line", points }));
  }
  if (failRates.length) root.append(svg("polyline", { class: "fail", points: failRates.map((v, i) => `${x(i)},${y(v)}`).join(" ") }));
  const label = (text, lx, ly) => { const t = svg("text", { x: lx, y: ly }); t.textContent = text; root.append(t); };
  label(top >= 10 ? top.toFixed(0) : top.toPrecision(2), 2, 14);
  label("0", 2, height - bottom);
  label("-60 min", left, height - 4);
  label("now", width - 24, height - 4);
  container.replaceChildren(root);
}

async function loadOverview() {
  const note = $("#overview-note");
  const answer = await call("GET", "/admin/overview");
  const tiles = $("#overview-tiles");
  const table = $("#overview-destinations");
  if (answer.status === 404) {
    note.hidden = false;
    note.textContent = "This relay has no /admin/overview yet: showing the backlog only.";
    const status = await call("GET", "/admin/status");
    const backlog = (status.data && status.data.backlog) || {};
    tiles.replaceChildren(tile("Backlog", backlog.count ?? "?"), tile("Backlog bytes", backlog.bytes ?? "?"));
    $("#chart-events").replaceChildren();
    $("#chart-deliveries").replaceChildren();
    fillTable(table, [], 7, "not available");
    return;
  }
  if (answer.status !== 200) {
    note.hidden = false;
    note.textContent = problemText(answer.data);
    return;
  }
  note.hidden = true;
  const o = answer.data;
  const outcomes = o.outcomes || {};
  const backlog = o.backlog || {};
  tiles.replaceChildren(
    tile("Delivered", outcomes.delivered ?? 0), tile("Retried", outcomes.retry ?? 0), tile("Dead", outcomes.dead ?? 0),
    tile("Backlog", backlog.count ?? 0), tile("Oldest pending", age(backlog.oldest_pending_age_seconds)),
    tile("Dead letters", backlog.dead ?? 0));
  const series = o.series || { step_seconds: 60, events: [], deliveries: [], failures: [] };
  chart($("#chart-events"), series.events || [], series.step_seconds || 60);
  chart($("#chart-deliveries"), series.deliveries || [], series.step_seconds || 60, series.failures);
  const destinations = o.destinations || [];
  const body = fillTable(table, destinations, 7, "no destinations");
  for (const d of destinations) {
    body.append(el("tr", {},
      el("td", { textContent: d.name }),
      el("td", { textContent: d.paused ? "paused" : "" }),
      el("td", { textContent: d.last_status ?? "", class: d.last_status >= 200 && d.last_status < 300 ? "ok" : "bad" }),
      el("td", { textContent: time(d.last_attempt) }),
      el("td", { textContent: d.success_rate === null || d.success_rate === undefined ? "" : `${(d.success_rate * 100).toFixed(1)} %` }),
      el("td", { textContent: d.p99_ms === null || d.p99_ms === undefined ? "" : `${d.p99_ms} ms` }),
      el("td", { textContent: d.dead_letters ?? 0 })));
  }
}

// --- deliveries --------------------------------------------------------------------------

const FILTER_KEYS = ["destination", "route", "event_id", "since", "until"];

async function loadDeliveries() {
  const form = $("#deliveries-filter");
  const params = query(form, ["status", ...FILTER_KEYS]);
  const answer = await call("GET", withQuery("/admin/deliveries", params));
  const out = $("#deliveries-message");
  if (answer.status !== 200) return message(out, problemText(answer.data), true);
  const rows = answer.data.deliveries;
  message(out, `${rows.length} deliveries`);
  const body = fillTable($("#deliveries-table"), rows, 8, "no deliveries match");
  for (const d of rows) {
    const tr = el("tr", { class: "clickable", dataset: { id: d.id }, on: { click: () => openDelivery(d.id) } },
      el("td", { textContent: d.id }), el("td", { textContent: time(d.created) }), el("td", { textContent: d.event_id }),
      el("td", { textContent: d.route }), el("td", { textContent: d.destination }),
      el("td", { textContent: d.state, class: `state-${d.state}` }), el("td", { textContent: d.attempts }),
      el("td", { textContent: d.last_status || "" }));
    body.append(tr);
  }
}

async function openDelivery(id) {
  const detail = $("#delivery-detail");
  for (const row of document.querySelectorAll("#deliveries-table tbody tr")) row.classList.toggle("selected", row.dataset.id === String(id));
  const answer = await call("GET", `/admin/deliveries/${id}`);
  detail.hidden = false;
  if (answer.status !== 200) {
    detail.replaceChildren(el("p", { class: "error", textContent: problemText(answer.data) }));
    return;
  }
  const d = answer.data.delivery;
  const attempts = el("table", { id: "attempts-table" },
    el("thead", {}, el("tr", {}, ...["#", "Time", "Status", "Latency", "Error", "Response"].map((h) => el("th", { textContent: h })))),
    el("tbody"));
  for (const a of answer.data.attempts) {
    attempts.tBodies[0].append(el("tr", {},
      el("td", { textContent: a.attempt }), el("td", { textContent: time(a.started) }),
      el("td", { textContent: a.status || "", class: a.status >= 200 && a.status < 300 ? "ok" : "bad" }),
      el("td", { textContent: `${a.latency_ms} ms` }), el("td", { class: "wrap", textContent: a.error || "" }),
      el("td", { class: "wrap", textContent: (a.response || "").slice(0, 300) })));
  }
  if (!answer.data.attempts.length) attempts.tBodies[0].append(el("tr", {}, el("td", { class: "empty", colSpan: 6, textContent: "no attempts yet" })));
  let body = answer.data.body;
  if (typeof body === "string") {
    try { body = JSON.stringify(JSON.parse(body), null, 2); } catch { /* shown as it is */ }
  }
  detail.replaceChildren(
    el("h3", { textContent: `Delivery ${d.id}: ${d.state}` }),
    el("p", { textContent: `${d.source} / ${d.detail_type}, event ${d.event_id}, route ${d.route} to ${d.destination}` }),
    el("h3", { textContent: "Attempts" }), el("div", { class: "scroll" }, attempts),
    el("h3", { textContent: "Body" }),
    el("pre", { id: "delivery-body", textContent: typeof body === "string" ? body : "(not kept once delivered)" }));
}

// --- dead letters ------------------------------------------------------------------------

function selectedDead() {
  return [...document.querySelectorAll("#dead-table tbody input[type=checkbox]:checked")].map((box) => box.value);
}

async function loadDead() {
  const params = query($("#dead-filter"), FILTER_KEYS);
  const answer = await call("GET", withQuery("/admin/dlq", params));
  const out = $("#dead-message");
  if (answer.status !== 200) return message(out, problemText(answer.data), true);
  const rows = answer.data.dead_letters;
  $("#dead-all").checked = false;
  const body = fillTable($("#dead-table"), rows, 8, "no dead letters match");
  for (const d of rows) {
    // The row's own Replay button sits first, in reach on a phone.
    body.append(el("tr", { dataset: { id: d.id } },
      el("td", {}, el("input", { type: "checkbox", value: d.id, ariaLabel: `select ${d.id}` }), " ",
         el("button", { type: "button", class: "small", textContent: "Replay", on: { click: () => changeDead("replay", [d.id]) } })),
      el("td", { textContent: d.id }), el("td", { textContent: time(d.created) }), el("td", { textContent: d.event_id }),
      el("td", { textContent: d.route }), el("td", { textContent: d.destination }), el("td", { textContent: d.attempts }),
      el("td", { class: "wrap", textContent: d.last_error || (d.last_status ? `HTTP ${d.last_status}` : "") })));
  }
}

// Replays or purges dead letters: `ids` one by one, or (ids null) all that match the filter.
async function changeDead(action, ids) {
  const out = $("#dead-message");
  if (ids && !ids.length) return message(out, "Select dead letters first.", true);
  let count = 0;
  const key = action === "replay" ? "replayed" : "purged";
  const calls = ids ? ids.map((id) => new URLSearchParams({ id })) : [query($("#dead-filter"), FILTER_KEYS)];
  for (const params of calls) {
    if (!ids && ![...params.keys()].length) params.set("all", "true");
    const answer = await call("POST", withQuery(`/admin/dlq/${action}`, params));
    if (answer.status !== 200) return message(out, problemText(answer.data), true);
    count += answer.data[key];
  }
  await loadDead();
  message(out, `${key.charAt(0).toUpperCase() + key.slice(1)} ${count} dead letter${count === 1 ? "" : "s"}.`);
}

// --- routes and destinations --------------------------------------------------------------

async function loadConfig() {
  const note = $("#config-note");
  const [destinations, routes] = await Promise.all([call("GET", "/admin/destinations"), call("GET", "/admin/routes")]);
  if (destinations.status === 404 || routes.status === 404) {
    note.hidden = false;
    note.textContent = "This relay has no registry API yet: the lists are not available. Test events still work.";
  } else {
    note.hidden = true;
  }
  state.registry.destinations = destinations.status === 200 ? destinations.data.destinations : [];
  state.registry.routes = routes.status === 200 ? routes.data.routes : [];
  entryTable($("#destinations-table"), "destinations", state.registry.destinations);
  entryTable($("#routes-table"), "routes", state.registry.routes);
}

function entryTable(table, kind, entries) {
  const columns = table.tHead.rows[0].cells.length;
  const body = fillTable(table, entries, columns, "none");
  for (const entry of entries) {
    const registry = entry.origin === "registry";
    const buttons = el("td", { class: "actions-cell" });
    if (kind === "destinations")
      buttons.append(el("button", { type: "button", class: "small", textContent: "Send test", on: { click: () => sendTest(entry.name) } }), " ");
    if (registry) {
      buttons.append(
        el("button", { type: "button", class: "small quiet", textContent: "Edit", on: { click: () => editEntry(kind, entry) } }), " ");
      if (kind === "destinations")
        buttons.append(el("button", { type: "button", class: "small quiet", textContent: entry.paused ? "Resume" : "Pause",
          on: { click: () => pauseEntry(kind, entry) } }), " ");
      buttons.append(el("button", { type: "button", class: "small danger", textContent: "Delete", on: { click: () => deleteEntry(kind, entry) } }));
    }
    const cells = [el("td", { textContent: entry.name }), el("td", { textContent: entry.origin })];
    if (kind === "destinations") cells.push(el("td", { textContent: entry.paused ? "paused" : "" }));
    cells.push(el("td", { class: "wrap" }, el("code", { textContent: JSON.stringify(entry.spec) })), buttons);
    body.append(el("tr", { dataset: { name: entry.name } }, ...cells));
  }
}

function editEntry(kind, entry) {
  const form = $("#entry-form");
  form.elements.kind.value = kind;
  form.elements.name.value = entry.name;
  form.elements.spec.value = JSON.stringify(entry.spec, null, 2);
  form.elements.etag.value = entry.etag || "";
  $("#entry-title").textContent = `Edit ${entry.name}`;
  $("#entry-problems").replaceChildren();
  form.scrollIntoView({ behavior: "smooth" });
}

async function putEntry(kind, name, spec, etag) {
  const headers = etag ? { "If-Match": etag } : { "If-None-Match": "*" };
  return call("PUT", `/admin/${kind}/${encodeURIComponent(name)}`, { body: spec, headers });
}

function showProblems(answer) {
  const list = $("#entry-problems");
  const problems = answer.data && Array.isArray(answer.data.problems) ? answer.data.problems : [];
  const lines = [answer.status === 412 ? "Someone changed this entry meanwhile: reload and edit again." : answer.data && answer.data.error,
                 ...problems, ...(answer.data && Array.isArray(answer.data.routes) ? [`used by routes: ${answer.data.routes.join(", ")}`] : [])];
  list.replaceChildren(...lines.filter(Boolean).map((line) => el("li", { textContent: line })));
}

async function saveEntry(event) {
  event.preventDefault();
  const form = $("#entry-form");
  const list = $("#entry-problems");
  let spec;
  try {
    spec = JSON.parse(form.elements.spec.value);
  } catch (error) {
    list.replaceChildren(el("li", { textContent: `The entry is not JSON: ${error.message}` }));
    return;
  }
  const answer = await putEntry(form.elements.kind.value, form.elements.name.value.trim(), spec, form.elements.etag.value);
  if (answer.status !== 200 && answer.status !== 201) return showProblems(answer);
  list.replaceChildren(el("li", { class: "ok", textContent: `Saved ${answer.data.name}.` }));
  form.elements.etag.value = "";
  $("#entry-title").textContent = "Add a registry entry";
  await loadConfig();
}

async function pauseEntry(kind, entry) {
  const answer = await putEntry(kind, entry.name, { ...entry.spec, paused: !entry.paused }, entry.etag);
  if (answer.status !== 200) return showProblems(answer);
  await loadConfig();
}

async function deleteEntry(kind, entry) {
  if (!confirm(`Delete ${entry.name}?`)) return;
  const answer = await call("DELETE", `/admin/${kind}/${encodeURIComponent(entry.name)}`, { headers: entry.etag ? { "If-Match": entry.etag } : {} });
  if (answer.status !== 204 && answer.status !== 200) return showProblems(answer);
  await loadConfig();
}

async function sendTest(name) {
  const out = $("#test-result");
  $("#test-form").elements.destination.value = name;
  message(out, `Sending a test event to ${name}...`);
  const answer = await call("POST", `/admin/destinations/${encodeURIComponent(name)}/test`);
  const d = answer.data || {};
  if (answer.status === 200) return message(out, `${name} took the test event: HTTP ${d.status} in ${d.latency_ms} ms.`);
  message(out, `${name}: ${d.error || problemText(d)}${d.status ? ` (HTTP ${d.status})` : ""}`, true);
}

// --- pattern tester ----------------------------------------------------------------------

async function testPattern(event) {
  event.preventDefault();
  const form = $("#pattern-form");
  const out = $("#pattern-result");
  out.className = "result";
  const parsed = {};
  for (const key of ["pattern", "event"]) {
    try {
      parsed[key] = JSON.parse(form.elements[key].value);
    } catch (error) {
      out.classList.add("invalid");
      out.textContent = `The ${key} is not JSON: ${error.message}`;
      return;
    }
  }
  const answer = await call("POST", "/admin/pattern/test", { body: parsed });
  if (answer.status === 200) {
    out.classList.add(answer.data.match ? "match" : "nomatch");
    out.textContent = answer.data.match ? "Match: the event matches the pattern." : "No match.";
  } else {
    out.classList.add("invalid");
    out.textContent = answer.status === 404 ? "This relay has no pattern tester yet." : problemText(answer.data);
  }
}

// --- start -------------------------------------------------------------------------------

function start() {
  $("#login-form").addEventListener("submit", (e) => login(e).catch(failed));
  $("#logout").addEventListener("click", () => logout().catch(failed));
  window.addEventListener("hashchange", () => { if (!$("#app").hidden) route(); });
  $("#deliveries-filter").addEventListener("submit", (e) => { e.preventDefault(); loadDeliveries().catch(failed); });
  $("#dead-filter").addEventListener("submit", (e) => { e.preventDefault(); loadDead().catch(failed); });
  $("#dead-all").addEventListener("change", (e) => {
    for (const box of document.querySelectorAll("#dead-table tbody input[type=checkbox]")) box.checked = e.target.checked;
  });
  $("#dead-replay-selected").addEventListener("click", () => changeDead("replay", selectedDead()).catch(failed));
  $("#dead-replay-matching").addEventListener("click", () => changeDead("replay", null).catch(failed));
  $("#dead-purge-selected").addEventListener("click", () => {
    if (confirm("Delete the selected dead letters for good?")) changeDead("purge", selectedDead()).catch(failed);
  });
  $("#dead-purge-matching").addEventListener("click", () => {
    if (confirm("Delete every dead letter that matches the filter for good?")) changeDead("purge", null).catch(failed);
  });
  $("#entry-form").addEventListener("submit", (e) => saveEntry(e).catch(failed));
  $("#entry-form").addEventListener("reset", () => {
    $("#entry-title").textContent = "Add a registry entry";
    $("#entry-problems").replaceChildren();
  });
  $("#test-form").addEventListener("submit", (e) => { e.preventDefault(); sendTest($("#test-form").elements.destination.value.trim()).catch(failed); });
  $("#pattern-form").addEventListener("submit", (e) => testPattern(e).catch(failed));

  call("GET", "/ui/session").then((answer) => {
    if (answer.status === 200) {
      state.csrf = answer.data.csrf;
      showApp();
    } else {
      showLogin();
    }
  }).catch(() => showLogin("relay does not answer."));
}

start();
