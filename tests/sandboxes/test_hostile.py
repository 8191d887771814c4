"""Hostile programs, JS and Rust, against both backends. Each asserts containment, not just "did not pass":
the run finished, the outcome names the reason, host canaries are unchanged (``canaries`` fixture) and no
process of the program is left (``marker`` fixture: every process a program starts carries the marker)."""

from __future__ import annotations

import json

import pytest

from nearcoder.sandboxes.api import Limits, Program, Status
from nearcoder.sandboxes.languages import TestProgram, run_tests

pytestmark = pytest.mark.sandbox

LIMITS = Limits(wall_seconds=3, cpu_seconds=3, memory_mb=1024, processes=32, output_bytes=16384, disk_mb=8,
                open_files=64)
RUST_LIMITS = Limits(wall_seconds=3, cpu_seconds=3, memory_mb=256, processes=32, output_bytes=16384, disk_mb=8,
                     open_files=64)
REPO_FILE = "/work/main/pyproject.toml"
SHARED = "/work/shared/data/README.md"


def run_js(backend, marker, source, limits=LIMITS):
    """Run ``source`` with node under a file name that carries the marker (so node's argv does too)."""
    name = f"{marker}.js"
    return backend.run(Program(files={name: source.encode()}, command=("node", name), limits=limits))


def run_rust(backend, body, limits=RUST_LIMITS):
    """Run one Rust test (``body`` is the test function's body) through the language runner."""
    source = f"fn main() {{}}\n#[cfg(test)]\nmod tests {{\n    #[test]\n    fn hostile() {{\n{body}\n    }}\n}}\n"
    [out] = run_tests([TestProgram("rust", source)], backend=backend, limits=limits, progress=False, workers=1)
    return out


def assert_spawn_outcome(backend, out):
    """bwrap: a Rust test process cannot start programs (the batch runner's no-exec filter), so ``spawn()``
    fails; Docker runs the program alone in its exec, where the child is started and then killed."""
    if backend.name == "bwrap":
        assert out.status is Status.FAILED and "Operation not permitted" in out.stderr, out
    else:
        assert out.status is Status.PASSED, out


def js_probe(paths_js: str) -> str:
    """JS that tries to read each path and prints JSON {path: 'denied' | content}."""
    return f"""const fs = require('fs'); const r = {{}};
for (const p of {paths_js}) {{ try {{ r[p] = fs.readFileSync(p, 'utf8').slice(0, 200); }} catch (e) {{ r[p] = 'denied'; }} }}
console.log(JSON.stringify(r));"""


# ---------------------------------------------------------------- JavaScript -----------------------------------
def test_js_fork_bomb(backend, canaries, marker):
    src = f"""const {{ spawn }} = require('child_process');
spawn('sh', ['-c', 'f() {{ f | f & }}; f; sleep 30', '{marker}'], {{ stdio: 'ignore' }});
setTimeout(() => {{}}, 60000);"""
    out = run_js(backend, marker, src)
    assert out.status is Status.TIMEOUT and "wall-clock" in out.reason


def test_js_memory_bomb(backend, canaries, marker):
    out = run_js(backend, marker, "const a = []; for (;;) a.push(new Array(1e6).fill(7));")
    assert out.status is Status.MEMORY, out
    assert "memory" in out.reason


def test_js_infinite_loop(backend, canaries, marker):
    out = run_js(backend, marker, "for (;;) {}")
    assert out.status is Status.TIMEOUT
    assert out.duration < LIMITS.wall_seconds + 3


def test_js_cpu_spin_in_child_outliving_parent(backend, canaries, marker):
    src = f"""const {{ spawn }} = require('child_process');
spawn('sh', ['-c', 'while :; do :; done', '{marker}'], {{ detached: true, stdio: 'ignore' }}).unref();
console.log('parent done');"""
    out = run_js(backend, marker, src)
    assert out.status is Status.PASSED and "parent done" in out.stdout  # the marker fixture checks the child died


def test_js_setsid_double_fork_daemon(backend, canaries, marker):
    src = f"""const {{ spawn }} = require('child_process');
spawn('setsid', ['sh', '-c', '(sleep 60 & ) ; sleep 60', '{marker}'], {{ detached: true, stdio: 'ignore' }}).unref();
setTimeout(() => console.log('daemonised'), 300);"""
    out = run_js(backend, marker, src)
    assert out.status is Status.PASSED and "daemonised" in out.stdout


def test_js_output_flood(backend, canaries, marker):
    out = run_js(backend, marker, "const s = 'x'.repeat(65536); for (;;) process.stdout.write(s);")
    assert out.status is Status.OUTPUT_LIMIT and "output exceeded" in out.reason
    assert len(out.stdout) <= LIMITS.output_bytes


def test_js_disk_fill(backend, canaries, marker):
    src = "const fs = require('fs'); const b = Buffer.alloc(1 << 20, 1); for (;;) fs.appendFileSync('big', b);"
    out = run_js(backend, marker, src)
    assert out.status is Status.DISK_LIMIT, out
    assert "disk" in out.reason


