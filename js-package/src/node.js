// @affinity/client for Node: loads the wasm synchronously; uses the global WebSocket (Node ≥ 22)
// or the `ws` package (an optional peer dependency), or options.WebSocket.
import { readFileSync } from 'node:fs';
import { initSync } from './wasm/affinity_wasm.js';
import { makeClient } from './client.js';

export * from './client.js';

let loaded = false;
/** Loads the wasm module (once); `connect` does it. */
export function load() {
  if (!loaded) {
    initSync({ module: readFileSync(new URL('./wasm/affinity_wasm_bg.wasm', import.meta.url)) });
    loaded = true;
  }
}

/** Connects to an Affinity node (`ws(s)://host/live` or `http(s)://host`). */
export async function connect(url, options = {}) {
  load();
  let WebSocket = options.WebSocket ?? globalThis.WebSocket;
  if (!WebSocket) {
    try {
      WebSocket = (await import('ws')).WebSocket;
    } catch {
      // makeClient reports the missing WebSocket with its code
    }
  }
  return makeClient(url, { ...options, WebSocket });
}
