// The explorer's filters and its address kept in step: "#actor=DEU&status=pledged" is a view that
// can be shared, "#row=pledge-cow_ground_troops" (or "#pledge-cow_ground_troops") shows one row.
// DataTables (loaded offline by itables) does the paging, sorting and search; this only filters
// rows by the codes in the table's hidden columns, and writes and reads the address.
const config = JSON.parse(document.getElementById("explorer-config").textContent);
const form = document.getElementById("explorer-filters");
const status = document.getElementById("explorer-status");
const columns = config.columns;
let state = {};

function readAddress() {
  const raw = location.hash.slice(1);
  if (raw && !raw.includes("=")) return {row: decodeURIComponent(raw)};  // a bare row anchor
  const params = new URLSearchParams(raw), found = {};
  for (const key of config.keys) if (params.get(key)) found[key] = params.get(key);
  return found;
}

function writeAddress() {
  const params = new URLSearchParams();
  for (const key of config.keys) if (state[key]) params.set(key, state[key]);
  const text = params.toString().replace(/\+/g, "%20");
  history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
}

function matches(row) {
  if (state.row && row[columns.anchor] !== state.row) return false;
  for (const key of ["actor", "contribution", "status", "source", "reliability"])
    if (state[key] && row[columns[key]] !== state[key]) return false;
  if (state.topic && !row[columns.topic].split(" ").includes(state.topic)) return false;
  const date = row[columns.iso_date];
  if (state.from && !(date && date >= state.from)) return false;
  if (state.to && !(date && date <= state.to)) return false;
  return true;
}

function showState(table) {
  for (const element of form.elements) if (element.name && config.keys.includes(element.name))
    element.value = state[element.name] || "";
  const shown = table.rows({search: "applied"}).count(), all = table.rows().count();
  status.textContent = state.row ? `Showing one row of the ${all} in the record.`
    : `Showing ${shown} of the ${all} rows in the record.`;
}

function apply(table, next) {
  state = next;
  table.search(state.q || "");
  const input = document.querySelector(`#${config.table}_wrapper .dt-search input`);
  if (input) input.value = state.q || "";
  table.draw();
  showState(table);
  if (state.row) document.getElementById(state.row)?.scrollIntoView({block: "start"});
}

function fromForm() {
  const next = state.q ? {q: state.q} : {};
  for (const element of form.elements) if (element.name && element.value && config.keys.includes(element.name))
    next[element.name] = element.value;
  return next;
}

async function start() {
  const {default: DataTable, jQuery: $} = await window[config.library];
  const selector = "#" + config.table;
  const table = await new Promise((resolve) => {
    if (DataTable.isDataTable(selector)) resolve($(selector).DataTable());
    else $(document).on("init.dt", (event, settings) => {
      if (settings.nTable.id === config.table) resolve($(selector).DataTable());
    });
  });
  DataTable.ext.search.push((settings, _text, _index, row) => settings.nTable.id !== config.table || matches(row));
  const update = () => { apply(table, fromForm()); writeAddress(); };
  form.addEventListener("change", update);
  form.elements.clear.addEventListener("click", () => { apply(table, {}); writeAddress(); });
  table.on("draw.dt", () => {  // after every draw, also one the search box asked for as the reader typed
    const typed = table.search();
    if (typed !== (state.q || "")) {
      state = {...state, q: typed};
      if (!typed) delete state.q;
      writeAddress();
    }
    showState(table);
  });
  window.addEventListener("hashchange", () => apply(table, readAddress()));
  apply(table, readAddress());
  document.body.dataset.explorer = "ready";  // for tests and scripts: the filters are live
}

if (window[config.library]) start();
else window.addEventListener(config.ready, start, {once: true});
