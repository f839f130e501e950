"""Compute and memory from a ParamCount: FLOPs per token (≈ 2 × active parameters, forward pass, matmuls only,
attention over the context ignored) against a dense model of the same total size, and weight memory."""

from __future__ import annotations

from dataclasses import dataclass

from .params import ParamCount

BYTES_PER_PARAM = {"bf16": 2.0, "8-bit": 1.0, "4-bit": 0.5}


@dataclass(frozen=True)
class ComputeSummary:
    total: int
    active: int
    flops_per_token: float          # 2 × active
    dense_flops_per_token: float    # 2 × total (a dense model with the same parameter count)
    weight_gb: dict[str, float]     # decimal GB (1e9 bytes) to hold all weights, by precision

    @property
    def flops_ratio(self) -> float:
        return self.dense_flops_per_token / self.flops_per_token


def summarize(pc: ParamCount) -> ComputeSummary:
    return ComputeSummary(pc.total, pc.active, 2.0 * pc.active, 2.0 * pc.total,
                          {k: pc.total * b / 1e9 for k, b in BYTES_PER_PARAM.items()})
