import os
import sys

# One thread everywhere, for fairness (PyTorch gets torch.set_num_threads(1)):
# these must be set before NumPy, JAX or PyTorch load their thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

from benchmarks.runner import main  # noqa: E402

sys.exit(main())
