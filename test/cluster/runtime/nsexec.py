"""The container runtime's low-level part, what runc's init does: namespaces, mounts, pivot_root,
credentials and capabilities, then execve of the container's command. One JSON spec per call
(argv[2]); no shell anywhere. Modes:

  pause SPEC    the pod sandbox: new network, UTS and IPC namespaces, hostname set, then sleeps.
  run SPEC      a container: joins the sandbox's namespaces (and a target's PID namespace for an
                ephemeral container), else a new PID namespace whose PID 1 is the command; a new
                mount namespace with the image's root (overlay), volumes and /proc; its cgroups.
  exec SPEC     `kubectl exec`: every namespace of a running container, its cgroups, its user.
  forward SPEC  port-forward: connects to 127.0.0.1:PORT inside the sandbox's network namespace
                and relays stdin/stdout, as the kubelet's streaming server does.

The parent stays on the host side and reports on fd 3: `pid <host pid of the container process>`,
then waits for the child and exits as it did (same code, or killed by the same signal).
Errors before execve go to stderr as one line starting with `nsexec:`, with exit 127 for a
missing executable and 126 for one that cannot run.
"""
import ctypes
import json
import os
import platform
import select
import signal
import socket
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x20000, 0x2000000, 0x4000000, 0x8000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
SYS = {"x86_64": {"pivot_root": 155, "capset": 126}, "aarch64": {"pivot_root": 41, "capset": 91}}[platform.machine()]
CAP_LAST = int(open("/proc/sys/kernel/cap_last_cap").read())
CAPS = {name: i for i, name in enumerate([
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
    "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
    "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
    "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
    "CHECKPOINT_RESTORE"])}


class Fail(Exception):
    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise Fail(f"{what}: {os.strerror(err)}")


def mount(src, dst, fstype=None, flags=0, data=None):
    enc = lambda s: s.encode() if s is not None else None
    check(libc.mount(enc(src), enc(dst), enc(fstype), flags, enc(data)), f"mount {dst}")


def bind(src, dst, readonly=False):
    mount(src, dst, None, MS_BIND | MS_REC)
    if readonly:
        mount(None, dst, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_REC)


def setns_path(path, nstype):
    fd = os.open(path, os.O_RDONLY)
    try:
        check(libc.setns(fd, nstype), f"setns {path}")
    finally:
        os.close(fd)


def report(line):
    try:
        os.write(3, (line + "\n").encode())
    except OSError:
        pass


def wait_and_exit(child):
    # The container's signals are its own: the group kill of a stop reaches it directly.
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(s, signal.SIG_IGN)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def drop_privileges(spec):
    """Groups, gid, uid, then the capability sets a container runtime gives its process."""
    keep = {CAPS[c] for c in spec.get("capabilities", [])}
    for cap in range(CAP_LAST + 1):
        if cap not in keep:
            check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap}")
    uid, gid = spec.get("uid", 0), spec.get("gid", 0)
    os.setgroups(spec.get("groups", []))
    os.setresgid(gid, gid, gid)
    if uid != 0:
        # A non-root process keeps no capability across execve (no ambient set, as with containerd).
        os.setresuid(uid, uid, uid)
    else:
        lo = hi = 0
        for cap in keep:
            if cap < 32:
                lo |= 1 << cap
            else:
                hi |= 1 << (cap - 32)
        header = (ctypes.c_uint32 * 2)(0x20080522, 0)
        data = (ctypes.c_uint32 * 6)(lo, lo, 0, hi, hi, 0)  # effective, permitted, inheritable x2
        check(libc.syscall(SYS["capset"], header, data), "capset")
    if spec.get("noNewPrivileges"):
        check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def execute(spec):
    argv, env = spec["argv"], spec.get("env", {})
    cwd = spec.get("cwd") or "/"
    try:
        os.chdir(cwd)
    except OSError as e:
        raise Fail(f'chdir to cwd ("{cwd}") set in config.json failed: {e.strerror}', 126)
    drop_privileges(spec)
    # The PATH lookup by hand: os.execvpe imports modules lazily, and the image's root may have no
    # Python standard library at all.
    name = argv[0]
    candidates = [name] if "/" in name else [d + "/" + name for d in env.get("PATH", "").split(":") if d]
    denied = False
    for path in candidates:
        try:
            os.execve(path, argv, env)
        except FileNotFoundError:
            continue
        except (PermissionError, IsADirectoryError):
            denied = True
        except OSError as e:
            raise Fail(f'exec: "{name}": {e.strerror}', 126)
    if denied:
        raise Fail(f'exec: "{name}": permission denied', 126)
    raise Fail(f'exec: "{name}": executable file not found in $PATH', 127)


def parent_of(child):
    """Says the child's host PID, hands the status pipe to the child alone, waits for it."""
    report(f"pid {child}")
    try:
        os.close(3)
    except OSError:
        pass
    wait_and_exit(child)


def become_child():
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The status pipe closes at execve: EOF there tells the runtime the command started.
    try:
        os.set_inheritable(3, False)
    except OSError:
        pass


def join_cgroups(fds):
    for fd in fds:
        os.write(fd, b"0")


