"""Train the attribution lesson's CTR models and write data/creative_model.npz (deterministic).

    .venv/bin/python scripts/train_creative_model.py

Everything is seeded (data, initial weights, full-batch Adam), so a rerun on the same NumPy
build reproduces the file. It takes a minute or two on one core, too long for a page load,
which is why the weights are shipped (float32, about 0.2 MB) instead of trained per server.
"""

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.attribution import creatives, ctr_models  # noqa: E402


def r_squared(pred: np.ndarray, truth: np.ndarray) -> float:
    return float(1 - np.mean((pred - truth) ** 2) / np.var(truth))


def main() -> None:
    start = time.perf_counter()
    model, losses = ctr_models.train_creative_model()
    print(f"creative model trained in {time.perf_counter() - start:.1f} s, final loss {losses[-1]:.4f}")
    tabular = ctr_models.train_tabular_model()
    held_out, z, _ = creatives.dataset(1000, seed=1)
    X, zt = ctr_models.tabular_dataset(1000, seed=1)
    print(f"held-out R² of the log-odds: creative {r_squared(ctr_models.logit(model, held_out), z):.3f}, "
          f"tabular {r_squared(ctr_models.logit(tabular, X), zt):.3f}")
    out = ROOT / "data" / "creative_model.npz"
    out.parent.mkdir(exist_ok=True)
    ctr_models.save_models(out, {"creative": model, "tabular": tabular},
                           mean_creative=held_out.mean(axis=0))
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
