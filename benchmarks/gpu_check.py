"""Run the GPU tests of s2s on a machine with a GPU: CuPy arrays and PyTorch CUDA tensors.

    python benchmarks/gpu_check.py [pytest options]

Needs CuPy (``pip install cupy-cuda12x``) and/or a CUDA build of PyTorch, and
array-api-compat. It runs tests/test_arrays_cupy.py (skipped elsewhere: no GPU)
and tests/test_arrays_torch.py with ``S2S_TORCH_DEVICE=cuda``, and prints what
it ran. Exit status: pytest's (0 when everything passed or was listed as xfail).
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv):
    env = dict(os.environ, S2S_TORCH_DEVICE="cuda")
    status = 0
    for path in ("tests/test_arrays_cupy.py", "tests/test_arrays_torch.py"):
        print("== {} ({})".format(path, "S2S_TORCH_DEVICE=cuda" if "torch" in path else "CuPy"), flush=True)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", path] + list(argv)
        status = max(status, subprocess.call(command, cwd=ROOT, env=env))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