def build_root(spec):
    """The container's mount namespace: image overlay, volumes, /proc, /dev, /tmp, then pivot_root."""
    check(libc.unshare(CLONE_NEWNS), "unshare mount namespace")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = spec["root"]
    o = spec["overlay"]
    mount("overlay", root, "overlay", 0, f"lowerdir={o['lower']},upperdir={o['upper']},workdir={o['work']}")
    for m in spec.get("mounts", []):
        dst = root + m["target"]
        kind = m["kind"]
        if kind == "bind":
            if not os.path.exists(dst):
                if os.path.isdir(m["source"]):
                    os.makedirs(dst, exist_ok=True)
                else:
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    open(dst, "a").close()
            bind(m["source"], dst, m.get("readOnly", False))
        elif kind == "overlay":
            os.makedirs(dst, exist_ok=True)
            mount("overlay", dst, "overlay", 0, f"lowerdir={m['lower']},upperdir={m['upper']},workdir={m['work']}")
        elif kind == "tmpfs":
            os.makedirs(dst, exist_ok=True)
            mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, m.get("options", "mode=755"))
    mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    dev = root + "/dev"
    mount("tmpfs", dev, "tmpfs", MS_NOSUID, "mode=755,size=65536k")
    for node in ("null", "zero", "full", "random", "urandom", "tty"):
        open(f"{dev}/{node}", "a").close()
        bind(f"/dev/{node}", f"{dev}/{node}")
    os.makedirs(f"{dev}/shm")
    mount("shm", f"{dev}/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k")
    os.makedirs(f"{dev}/pts")
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{dev}/{name}")
    os.makedirs(root + "/.oldroot", exist_ok=True)
    os.chdir(root)
    check(libc.syscall(SYS["pivot_root"], b".", b".oldroot"), "pivot_root")
    os.chdir("/")
    check(libc.umount2(b"/.oldroot", MNT_DETACH), "umount old root")
    os.rmdir("/.oldroot")


def open_cgroups(spec):
    return [os.open(p, os.O_WRONLY) for p in spec.get("cgroupProcs", [])]


def mode_pause(spec):
    check(libc.unshare(CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC), "unshare pod namespaces")
    socket.sethostname(spec["hostname"])
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    report(f"pid {os.getpid()}")
    os.close(3)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        signal.pause()


def mode_run(spec):
    cgroups = open_cgroups(spec)
    sandbox = spec["sandboxPid"]
    for ns, flag in (("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("net", CLONE_NEWNET)):
        setns_path(f"/proc/{sandbox}/ns/{ns}", flag)
    if spec.get("targetPid"):
        setns_path(f"/proc/{spec['targetPid']}/ns/pid", CLONE_NEWPID)
    else:
        check(libc.unshare(CLONE_NEWPID), "unshare pid namespace")
    child = os.fork()
    if child:
        parent_of(child)
    become_child()
    join_cgroups(cgroups)
    # Its own cgroup is the root of what it sees (/proc/self/cgroup says "/"), as with containerd.
    check(libc.unshare(CLONE_NEWCGROUP), "unshare cgroup namespace")
    build_root(spec)
    execute(spec)


def mode_exec(spec):
    cgroups = open_cgroups(spec)
    target = spec["targetPid"]
    fds = [(os.open(f"/proc/{target}/ns/{ns}", os.O_RDONLY), flag) for ns, flag in
           (("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("net", CLONE_NEWNET), ("pid", CLONE_NEWPID), ("cgroup", CLONE_NEWCGROUP), ("mnt", CLONE_NEWNS))]
    for fd, flag in fds:
        check(libc.setns(fd, flag), "setns")
        os.close(fd)
    child = os.fork()
    if child:
        parent_of(child)
    become_child()
    join_cgroups(cgroups)
    execute(spec)


def mode_forward(spec):
    setns_path(f"/proc/{spec['sandboxPid']}/ns/net", CLONE_NEWNET)
    try:
        conn = socket.create_connection(("127.0.0.1", spec["port"]), timeout=5)
    except OSError as e:
        raise Fail(f"dial tcp4 127.0.0.1:{spec['port']}: connect: {e.strerror or e}")
    conn.settimeout(None)
    report("connected")
    os.close(3)
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    open_in = True
    while True:
        ready, _, _ = select.select([conn] + ([stdin] if open_in else []), [], [])
        if conn in ready:
            data = conn.recv(65536)
            if not data:
                break
            os.write(stdout, data)
        if open_in and stdin in ready:
            data = os.read(stdin, 65536)
            if data:
                conn.sendall(data)
            else:
                open_in = False
                conn.shutdown(socket.SHUT_WR)


def main():
    mode, spec = sys.argv[1], json.loads(sys.argv[2])
    try:
        {"pause": mode_pause, "run": mode_run, "exec": mode_exec, "forward": mode_forward}[mode](spec)
    except Fail as e:
        fail(str(e), e.code)
    except OSError as e:
        fail(str(e), 1)


def fail(message, code):
    report(f"error {message}")
    sys.stderr.write(f"nsexec: {message}\n")
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
