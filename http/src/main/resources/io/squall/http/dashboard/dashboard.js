// Squall's dashboard: everything it shows comes from the node's own API under /api/v1.
"use strict";

const API = "/api/v1";
// The API token lives in this tab's sessionStorage only: never localStorage, the URL or the console.
const TOKEN = "squall.api-token";
const BUNDLED = ["724940:23234", "725030:14732", "722950:23174", "722020:12839", "725300:94846"];
const params = new URLSearchParams(location.search);
const devices = (params.get("devices") || BUNDLED.join(",")).split(",").filter(id => id);
const state = {
  device: params.get("device") || devices[0], charts: {}, lastCounts: null,
  token: sessionStorage.getItem(TOKEN), tokenProblem: false
};

/** A read refused for want of a token (401) or of its read scope (403): the token field tells it. */
class TokenProblem extends Error {}

async function json(path) {
  const token = state.token;
  const response = await fetch(API + path, token ? { headers: { Authorization: "Bearer " + token } } : {});
  const body = await response.json().catch(() => ({}));
  if (token !== state.token) {
    throw new TokenProblem("answered for a token no longer applied");
  }
  if (response.status === 401 || response.status === 403) {
    tokenStatus(response.status === 403
      ? "Token lacks the read scope: this token may not read this node's figures"
      : token
        ? "Token needed: this node does not know the token applied"
        : "Token needed: this node's reads need an API token");
    throw new TokenProblem(body.detail || response.statusText);
  }
  tokenStatus(null);
  if (!response.ok) {
    throw new Error(body.detail || response.statusText);
  }
  return body;
}

/** Shows a problem by the token field, or (with none) whether a token is applied. */
function tokenStatus(problem) {
  state.tokenProblem = problem !== null;
  const status = document.getElementById("token-status");
  status.textContent = problem ?? (state.token ? "token applied" : "");
  status.classList.toggle("problem", state.tokenProblem);
}

function applyToken(token) {
  state.token = token || null;
  if (state.token) {
    sessionStorage.setItem(TOKEN, state.token);
  } else {
    sessionStorage.removeItem(TOKEN);
  }
  document.getElementById("token").value = "";
  load().catch(() => {});
}

function chart(id) {
  if (!state.charts[id]) {
    state.charts[id] = echarts.init(document.getElementById(id));
  }
  return state.charts[id];
}

function count(value) {
  return value === undefined ? "–" : value.toLocaleString("en");
}

function fixed(value) {
  return value === undefined || value === null ? "–" : Number(value).toFixed(1);
}

async function refreshStations() {
  const token = state.token;
  const rows = await Promise.all(devices.map(id =>
    json("/devices/" + encodeURIComponent(id)).catch(failure => failure instanceof TokenProblem
      ? { id, latest: {} }
      : { id, readings: 0, duplicates: 0, latest: {} })));
  if (token !== state.token) {
    return rows; // read for a token no longer applied: the read for the new one draws the table
  }
  const body = document.querySelector("#stations tbody");
  body.replaceChildren(...rows.map(device => {
    const row = document.createElement("tr");
    row.dataset.device = device.id;
    row.classList.toggle("selected", device.id === state.device);
    for (const cell of [device.id, count(device.readings), count(device.duplicates),
      device.last || "–", fixed(device.latest.temperature), fixed(device.latest.precipitation_1h)]) {
      const td = document.createElement("td");
      td.textContent = cell;
      row.appendChild(td);
    }
    row.addEventListener("click", () => select(device.id, device.last));
    return row;
  }));
  return rows;
}

async function refreshIngest() {
  const [ingest, projections] = await Promise.all([json("/ingest"), json("/projections")]);
  if (ingest.consuming) {
    const now = Date.now();
    if (state.lastCounts) {
      const seconds = (now - state.lastCounts.at) / 1000;
      const rate = (ingest.counts.records - state.lastCounts.records) / seconds;
      document.getElementById("rate").textContent = Math.max(0, rate).toFixed(0);
    }
    state.lastCounts = { at: now, records: ingest.counts.records };
    document.getElementById("consumer-lag").textContent = ingest.lagRecords.toLocaleString("en");
    document.getElementById("dead-letters").textContent = ingest.counts.deadLetters.toLocaleString("en");
  }
  // events whose rows are being written on this node, and a rebuild's progress
  let events = 0;
  let seconds = 0;
  let rebuild = "";
  for (const projection of projections) {
    for (const version of projection.versions) {
      if (version.state === "serving") {
        events += version.eventsPending;
        seconds = Math.max(seconds, version.oldestPendingSeconds);
      } else if (version.rebuild) {
        rebuild = ", rebuilding v" + version.version + ": " + version.rebuild.devicesDone.toLocaleString("en") +
          " of " + version.rebuild.devicesTotal.toLocaleString("en") + " devices";
      }
    }
  }
  document.getElementById("projection-lag").textContent =
    events.toLocaleString("en") + " events" + (events > 0 ? ", " + seconds.toFixed(1) + " s" : "") + rebuild;
}

