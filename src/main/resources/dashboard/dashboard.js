// The stella-release dashboard. It reads only the run API (/api/v1/runs...), polling it while runs are
// active. Text from tags, messages and logs is only ever set as textContent, never parsed as HTML.
'use strict';

const POLL_LIST_MS = 2000;
const POLL_RUN_MS = 1000;
const PAGE_SIZE = 50;   // runs per page of the run API; "more" shows another page
const MAX_LIMIT = 200;  // the most the run API gives in one answer
let shown = PAGE_SIZE;  // how many runs the list shows: the newest, refreshed on every poll
let generation = 0; // bumped on every view change: a poll of an older view stops itself
let follow = null;  // the log being followed: {runId, key, offset, done}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function status(value) {
  return value ? String(value).toLowerCase().replace(/_/g, '-') : 'waiting';
}

function duration(ms) {
  if (ms === null || ms === undefined || ms < 0) return '';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  const s = Math.floor(ms / 1000);
  return Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's';
}

function elapsed(from, to, ms) {
  if (ms !== null && ms !== undefined) return duration(ms);
  if (!from) return '';
  return duration((to ? Date.parse(to) : Date.now()) - Date.parse(from));
}

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function apiUrl(url) {
  // Links come from the run API; anything that is not one of its paths is not followed.
  return typeof url === 'string' && url.startsWith('/api/v1/') ? url : null;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
  return response.json();
}

function setLive(on) {
  document.getElementById('live').classList.toggle('on', on);
}

// ---- the runs list ---------------------------------------------------------------------------

async function showRuns(gen) {
  document.getElementById('runs-view').hidden = false;
  document.getElementById('run-view').hidden = true;
  const filter = document.getElementById('state-filter').value;
  try {
    // The newest `shown` runs, page after page (one request unless more than MAX_LIMIT are shown).
    const runs = [];
    let next = null;
    do {
      const params = new URLSearchParams({ limit: String(Math.min(MAX_LIMIT, shown - runs.length)) });
      if (filter) params.set('state', filter);
      if (next) params.set('cursor', next);
      const data = await getJson('/api/v1/runs?' + params);
      if (gen !== generation) return;
      runs.push(...(data.runs || []));
      next = data.next || null;
    } while (next && runs.length < shown);
    renderRuns(runs, next !== null);
    const history = await getJson('/api/v1/releases');
    if (gen !== generation) return;
    renderReleases(history.releases || []);
    setLive(true);
  } catch (e) {
    setLive(false);
  }
  setTimeout(() => { if (gen === generation) showRuns(gen); }, POLL_LIST_MS);
}

function renderRuns(runs, more) {
  const body = document.querySelector('#runs tbody');
  body.replaceChildren(...runs.map(run => el('tr', { 'data-run': run.id, 'data-state': run.state },
    el('td', { text: run.kind + (run.hotfix ? ' (hotfix)' : '') }),
    el('td', {}, el('a', { href: '#/runs/' + encodeURIComponent(run.id), text: run.tag || run.version }),
      run.tag && run.version ? el('span', { class: 'muted', text: ' ' + run.version }) : null),
    el('td', { text: run.channel || '' }),
    el('td', {}, el('span', { class: 'badge ' + run.state, text: run.state })),
    el('td', { text: when(run.startedAt || run.createdAt) }),
    el('td', { text: elapsed(run.startedAt, run.finishedAt || (run.state === 'running' ? null : run.startedAt)) }))));
  document.getElementById('no-runs').hidden = runs.length > 0;
  document.getElementById('more-runs').hidden = !more;
}

// The release history with each suite's post-release watch: watching, healthy, or degraded with its breach.
function renderReleases(releases) {
  const body = document.querySelector('#releases tbody');
  body.replaceChildren(...releases.map(r => {
    const w = r.watch;
    const b = w && w.breach;
    const watch = w ? el('td', { class: 'watch' }, el('span', { class: 'badge ' + w.status, text: w.status }),
      b ? el('span', { class: 'breach', text: ' ' + b.check + ' ' + b.value + ' (' + b.threshold + ') at ' + when(b.at) }) : null,
      !b && w.status === 'watching' ? el('span', { class: 'muted', text: ' until ' + when(w.endsAt) }) : null,
      w.note ? el('span', { class: 'muted', text: ' ' + w.note }) : null)
      : el('td', { class: 'muted', text: r.kind === 'suite' ? 'not watched' : '' });
    return el('tr', { 'data-release': r.tag, 'data-watch': w ? w.status : '' },
      el('td', { text: r.tag }),
      el('td', { text: r.kind === 'module' ? r.name + ' ' + r.version : r.version }),
      el('td', { text: r.channel || '' }),
      el('td', { text: when(r.releasedAt) }),
      el('td', { text: r.status }),
      watch);
  }));
  document.getElementById('no-releases').hidden = releases.length > 0;
}

