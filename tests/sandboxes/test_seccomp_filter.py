"""The packed seccomp filter: syscall numbers agree with libseccomp's tables, and the program is well formed.
(Its effect inside a sandbox is tested in test_containment.py.)"""

from __future__ import annotations

import ctypes
import ctypes.util
import struct

import pytest

from nearcoder.sandboxes import seccomp


@pytest.fixture(scope="module")
def libseccomp():
    name = ctypes.util.find_library("seccomp")
    if not name:
        pytest.skip("libseccomp is not installed (apt-get install libseccomp2)")
    lib = ctypes.CDLL(name)
    lib.seccomp_syscall_resolve_name_arch.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    lib.seccomp_syscall_resolve_name_arch.restype = ctypes.c_int
    return lib


@pytest.mark.parametrize("arch", sorted(seccomp.ARCHES))
def test_syscall_numbers_match_libseccomp(libseccomp, arch):
    audit_arch, numbers = seccomp.ARCHES[arch]  # libseccomp's SCMP_ARCH_* tokens are the AUDIT_ARCH_* values
    wrong = {}
    for name, nr in numbers.items():
        theirs = libseccomp.seccomp_syscall_resolve_name_arch(audit_arch, name.encode())
        if theirs >= 0 and theirs != nr:
            wrong[name] = (nr, theirs)
    assert not wrong, f"{arch}: ours vs libseccomp: {wrong}"


@pytest.mark.parametrize("arch", sorted(seccomp.ARCHES))
def test_filter_is_well_formed(arch):
    prog = seccomp.build_filter(arch)
    assert len(prog) % 8 == 0 and 0 < len(prog) // 8 < 4096  # BPF_MAXINSNS
    insns = [struct.unpack("=HBBI", prog[i : i + 8]) for i in range(0, len(prog), 8)]
    # First the architecture check (anything else is killed), last the default: allow.
    assert insns[0] == (seccomp.LD_ABS_W, 0, 0, seccomp.OFF_ARCH)
    assert insns[1][0] == seccomp.JEQ_K and insns[1][3] == seccomp.ARCHES[arch][0]
    assert insns[2] == (seccomp.RET_K, 0, 0, seccomp.RET_KILL_PROCESS)
    assert insns[-1] == (seccomp.RET_K, 0, 0, seccomp.RET_ALLOW)
    for i, (code, jt, jf, _) in enumerate(insns):  # every jump lands inside the program
        if code & 0x07 == 0x05:
            assert i + 1 + max(jt, jf) < len(insns)
    denied = {k for code, _, _, k in insns if code == seccomp.JEQ_K}
    for name in ("unshare", "setns", "mount", "ptrace", "bpf", "keyctl", "perf_event_open", "userfaultfd", "clone3"):
        assert seccomp.ARCHES[arch][1][name] in denied, name


@pytest.mark.parametrize("arch", sorted(seccomp.ARCHES))
def test_no_exec_filter_is_well_formed(arch):
    """execve always refused; execveat allowed only on the one descriptor with AT_EMPTY_PATH; default allow."""
    prog = seccomp.no_exec_filter(arch, 3)
    insns = [struct.unpack("=HBBI", prog[i : i + 8]) for i in range(0, len(prog), 8)]
    assert insns[:3] == [(seccomp.LD_ABS_W, 0, 0, seccomp.OFF_ARCH), (seccomp.JEQ_K, 1, 0, seccomp.ARCHES[arch][0]),
                         (seccomp.RET_K, 0, 0, seccomp.RET_KILL_PROCESS)]
    for i, (code, jt, jf, _) in enumerate(insns):
        if code & 0x07 == 0x05:
            assert i + 1 + max(jt, jf) < len(insns)
    nrs = seccomp.ARCHES[arch][1]
    compared = [k for code, _, _, k in insns if code == seccomp.JEQ_K]
    assert nrs["execve"] in compared and nrs["execveat"] in compared and 3 in compared
    assert (seccomp.JSET_K, 1, 0, seccomp.AT_EMPTY_PATH) in insns