def test_js_writes_outside_work_dir(backend, canaries, marker):
    targets = ["/etc/nearcoder-pwned", "/usr/nearcoder-pwned", "/opt/rust/pwned", "/pwned", canaries["file"],
               "/proc/sys/kernel/hostname", "/in/pwned"]
    src = f"""const fs = require('fs'); const r = {{}};
for (const p of {json.dumps(targets)}) {{ try {{ fs.writeFileSync(p, 'pwned'); r[p] = 'WROTE'; }} catch (e) {{ r[p] = e.code; }} }}
console.log(JSON.stringify(r));"""
    out = run_js(backend, marker, src)
    assert out.status is Status.PASSED
    assert "WROTE" not in out.stdout, out.stdout


def test_js_reads_host_files(backend, canaries, marker):
    paths = ["/etc/shadow", REPO_FILE, SHARED, "../shared/data/README.md", "/root/.ssh/id_rsa", "/root/.bashrc",
             canaries["file"]]
    out = run_js(backend, marker, js_probe(json.dumps(paths)))
    assert out.status is Status.PASSED
    result = json.loads(out.stdout)
    assert all(v == "denied" for v in result.values()), result
    assert canaries["secret"] not in out.stdout


def test_js_reads_harness_environment(backend, canaries, marker):
    src = "console.log(JSON.stringify(process.env)); try { console.log(require('fs').readFileSync('/proc/1/environ', 'utf8')) } catch (e) {}"
    out = run_js(backend, marker, src)
    assert out.status is Status.PASSED
    assert canaries["secret"] not in out.stdout and "NEARCODER_CANARY" not in out.stdout


def test_js_connects_to_loopback_server(backend, canaries, marker, loopback_server):
    src = f"""const net = require('net');
const s = net.connect({loopback_server['port']}, '127.0.0.1', () => {{ console.log('CONNECTED'); process.exit(0); }});
s.on('error', (e) => {{ console.log('blocked ' + e.code); process.exit(0); }});"""
    out = run_js(backend, marker, src)
    assert out.status is Status.PASSED and "blocked" in out.stdout, out
    assert not loopback_server["accepted"]


def test_js_kills_parent_and_host_pids(backend, canaries, marker):
    src = f"""for (const pid of [process.ppid, 1, {canaries['host_pid']}, -1]) {{
  try {{ process.kill(pid, 'SIGKILL'); }} catch (e) {{ console.log(pid + ' ' + e.code); }} }}
console.log('still here');"""
    out = run_js(backend, marker, src)
    assert out.status in (Status.PASSED, Status.FAILED)  # killing its own sandbox's processes is allowed
    assert out.reason  # the canaries fixture asserts the host sleeper survived


def test_js_proc_tricks(backend, canaries, marker):
    paths = ["/proc/1/root/etc/shadow", "/proc/1/environ", f"/proc/{canaries['host_pid']}/cmdline",
             "/proc/self/root/root/.ssh/id_rsa", "/proc/1/cwd/pyproject.toml"]
    src = js_probe(json.dumps(paths)) + "\nconsole.log(require('fs').readdirSync('/proc').filter(n => /^\\d+$/.test(n)).length);"
    out = run_js(backend, marker, src)
    assert out.status is Status.PASSED
    result = json.loads(out.stdout.splitlines()[0])
    assert canaries["secret"] not in out.stdout
    assert result[f"/proc/{canaries['host_pid']}/cmdline"] == "denied" or "sleep" not in result[f"/proc/{canaries['host_pid']}/cmdline"]
    assert int(out.stdout.splitlines()[1]) < 20  # only the sandbox's own processes are visible


def test_js_symlink_escape(backend, canaries, marker):
    src = f"""const fs = require('fs'); const r = {{}};
for (const [i, t] of {json.dumps(["/etc/shadow", canaries["file"], "/proc/1/root", REPO_FILE])}.entries()) {{
  try {{ fs.symlinkSync(t, 'l' + i); r[t] = fs.readFileSync('l' + i, 'utf8').slice(0, 100); }} catch (e) {{ r[t] = 'denied'; }} }}
console.log(JSON.stringify(r));"""
    out = run_js(backend, marker, src)
    assert out.status is Status.PASSED
    assert canaries["secret"] not in out.stdout
    assert all(v == "denied" for v in json.loads(out.stdout).values())


def test_js_runs_as_unprivileged_user(backend, canaries, marker):
    src = "const os = require('os'); console.log(process.getuid(), process.getgid(), require('fs').readFileSync('/proc/self/status','utf8').match(/CapEff:\\s*(\\w+)/)[1]);"
    out = run_js(backend, marker, src)
    uid, gid, caps = out.stdout.split()
    assert int(uid) != 0 and int(gid) != 0 and int(caps, 16) == 0