function showMore() {
  shown += PAGE_SIZE;
  route(); // poll now, with the longer list
}

// ---- one run ---------------------------------------------------------------------------------

async function showRun(gen, id) {
  document.getElementById('runs-view').hidden = true;
  document.getElementById('run-view').hidden = false;
  let active = true;
  try {
    const data = await getJson('/api/v1/runs/' + encodeURIComponent(id));
    if (gen !== generation) return;
    renderRun(data);
    active = ['queued', 'running', 'interrupted'].includes(data.run.state);
    setLive(active);
    await followLog(gen, active);
  } catch (e) {
    if (gen !== generation) return;
    document.getElementById('run-title').textContent = 'run ' + id + ': ' + e.message;
    setLive(false);
  }
  if (active || (follow && !follow.done)) {
    setTimeout(() => { if (gen === generation) showRun(gen, id); }, POLL_RUN_MS);
  }
}

function renderRun(data) {
  const run = data.run;
  const pipeline = data.pipeline || { stages: [] };
  document.getElementById('run-title').replaceChildren(
    el('span', { text: run.tag + ' ' }), el('span', { id: 'run-state', class: 'badge ' + run.state, text: run.state }));
  const suite = pipeline.suite || {};
  // With a shared store: the instance that holds (or last held) the run, and whom it took the run over from.
  const claims = data.attempts || [];
  const claim = claims.length ? claims[claims.length - 1] : null;
  const instance = claim ? claim.instance + (claim.event === 'taken-over' ? ' (took over from ' + claim.previousOwner + ')' : '') : null;
  const facts = [['kind', run.kind], ['instance', instance], ['version', run.version], ['codename', suite.codename], ['channel', suite.channel],
    ['source', run.source], ['attempts', run.attempts], ['started', when(run.startedAt)],
    ['duration', elapsed(run.startedAt, run.finishedAt || (run.state === 'running' ? null : run.startedAt))]];
  document.getElementById('run-facts').replaceChildren(...facts.filter(f => f[1] !== undefined && f[1] !== null && f[1] !== '')
    .flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));
  const error = document.getElementById('run-error');
  error.hidden = !run.error;
  error.textContent = run.error || '';
  renderPipeline(run, data.plannedStages || [], pipeline.stages || []);
  renderFailures(pipeline.stages || []);
  renderFiles(data.files || []);
}

function renderPipeline(run, planned, stages) {
  const byName = new Map(stages.map(s => [s.name, s]));
  const names = [...planned];
  for (const s of stages) if (!names.includes(s.name)) names.push(s.name);
  const finished = !['queued', 'running', 'interrupted'].includes(run.state);
  const boxes = names.map(name => stageBox(run, name, byName.get(name), finished));
  document.getElementById('pipeline').replaceChildren(...boxes);
}

function stageBox(run, name, stage, finished) {
  if (!stage) {
    const state = finished ? 'not-run' : 'waiting';
    return el('div', { class: 'stage', 'data-stage': name, 'data-status': state },
      el('div', { class: 'name', text: name }), el('div', { class: 'meta', text: finished ? 'not run' : 'waiting' }));
  }
  const state = status(stage.status);
  const steps = stage.steps || [];
  const plannedNames = stage.plannedStepNames || [];
  const planned = Math.max(stage.plannedSteps || 0, plannedNames.length, steps.length);
  const meta = [state, elapsed(stage.startedAt, stage.finishedAt, stage.durationMs)];
  const box = el('div', { class: 'stage', 'data-stage': name, 'data-status': state, title: stage.reason || '' },
    el('div', { class: 'name', text: name }),
    el('div', { class: 'meta' }, el('span', { text: meta.filter(Boolean).join(' \u00b7 ') })));
  if (planned > 0) {
    box.querySelector('.meta').append(el('span', { class: 'progress', text: ` ${steps.length}/${planned}` }));
  }
  if (planned > 0 || steps.length > 0) {
    const byStep = new Map(steps.map(s => [s.name, s]));
    const running = stage.runningSteps || {};
    const stepNames = [...plannedNames];
    for (const s of steps) if (!stepNames.includes(s.name)) stepNames.push(s.name);
    for (const s of Object.keys(running)) if (!stepNames.includes(s)) stepNames.push(s);
    const list = el('div', { class: 'steps' });
    for (const stepName of stepNames) {
      const step = byStep.get(stepName);
      let stepState = step ? status(step.status) : running[stepName] ? 'running' : 'waiting';
      if (!step && !running[stepName] && state !== 'running') stepState = 'skipped';
      const took = step ? duration(step.durationMs) : running[stepName] ? elapsed(running[stepName], null) : '';
      const key = name + ':' + stepName;
      const button = el('button', { type: 'button', class: 'step', 'data-step': key, 'data-status': stepState,
        title: (step && step.message ? step.message : stepState)
          + (step && step.details && step.details.worker ? ' (worker ' + step.details.worker + ')' : ''),
        onclick: () => openLog(run.id, key) },
        el('span', { text: stepName }), el('span', { text: took }));
      if (follow && follow.key === key) button.classList.add('selected');
      list.append(button);
    }
    box.append(list);
  }
  return box;
}

