"""At the file-descriptor limit the server backs off instead of spinning, and serves again once
connections close (issue 5 §4: accept retried in a tight loop at 89% CPU and new clients timed out)."""
import os
import resource
import socket
import subprocess
import tempfile
import time
import unittest

from jingban_client import BINARY, ROOT, free_port

FAKE_NOW = "2026-03-10T10:00:00"


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def healthz(port, timeout=5):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        s.settimeout(timeout)
        return s.recv(4096)


class FileDescriptorLimitTest(unittest.TestCase):
    def test_accept_backs_off_at_emfile_and_recovers(self):
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            # A hard limit of 64 descriptors and a connection cap far above it: the process runs
            # out of descriptors before the cap, which is exactly the EMFILE case.
            limit = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
            log = open(os.path.join(tmp, "server.log"), "wb")
            proc = subprocess.Popen(
                [BINARY, "serve", "--port", str(port), "--db", os.path.join(tmp, "fd.db"),
                 "--fake-now", FAKE_NOW, "--rate-limit", "off", "--max-connections", "1000",
                 "--catalog", os.path.join(ROOT, "catalog"), "--calendar", os.path.join(ROOT, "calendar")],
                stdout=log, stderr=subprocess.STDOUT, preexec_fn=limit)
            try:
                deadline = time.time() + 60
                while True:
                    try:
                        self.assertTrue(healthz(port).startswith(b"HTTP/1.1 200"))
                        break
                    except OSError:
                        self.assertIsNone(proc.poll(), "server exited")
                        self.assertLess(time.time(), deadline, "server did not start")
                        time.sleep(0.2)
                held = []
                for _ in range(120):  # more than the server has descriptors for
                    try:
                        held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
                    except OSError:
                        break
                time.sleep(0.5)
                before = cpu_seconds(proc.pid)
                time.sleep(2.0)
                used = cpu_seconds(proc.pid) - before
                # A tight accept loop burns ~2 s of CPU in 2 s; backing off uses next to none.
                self.assertLess(used, 0.5, "server spun at the descriptor limit: %.2f s CPU in 2 s" % used)
                self.assertIsNone(proc.poll(), "server died at the descriptor limit")
                for s in held:
                    s.close()
                # Once descriptors are free again, a new client is served.
                deadline = time.time() + 15
                while True:
                    try:
                        if healthz(port, timeout=2).startswith(b"HTTP/1.1 200"):
                            break
                    except OSError:
                        pass
                    self.assertLess(time.time(), deadline, "server did not recover after the flood")
                    time.sleep(0.2)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
                log.close()
            with open(os.path.join(tmp, "server.log"), encoding="utf-8", errors="replace") as f:
                text = f.read()
            self.assertIn("jingban stopped", text)
            # The flood did reach the limit (otherwise this test proves nothing).
            self.assertIn('"event":"accept_backoff"', text)


if __name__ == "__main__":
    unittest.main()
