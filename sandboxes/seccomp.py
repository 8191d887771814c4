"""The seccomp filter every bwrap sandbox runs under: a classic-BPF program, packed here, that bwrap installs
(``--seccomp FD``) on the sandbox's first process and every process after it.

It closes kernel surface a test program never needs: new namespaces (``unshare``, ``setns``, ``clone`` with any
``CLONE_NEW*`` flag — so no user namespace, hence no private mounts), mounting, ``ptrace`` and cross-process
memory access, the key store, ``bpf``, ``perf_event_open``, ``userfaultfd``, ``io_uring``, module and kexec
loading, and a few host-wide knobs (clock, hostname, swap, reboot). Those return ``EPERM``; ``clone3`` (whose
flags sit behind a pointer a filter cannot read) and ``io_uring_*`` return ``ENOSYS`` so libc and libuv fall back
to ``clone`` and the thread pool. A syscall of another architecture (e.g. 32-bit ``int 0x80`` on x86_64) or of
the x32 ABI kills the process. Architectures: x86_64 (tested) and aarch64 (numbers cross-checked against
libseccomp in the tests). Anything else gets no filter, and :func:`filter_bytes` says so.

:func:`no_exec_filter` is a second, stricter filter a batch runner stacks on one test process: it may not start
any program (see :func:`no_exec_filter`).
"""

from __future__ import annotations

import errno
import logging
import platform
import struct
from functools import lru_cache

# seccomp return actions and classic-BPF opcodes (linux/seccomp.h, linux/filter.h)
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000
LD_ABS_W = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K
RET_K = 0x06  # BPF_RET | BPF_K
# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];
OFF_NR, OFF_ARCH, OFF_ARG0_LOW = 0, 4, 16  # little-endian: the low word of args[0] comes first
OFF_ARG0_HIGH, OFF_ARG4_LOW = 20, 48
AT_EMPTY_PATH = 0x1000

X32_SYSCALL_BIT = 0x40000000
# CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET (CLONE_NEWTIME shares CSIGNAL's bits)
CLONE_NEW_MASK = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

DENIED = (  # -> EPERM
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr", "ptrace", "process_vm_readv", "process_vm_writev", "keyctl", "add_key",
    "request_key", "bpf", "perf_event_open", "userfaultfd", "kexec_load", "kexec_file_load", "init_module",
    "finit_module", "delete_module", "swapon", "swapoff", "reboot", "acct", "quotactl", "name_to_handle_at",
    "open_by_handle_at", "syslog", "lookup_dcookie", "vhangup", "settimeofday", "clock_settime", "adjtimex",
    "clock_adjtime", "sethostname", "setdomainname", "iopl", "ioperm",
)
UNSUPPORTED = ("clone3", "io_uring_setup", "io_uring_enter", "io_uring_register")  # -> ENOSYS

# AUDIT_ARCH_* and syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h)
ARCHES = {
    "x86_64": (0xC000003E, {
        "clone": 56, "clone3": 435, "execve": 59, "execveat": 322, "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
        "chroot": 161, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
        "fspick": 433, "mount_setattr": 442, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
        "keyctl": 250, "add_key": 248, "request_key": 249, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323,
        "kexec_load": 246, "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
        "swapon": 167, "swapoff": 168, "reboot": 169, "acct": 163, "quotactl": 179, "name_to_handle_at": 303,
        "open_by_handle_at": 304, "syslog": 103, "lookup_dcookie": 212, "vhangup": 153, "settimeofday": 164,
        "clock_settime": 227, "adjtimex": 159, "clock_adjtime": 305, "sethostname": 170, "setdomainname": 171,
        "iopl": 172, "ioperm": 173, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    }),
    "aarch64": (0xC00000B7, {
        "clone": 220, "clone3": 435, "execve": 221, "execveat": 281, "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
        "chroot": 51, "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
        "fspick": 433, "mount_setattr": 442, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
        "keyctl": 219, "add_key": 217, "request_key": 218, "bpf": 280, "perf_event_open": 241, "userfaultfd": 282,
        "kexec_load": 104, "kexec_file_load": 294, "init_module": 105, "finit_module": 273, "delete_module": 106,
        "swapon": 224, "swapoff": 225, "reboot": 142, "acct": 89, "quotactl": 60, "name_to_handle_at": 264,
        "open_by_handle_at": 265, "syslog": 116, "lookup_dcookie": 18, "vhangup": 58, "settimeofday": 170,
        "clock_settime": 112, "adjtimex": 171, "clock_adjtime": 266, "sethostname": 161, "setdomainname": 162,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    }),
}