function renderFailures(stages) {
  const items = [];
  for (const stage of stages) {
    if (!['failed', 'timed-out'].includes(status(stage.status))) continue;
    const failedSteps = (stage.steps || []).filter(s => ['failed', 'timed-out'].includes(status(s.status)));
    items.push(el('div', { class: 'failure', 'data-failed-stage': stage.name },
      el('strong', { text: stage.name + ' ' + status(stage.status) }),
      ...failedSteps.map(s => el('div', { 'data-failed-step': stage.name + ':' + s.name },
        el('span', { text: s.name + ': ' + (s.message || status(s.status)) }))),
      stage.reason ? el('pre', { class: 'reason', text: stage.reason }) : null));
  }
  document.getElementById('failures').replaceChildren(...items);
}

function renderFiles(files) {
  const panel = document.getElementById('files-panel');
  panel.hidden = files.length === 0;
  const key = [
    ['manifest', f => /^suite-[^/]+\.yaml$/.test(f.path)],
    ['checksums', f => /^SHA256SUMS-[^/]+\.txt$/.test(f.path)],
    ['summary', f => f.path === 'summary.md'],
    ['release plan', f => f.path === 'release-plan.json']];
  const keyItems = [];
  const used = new Set();
  for (const [label, test] of key) {
    const file = files.find(test);
    if (!file || !apiUrl(file.url)) continue;
    used.add(file.path);
    keyItems.push(el('li', {}, el('a', { href: apiUrl(file.url), 'data-file': label, text: label }),
      el('span', { class: 'muted', text: ' ' + file.path })));
  }
  document.getElementById('key-files').replaceChildren(...keyItems);
  document.getElementById('artifacts').replaceChildren(...files.filter(f => !used.has(f.path) && apiUrl(f.url))
    .map(f => el('li', {}, el('a', { href: apiUrl(f.url), text: f.path }), el('span', { class: 'muted', text: ' ' + f.size + ' B' }))));
}

// ---- following a step's log ---------------------------------------------------------------------

function openLog(runId, key) {
  follow = { runId, key, offset: 0, done: false };
  document.getElementById('log-panel').hidden = false;
  document.getElementById('log-name').textContent = key;
  document.getElementById('log').replaceChildren();
  document.querySelectorAll('.step.selected').forEach(b => b.classList.remove('selected'));
  const button = document.querySelector(`.step[data-step="${CSS.escape(key)}"]`);
  if (button) button.classList.add('selected');
  const gen = ++generation; // restart polling now, so the log shows without waiting for the next tick
  showRun(gen, runId);
}

async function followLog(gen, runActive) {
  if (!follow) return;
  const f = follow;
  const url = `/api/v1/runs/${encodeURIComponent(f.runId)}/logs/${encodeURIComponent(f.key)}?offset=${f.offset}`;
  const state = document.getElementById('log-state');
  const response = await fetch(url);
  if (gen !== generation || f !== follow) return;
  if (response.status === 404) {
    state.textContent = runActive ? '(no output yet)' : '(no log)';
    f.done = !runActive;
    return;
  }
  const text = await response.text();
  if (gen !== generation || f !== follow) return;
  const next = Number(response.headers.get('X-Log-Offset'));
  if (text.length > 0) {
    const log = document.getElementById('log');
    log.append(document.createTextNode(text));
    log.scrollTop = log.scrollHeight;
  }
  if (Number.isFinite(next)) f.offset = next;
  const button = document.querySelector(`.step[data-step="${CSS.escape(f.key)}"]`);
  const stepRunning = button && ['running', 'waiting'].includes(button.dataset.status);
  f.done = !runActive && !stepRunning && text.length === 0;
  state.textContent = stepRunning ? '(following)' : '';
}

// ---- routing -----------------------------------------------------------------------------------

function route() {
  const gen = ++generation;
  const match = location.hash.match(/^#\/runs\/([^/]+)$/);
  if (match) {
    const id = decodeURIComponent(match[1]);
    if (!follow || follow.runId !== id) {
      follow = null;
      document.getElementById('log-panel').hidden = true;
    }
    showRun(gen, id);
  } else {
    follow = null;
    showRuns(gen);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('state-filter').addEventListener('change', () => { shown = PAGE_SIZE; route(); });
  document.getElementById('more-runs').addEventListener('click', showMore);
  window.addEventListener('hashchange', route);
  route();
});