# ---------------------------------------------------------------- Rust -----------------------------------------
def test_rust_fork_bomb(backend, canaries, marker):
    out = run_rust(backend, f"""for _ in 0..100000 {{
        let _ = std::process::Command::new("sh").args(["-c", "sleep 30", "{marker}"]).spawn();
    }}
    std::thread::sleep(std::time::Duration::from_secs(30));""")
    assert out.status is Status.TIMEOUT, out


def test_rust_memory_bomb(backend, canaries, marker):
    out = run_rust(backend, "let mut v: Vec<Vec<u8>> = Vec::new(); loop { v.push(vec![1u8; 1 << 24]); }")
    assert out.status is Status.MEMORY, out


def test_rust_infinite_loop(backend, canaries, marker):
    out = run_rust(backend, "let mut x = 0u64; loop { x = x.wrapping_add(1); std::hint::black_box(x); }")
    assert out.status is Status.TIMEOUT


def test_rust_child_outlives_parent(backend, canaries, marker):
    out = run_rust(backend, f"""std::process::Command::new("sh").args(["-c", "while :; do :; done", "{marker}"]).spawn().unwrap();""")
    assert_spawn_outcome(backend, out)


def test_rust_setsid_daemon(backend, canaries, marker):
    out = run_rust(backend, f"""std::process::Command::new("setsid").args(["sh", "-c", "(sleep 60 &); sleep 60", "{marker}"]).spawn().unwrap();""")
    assert_spawn_outcome(backend, out)


def test_rust_output_flood(backend, canaries, marker):
    out = run_rust(backend, 'let s = "y".repeat(65536); loop { eprintln!("{}", s); }')
    assert out.status is Status.OUTPUT_LIMIT, out


def test_rust_disk_fill(backend, canaries, marker):
    out = run_rust(backend, """use std::io::Write;
    let mut f = std::fs::File::create("big").unwrap(); let b = vec![7u8; 1 << 20];
    loop { f.write_all(&b).unwrap(); }""")
    assert out.status is Status.DISK_LIMIT, out


def test_rust_writes_outside_work_dir(backend, canaries, marker):
    targets = ["/etc/pwned", "/usr/pwned", "/opt/rust/pwned", "/pwned", canaries["file"], "/proc/sys/kernel/hostname"]
    out = run_rust(backend, f"for p in {json.dumps(targets)} {{ assert!(std::fs::write(p, \"pwned\").is_err(), \"wrote {{}}\", p); }}")
    assert out.status is Status.PASSED, out


@pytest.mark.parametrize("path", ["/etc/shadow", REPO_FILE, SHARED, "/root/.ssh/id_rsa", "CANARY"])
def test_rust_reads_host_files(backend, canaries, marker, path):
    path = canaries["file"] if path == "CANARY" else path
    out = run_rust(backend, f'assert!(std::fs::read({json.dumps(path)}).is_err());')
    assert out.status is Status.PASSED, out


def test_rust_reads_harness_environment(backend, canaries, marker):
    out = run_rust(backend, f"""for (k, v) in std::env::vars() {{ assert!(!v.contains("{canaries['secret']}") && !k.contains("CANARY")); }}
    if let Ok(e) = std::fs::read("/proc/1/environ") {{ assert!(!String::from_utf8_lossy(&e).contains("{canaries['secret']}")); }}""")
    assert out.status is Status.PASSED, out


def test_rust_connects_to_loopback_server(backend, canaries, marker, loopback_server):
    out = run_rust(backend, f'assert!(std::net::TcpStream::connect("127.0.0.1:{loopback_server["port"]}").is_err());')
    assert out.status is Status.PASSED, out
    assert not loopback_server["accepted"]


def test_rust_kills_host_pids(backend, canaries, marker):
    out = run_rust(backend, f"""for pid in ["{canaries['host_pid']}", "1", "-1"] {{
        let _ = std::process::Command::new("kill").args(["-9", "--", pid]).status(); }}""")
    assert out.reason  # the run finished with a verdict; the canaries fixture checks the host process lives


def test_rust_symlink_and_proc_tricks(backend, canaries, marker):
    out = run_rust(backend, f"""std::os::unix::fs::symlink({json.dumps(canaries['file'])}, "l").unwrap();
    assert!(std::fs::read("l").is_err());
    assert!(std::fs::read("/proc/1/root/etc/shadow").is_err());
    let n = std::fs::read_dir("/proc").unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().parse::<u32>().is_ok()).count();
    assert!(n < 20, "sees {{}} processes", n);""")
    assert out.status is Status.PASSED, out


def test_rust_compile_time_include_of_host_file(backend, canaries, marker):
    source = f'fn main() {{}}\nconst S: &str = include_str!({json.dumps(canaries["file"])});\n'
    [out] = run_tests([TestProgram("rust", source)], backend=backend, limits=RUST_LIMITS, progress=False)
    assert out.status is Status.COMPILE_ERROR and "couldn't read" in out.reason
    assert canaries["secret"] not in out.stderr + out.stdout
