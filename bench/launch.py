"""Start one measured command and report its rusage: ``python -I -S bench/launch.py RESULT -- ARGV...``.

Why a launcher: on Linux a child's ``ru_maxrss`` counts the memory of the process it was forked from until
its exec, so a command started straight from bench/bench.py (which holds a whole scan in memory) would
report the bench's RSS as its own. This small process (a few MiB, stdlib, no site) forks it instead. The
command inherits this process's stdin, stdout, stderr, environment and working directory; RESULT gets one
JSON object: wall seconds (from the spawn to the reaped exit), CPU seconds (user + system of the command
and the children it waited for), peak RSS in KiB and the exit code.
"""

import json
import os
import sys
import time


def main() -> int:
    result, dashes, *argv = sys.argv[1:]
    assert dashes == "--" and argv
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes on macOS
    with open(result, "w", encoding="utf-8") as out:
        json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": rss, "returncode": os.waitstatus_to_exitcode(status)}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
