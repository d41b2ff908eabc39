// Starts and stops the graph example node for the tests: loopback, a free port, a temp data dir.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The example-graph binary (AFFINITY_GRAPH_BIN, else the shared cargo target's debug build). */
export function graphBinary() {
  const bin = process.env.AFFINITY_GRAPH_BIN
    ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/affinity/target'), 'debug/example-graph');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run cargo build -p example-graph (or set AFFINITY_GRAPH_BIN)`);
  return bin;
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Resolves when `check()` returns a truthy value; rejects after `ms` with `what`. */
export async function until(what, check, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try { last = await check(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the node; resolves once /health answers. */
export async function startNode({ port, dataDir, web, pkg }) {
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir];
  if (web) args.push('--web', web);
  if (pkg) args.push('--pkg', pkg);
  const child = spawn(graphBinary(), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  try {
    await until('the node to answer /health', async () => {
      if (child.exitCode !== null) throw new Error(`the node exited (${child.exitCode}): ${output}`);
      const r = await fetch(`${base}/health`);
      return r.ok;
    }, 30000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n${output}`);
  }
  return {
    base,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A JSON HTTP call to the node; returns the parsed answer. */
export async function http(base, method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}
