// @affinity/client for browsers and bundlers: loads the wasm module next to this file.
import init from './wasm/affinity_wasm.js';
import { makeClient } from './client.js';

export * from './client.js';

let ready;
/** Loads the wasm module (once). `connect` does it; call it to load ahead of time. */
export function load(wasm) {
  ready ??= init(wasm ? { module_or_path: wasm } : undefined);
  return ready;
}

/** Connects to an Affinity node (`ws(s)://host/live` or `http(s)://host`). */
export async function connect(url, options = {}) {
  await load(options.wasm);
  return makeClient(url, options);
}