def _insn(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def _prelude(arch: str, audit_arch: int) -> list[bytes]:
    """Kill a syscall of another architecture (or the x32 ABI); leave the syscall number loaded."""
    prog = [
        _insn(LD_ABS_W, OFF_ARCH),
        _insn(JEQ_K, audit_arch, jt=1),
        _insn(RET_K, RET_KILL_PROCESS),
        _insn(LD_ABS_W, OFF_NR),
    ]
    if arch == "x86_64":
        prog += [_insn(JGE_K, X32_SYSCALL_BIT, jf=1), _insn(RET_K, RET_KILL_PROCESS)]
    return prog


def build_filter(arch: str) -> bytes:
    """The packed ``struct sock_filter[]`` for ``arch`` (a key of :data:`ARCHES`)."""
    audit_arch, nrs = ARCHES[arch]
    eperm, enosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    prog = _prelude(arch, audit_arch)
    for name in DENIED:
        if name in nrs:
            prog += [_insn(JEQ_K, nrs[name], jf=1), _insn(RET_K, eperm)]
    for name in UNSUPPORTED:
        prog += [_insn(JEQ_K, nrs[name], jf=1), _insn(RET_K, enosys)]
    # clone: allowed unless a namespace flag is set in (the low word of) its flags argument.
    prog += [
        _insn(JEQ_K, nrs["clone"], jf=3),
        _insn(LD_ABS_W, OFF_ARG0_LOW),
        _insn(JSET_K, CLONE_NEW_MASK, jf=1),
        _insn(RET_K, eperm),
        _insn(RET_K, RET_ALLOW),
    ]
    return b"".join(prog)


def no_exec_filter(arch: str, exec_fd: int) -> bytes:
    """A filter under which the process can exec exactly one thing: the file open as ``exec_fd``, through
    ``execveat(exec_fd, "", argv, envp, AT_EMPTY_PATH)``. Every ``execve`` and every other ``execveat`` fails
    with ``EPERM``. A batch runner installs it in a test process's child just before that call, so the test
    binary (close-on-exec descriptor: gone once it runs) can start no program at all: Rust's std only knows
    ``execve`` (``Command``, ``posix_spawn``), and raw syscalls need ``unsafe``, which the crate forbids."""
    audit_arch, nrs = ARCHES[arch]
    eperm = RET_ERRNO | errno.EPERM
    prog = _prelude(arch, audit_arch)
    prog += [
        _insn(JEQ_K, nrs["execve"], jf=1),
        _insn(RET_K, eperm),
        _insn(JEQ_K, nrs["execveat"], jt=1),
        _insn(RET_K, RET_ALLOW),
        _insn(LD_ABS_W, OFF_ARG0_LOW),  # execveat: dirfd == exec_fd (as an int: high word 0) ...
        _insn(JEQ_K, exec_fd, jf=4),
        _insn(LD_ABS_W, OFF_ARG0_HIGH),
        _insn(JEQ_K, 0, jf=2),
        _insn(LD_ABS_W, OFF_ARG4_LOW),  # ... and flags include AT_EMPTY_PATH (the path itself is ignored)
        _insn(JSET_K, AT_EMPTY_PATH, jt=1),
        _insn(RET_K, eperm),
        _insn(RET_K, RET_ALLOW),
    ]
    return b"".join(prog)


@lru_cache(maxsize=1)
def filter_bytes() -> tuple[bytes | None, str]:
    """The filter for this machine's architecture (built once), or None and why there is none."""
    arch = platform.machine()
    if arch not in ARCHES:
        why = f"no seccomp filter for architecture {arch!r} (known: {', '.join(ARCHES)})"
        logging.getLogger(__name__).warning("sandboxes run without nearcoder's seccomp filter: %s", why)
        return None, why
    return build_filter(arch), f"seccomp filter for {arch}"
