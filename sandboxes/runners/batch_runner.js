// Runs a batch of test programs inside ONE sandbox and prints one JSON line per program as it finishes.
// Trusted code, but it runs in the sandbox next to the untrusted programs; the host treats every line as
// untrusted input and re-runs, each in its own sandbox, any program whose line is missing.
//   node batch_runner.js js   jobs.json  -> each program in a fresh vm context (own realm: own globals and
//                                           builtins; in-realm console whose assert throws; in-realm require
//                                           that only resolves js-md5), with a per-program timeout.
//   node batch_runner.js rust jobs.json  -> one rustc --test build of all programs (each wrapped in its own
//                                           module), then one test-binary process per program (filtered to its
//                                           module) under prlimit and a timeout; leftovers are killed after each.
'use strict';
const fs = require('fs');
const vm = require('vm');
const crypto = require('crypto');
const { spawnSync } = require('child_process');
const { types } = require('util');

const [mode, jobsPath] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(jobsPath, 'utf8'));
fs.unlinkSync(jobsPath);

function emit(obj) {
  fs.writeSync(1, JSON.stringify(obj) + '\n');
}

function cap(text, n) {
  return text.length > n ? text.slice(0, n) : text;
}

function runJs() {
  const md5Src = spec.md5_path && fs.existsSync(spec.md5_path) ? fs.readFileSync(spec.md5_path, 'utf8') : null;
  for (const job of spec.jobs) {
    const t0 = process.hrtime.bigint();
    const secret = '__nc_' + crypto.randomBytes(12).toString('hex');
    const ctx = vm.createContext(Object.create(null), { microtaskMode: 'afterEvaluate' });
    vm.runInContext(prelude(secret, spec.output_bytes, md5Src), ctx, { timeout: 2000 });
    let status = 'passed';
    let reason = 'ran without throwing';
    let script = null;
    try {
      script = new vm.Script(job.source, { filename: 'program.js' });
    } catch (e) {
      status = 'compile_error';  // the program does not parse: nothing of it ran
      ctx[secret + '_err'] = e;
      reason = safeRun(`${secret}_describe(globalThis.${secret}_err)`, ctx, 'unparsable program');
    }
    if (script !== null) try {
      script.runInContext(ctx, { timeout: job.timeout_ms });
    } catch (e) {
      const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (isHostTimeout(e) || (elapsedMs >= job.timeout_ms * 0.95 &&
          /Script execution timed out/.test(safeRun(`${secret}_describe(globalThis.${secret}_err)`, setErr(ctx, secret, e), '')))) {
        status = 'timeout';
        reason = `wall-clock limit of ${job.timeout_ms / 1000}s hit`;
      } else {
        status = 'failed';
        ctx[secret + '_err'] = e;
        reason = safeRun(`${secret}_describe(globalThis.${secret}_err)`, ctx, 'unprintable exception');
      }
    }
    const out = safeRun(`${secret}_out()`, ctx, '');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    emit({ id: job.id, status, reason: cap(reason, 300), stdout: cap(out, spec.output_bytes), seconds });
  }
}

function setErr(ctx, secret, e) {
  ctx[secret + '_err'] = e;
  return ctx;
}

function isHostTimeout(e) {
  return (
    e !== null && typeof e === 'object' && !types.isProxy(e) && e instanceof Error &&
    e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
  );
}

function safeRun(code, ctx, fallback) {
  try {
    const v = vm.runInContext(code, ctx, { timeout: 500 });
    return typeof v === 'string' ? v : fallback;
  } catch (e) {
    return fallback;
  }
}

// Evaluated inside each context, so every object the program can reach belongs to the context's own realm.
function prelude(secret, outputCap, md5Src) {
  return `(function (g) {
  'use strict';
  const chunks = []; let size = 0;
  const fmt = (args) => args.map((a) => { try { return typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)); }
                                          catch (e) { return '[unprintable]'; } }).join(' ');
  const write = (args) => { if (size < ${outputCap}) { const s = fmt(args) + '\\n'; chunks.push(s); size += s.length; } };
  const console = { log: (...a) => write(a), info: (...a) => write(a), debug: (...a) => write(a),
                    warn: (...a) => write(a), error: (...a) => write(a), trace: (...a) => write(a),
                    assert: (c, ...m) => { if (!c) throw new Error('Assertion failed' + (m.length ? ': ' + fmt(m) : '')); } };
  Object.defineProperty(g, 'console', { value: console, writable: true, configurable: true });
  Object.defineProperty(g, '${secret}_out', { value: () => chunks.join('') });
  Object.defineProperty(g, '${secret}_describe', { value: (e) => {
    try { return (e && typeof e === 'object' ? String(e.name) + ': ' + String(e.message) : 'thrown: ' + String(e)).split('\\n')[0]; }
    catch (x) { return 'unprintable exception'; } } });
  const md5Src = ${JSON.stringify(md5Src)};
  let md5 = null;
  g.require = (name) => {
    if (name === 'js-md5' && md5Src !== null) {
      if (md5 === null) { const module = { exports: {} }; new Function('module', 'exports', md5Src)(module, module.exports); md5 = module.exports; }
      return md5;
    }
    const err = new Error("Cannot find module '" + name + "'"); err.code = 'MODULE_NOT_FOUND'; throw err;
  };
})(globalThis);`;
}

function runRust() {
  const rustc = spawnSync('rustc', [...spec.rustc_args, spec.crate, '-o', 'tests.bin'], {
    encoding: 'utf8', timeout: spec.compile_timeout_ms, killSignal: 'SIGKILL', maxBuffer: 8 << 20,
  });
  if (rustc.status !== 0) {
    emit({ compile_failed: true, stderr: cap(rustc.stderr || String(rustc.error || ''), 4 << 20) });
    return;
  }
  for (const job of spec.jobs) {
    const t0 = process.hrtime.bigint();
    const args = [...spec.prlimit_args, '--', './tests.bin', '--test-threads=1', '--nocapture', '-q'];
    if (job.filter) args.push(job.filter);
    // Output goes to files, not pipes: a child that outlives the test cannot hold the runner up.
    const outPath = `/tmp/nc_${job.id}.out`;
    const errPath = `/tmp/nc_${job.id}.err`;
    const out = fs.openSync(outPath, 'w');
    const err = fs.openSync(errPath, 'w');
    const r = spawnSync('prlimit', args, { stdio: ['ignore', out, err], timeout: job.timeout_ms, killSignal: 'SIGKILL' });
    fs.closeSync(out);
    fs.closeSync(err);
    try { process.kill(-1, 'SIGKILL'); } catch (e) { /* nothing left to kill */ }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const timedOut = r.error && r.error.code === 'ETIMEDOUT';
    const o = readCapped(outPath, spec.output_bytes);
    const e = readCapped(errPath, spec.output_bytes);
    emit({
      id: job.id, exit: r.status, signal: r.signal, timed_out: !!timedOut, output_over: o.over || e.over || o.size + e.size > spec.output_bytes,
      stdout: o.text, stderr: e.text, seconds,
    });
  }
}

function readCapped(path, n) {
  try {
    const size = fs.statSync(path).size;
    const fd = fs.openSync(path, 'r');
    const buf = Buffer.alloc(Math.min(size, n));
    fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    fs.unlinkSync(path);
    return { text: buf.toString('utf8'), over: size > n, size };
  } catch (e) {
    return { text: '', over: false, size: 0 };
  }
}

if (mode === 'js') runJs();
else if (mode === 'rust') runRust();
else { process.stderr.write('usage: batch_runner.js js|rust jobs.json\n'); process.exit(2); }
