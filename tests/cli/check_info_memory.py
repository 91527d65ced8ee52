#!/usr/bin/env python3
"""check_info_memory.py CLI MAKE_BIG_HOSTILE: `info` and `info --json` on an ONNX file of
1,000,000 empty initializers (6 MB) stay under a resident peak of MAX_MB (issue 16: it took
365 MB, most of it per-tensor bookkeeping for tensors that hold nothing). Skipped (exit 77)
for a sanitizer build, whose allocations cost more."""
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile

MAX_MB = 230


def main():
    cli, generator = sys.argv[1], sys.argv[2]
    with open(cli, "rb") as f:
        binary = f.read()
        if b"__asan_init" in binary or b"__tsan_init" in binary:
            print("sanitizer build: skipped")
            return 77
    spec = importlib.util.spec_from_file_location("make_big_hostile", generator)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    data = gen.model(b"".join(gen.field_bytes(5, gen.empty_tensor()) for _ in range(1_000_000)))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "many_empty.onnx")
        with open(path, "wb") as f:
            f.write(data)
        for args in (["info", path], ["info", path, "--json"]):
            run = subprocess.run([cli] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            if run.returncode != 0:
                print(" ".join(args), "failed:", run.stderr.decode(errors="replace"))
                return 1
            # ru_maxrss of children is the largest child's so far: each run is checked against
            # the bound, which holds for the largest.
            if peak_mb > MAX_MB:
                print(" ".join(args), f"peaked at {peak_mb:.0f} MB resident, over {MAX_MB} MB")
                return 1
            print(" ".join(args), f"peak {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
