// Hostile Rust program for tests/sandboxes/test_containment.py, compiled on the host once per session.
// Mode (argv[1]): mem | mem-child | forks | disk | ns. Every mode prints what it achieved, then fails loudly.
use std::io::Write;
use std::process::{Command, Stdio};

extern "C" {
    fn syscall(n: i64, ...) -> i64;
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn procs() -> usize {
    std::fs::read_dir("/proc").map(|d| d.filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().chars().all(|c| c.is_ascii_digit())).count()).unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let me = std::env::current_exe().unwrap();
    match args[1].as_str() {
        "mem" => {
            // Three children of 1 GiB each: only a whole-sandbox bound stops the sum.
            let kids: Vec<_> = (0..3).map(|_| Command::new(&me).arg("mem-child").spawn().unwrap()).collect();
            let mut ok = 0;
            for mut k in kids {
                if k.wait().unwrap().success() { ok += 1; }
            }
            println!("children that kept 1 GiB: {}", ok);
            assert_eq!(ok, 3, "a child was killed");
        }
        "mem-child" => {
            let v = vec![7u8; 1 << 30];
            println!("allocated {}", v.iter().step_by(4096).map(|&b| b as usize).sum::<usize>() > 0);
            std::io::stdout().flush().unwrap();
            std::thread::sleep(std::time::Duration::from_secs(3));
            println!("released {}", v[12345]);
        }
        "forks" => {
            let mut kids = Vec::new();
            for _ in 0..300 {
                match Command::new("sleep").arg("3").stdout(Stdio::null()).spawn() {
                    Ok(k) => kids.push(k),
                    Err(e) => { println!("spawn refused: {}", e); break; }
                }
            }
            println!("spawned={} procs={}", kids.len(), procs());
            assert!(kids.len() == 300, "could not fork");
        }
        "disk" => {
            let chunk = vec![1u8; 1 << 20];
            let mut total = 0usize;
            let mut last = None;
            for dir in ["/work", "/tmp", "/dev/shm"] {
                for i in 0..300 {
                    let written = std::fs::File::create(format!("{}/fill{}", dir, i)).and_then(|mut f| f.write_all(&chunk));
                    match written {
                        Ok(()) => total += 1,
                        Err(e) => { last = last.or(Some(e)); break; }
                    }
                    if total >= 300 { break; }
                }
            }
            println!("wrote_mib={}", total);
            if let Some(e) = last { panic!("write failed: {}", e); }
        }
        "ns" => {
            // CLONE_NEWUSER, then a private tmpfs mount; both must be refused, as must the other closed calls.
            let newuser = unsafe { syscall(272, 0x1000_0000i64) };
            println!("unshare(CLONE_NEWUSER)={} errno={}", newuser, errno());
            let src = std::ffi::CString::new("none").unwrap();
            let dst = std::ffi::CString::new("/tmp").unwrap();
            let fs = std::ffi::CString::new("tmpfs").unwrap();
            let m = unsafe { syscall(165, src.as_ptr(), dst.as_ptr(), fs.as_ptr(), 0i64, 0i64) };
            println!("mount(tmpfs)={} errno={}", m, errno());
            for (name, nr) in [("ptrace", 101), ("bpf", 321), ("keyctl", 250), ("perf_event_open", 298),
                               ("userfaultfd", 323), ("setns", 308), ("io_uring_setup", 425)] {
                let r = unsafe { syscall(nr, 0i64, 0i64, 0i64, 0i64, 0i64) };
                println!("{}={} errno={}", name, r, errno());
            }
        }
        other => panic!("unknown mode {}", other),
    }
}
