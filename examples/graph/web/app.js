// The graph example's live page: subscribes to components and vertices through
// @affinity/client (served by the example node at /pkg/) and renders every change; each vertex
// can be renamed from the page by publishing a Rename message to its id.
import { connect } from '/pkg/dist/index.js';

const params = new URLSearchParams(location.search);
const ids = (name, fallback) =>
  (params.get(name) ?? fallback).split(',').map((s) => s.trim()).filter(Boolean).map(Number);

function card(parent, testId, title) {
  const el = document.createElement('div');
  el.className = 'card';
  el.innerHTML = `<h2></h2><div class="body none" data-testid="${testId}">waiting…</div><small class="meta"></small>`;
  el.querySelector('h2').textContent = title;
  parent.append(el);
  return { el, body: el.querySelector('.body'), meta: el.querySelector('.meta') };
}

function show(view, text, info) {
  view.body.textContent = text;
  view.body.classList.toggle('none', info.deleted);
  view.meta.textContent = `offset ${info.offset}`;
}

const client = await connect(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live`, {
  reconnectMinMs: 100,
  reconnectMaxMs: 2000,
});
const stateEl = document.getElementById('state');
const showState = (s) => { stateEl.textContent = s; stateEl.dataset.state = s; };
showState(client.state);
client.onStateChange(showState);

for (const id of ids('components', '1,2,3')) {
  const view = card(document.getElementById('components'), `component-${id}`, `component ${id}`);
  client.subscribe('graph', 'components', id, (c, info) => {
    show(view, c ? `members: ${c.members.join(', ')}` : '(none)', info);
  }, (e) => { view.body.textContent = `error ${e.code}: ${e.message}`; });
}
for (const id of ids('vertices', '1,2,3')) {
  const view = card(document.getElementById('vertices'), `vertex-${id}`, `vertex ${id}`);
  client.subscribe('graph', 'vertices', id, (v, info) => {
    show(view, v ? `${v.name} · edges [${v.edges.join(', ')}] · component ${v.component}` : '(none)', info);
  }, (e) => { view.body.textContent = `error ${e.code}: ${e.message}`; });
  renameForm(view.el, id);
}

/** A form that renames vertex `id`: publishes { name } to the vertex's handler. */
function renameForm(parent, id) {
  const form = document.createElement('form');
  form.innerHTML = `<input data-testid="rename-${id}" placeholder="new name" required> <button>rename</button>
    <div class="status" data-testid="rename-status-${id}"></div>`;
  const input = form.querySelector('input');
  const status = form.querySelector('.status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = 'publishing…';
    try {
      await client.publish('graph', id, { name: input.value });
      status.textContent = 'renamed';
      input.value = '';
    } catch (e) {
      status.textContent = `refused: ${e.code}: ${e.message}`;
    }
  });
  parent.append(form);
}
window.affinityClient = client;