async function showDaily() {
  const from = document.getElementById("from").value;
  const to = document.getElementById("to").value;
  const device = encodeURIComponent(state.device);
  const range = "&from=" + from + "&to=" + to;
  const [temperature, precipitation] = await Promise.all([
    json("/devices/" + device + "/daily?metric=temperature" + range),
    json("/devices/" + device + "/daily?metric=precipitation_1h" + range)]);
  const rain = new Map(precipitation.map(day => [day.date, day.sum]));
  document.getElementById("title").textContent = "Daily temperature and precipitation, " + state.device;
  chart("daily").setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: ["min", "mean", "max", "precipitation_1h"] },
    xAxis: { type: "category", data: temperature.map(day => day.date) },
    yAxis: [{ type: "value", name: "°C" }, { type: "value", name: "mm" }],
    series: [
      { id: "min", name: "min", type: "line", data: temperature.map(day => day.min) },
      { id: "mean", name: "mean", type: "line", data: temperature.map(day => day.mean) },
      { id: "max", name: "max", type: "line", data: temperature.map(day => day.max) },
      { id: "precipitation", name: "precipitation_1h", type: "bar", yAxisIndex: 1,
        data: temperature.map(day => rain.get(day.date) ?? 0) }]
  }, true);
}

async function showYear() {
  const year = document.getElementById("to").value.substring(0, 4);
  const device = encodeURIComponent(state.device);
  document.getElementById("year").textContent = year;
  document.getElementById("top-year").textContent = year;
  const [months, wettest] = await Promise.all([
    json("/devices/" + device + "/monthly?metric=temperature&year=" + year),
    json("/devices/" + device + "/top?metric=precipitation_1h&year=" + year + "&k=5&by=sum")]);
  chart("monthly").setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: ["min", "mean", "max"] },
    xAxis: { type: "category", data: months.map(month => month.month) },
    yAxis: { type: "value", name: "°C" },
    series: ["min", "mean", "max"].map(figure =>
      ({ id: figure, name: figure, type: "line", data: months.map(month => month[figure]) }))
  }, true);
  document.querySelector("#top tbody").replaceChildren(...wettest.map(day => {
    const row = document.createElement("tr");
    for (const cell of [day.date, fixed(day.value)]) {
      const td = document.createElement("td");
      td.textContent = cell;
      row.appendChild(td);
    }
    return row;
  }));
}

async function show() {
  const error = document.getElementById("error");
  error.textContent = "";
  delete document.body.dataset.shown;
  try {
    await Promise.all([showDaily(), showYear()]);
    document.body.dataset.shown = state.device + " " + document.getElementById("from").value;
  } catch (failure) {
    // a token problem is told once, by the token field
    error.textContent = failure instanceof TokenProblem ? "" : failure.message;
  }
}

function select(device, last) {
  state.device = device;
  document.querySelectorAll("#stations tbody tr").forEach(row =>
    row.classList.toggle("selected", row.dataset.device === device));
  if (!params.get("from") && last) {
    const end = new Date(last);
    const start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1));
    document.getElementById("from").value = start.toISOString().substring(0, 10);
    document.getElementById("to").value = end.toISOString().substring(0, 10);
  }
  if (document.getElementById("from").value && document.getElementById("to").value) {
    show();
  }
}

/** The stations, the chosen one's charts and the header's figures, read again (as after a new token). */
async function load() {
  const rows = await refreshStations();
  const selected = rows.find(row => row.id === state.device) || rows[0];
  select(selected.id, selected.last);
  refreshIngest().catch(() => {});
}

async function start() {
  document.getElementById("from").value = params.get("from") || "";
  document.getElementById("to").value = params.get("to") || "";
  document.getElementById("range").addEventListener("submit", event => {
    event.preventDefault();
    show();
  });
  document.getElementById("auth").addEventListener("submit", event => {
    event.preventDefault();
    applyToken(document.getElementById("token").value.trim());
  });
  document.getElementById("forget").addEventListener("click", () => applyToken(null));
  await load();
  // while the node refuses the token there is nothing to refresh: applying another one reads again
  setInterval(() => {
    if (!state.tokenProblem) {
      refreshStations().catch(() => {});
      refreshIngest().catch(() => {});
    }
  }, 2000);
  window.addEventListener("resize", () => Object.values(state.charts).forEach(c => c.resize()));
}

start();
