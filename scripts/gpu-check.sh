#!/usr/bin/env bash
# One-go check of the WebGPU path on a GPU machine: the adapter Dawn picks, one DARTS step (1st and 2nd order)
# against the cpu backend, then the bench (ms/step, images/s, memory) for fmnist-small, cifar-proxy and the
# DARTS paper's search shape (darts-1st). Runs from the repository (tsx) or from the portable folder (bundles).
# On a software adapter (Mesa llvmpipe) it says so, and benches only the small 'quick' shape (1 step, batch 8)
# (batch $BENCH_BATCH, default 8) unless --full is given: the paper shape takes hours on a CPU rasterizer.
#   scripts/gpu-check.sh [--full] [--steps N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
full=0; steps=3
while [ $# -gt 0 ]; do
  case "$1" in
    --full) full=1 ;;
    --steps) steps="$2"; shift ;;
    *) echo "gpu-check: unknown option $1 (expected --full, --steps N)" >&2; exit 2 ;;
  esac
  shift
done
if [ -f "$here/gpu-check.mjs" ]; then              # portable folder: bundles next to this script
  check=(node "$here/gpu-check.mjs"); bench=(node "$here/bench.mjs")
else                                               # repository checkout
  cd "$here/.."
  check=(npx tsx scripts/gpu-check.ts); bench=(npx tsx scripts/bench.ts)
fi
echo "# node $(node --version); $(uname -srm)" >&2
set +e
out="$("${check[@]}")"; rc=$?
set -e
printf '%s\n' "$out"
[ $rc -eq 2 ] && { echo "gpu-check: no WebGPU adapter here; see the reason above" >&2; exit 2; }
[ $rc -ne 0 ] && { echo "gpu-check: WebGPU disagrees with the cpu backend" >&2; exit 1; }
if printf '%s' "$out" | grep -q '"software":true' && [ $full -eq 0 ]; then
  batch="${BENCH_BATCH:-8}"
  echo "# software adapter: benching the 'quick' shape only (1 step, batch $batch); --full for the GPU shapes" >&2
  BENCH_BATCH="$batch" "${bench[@]}" --backend webgpu --config quick --steps 1
else
  "${bench[@]}" --backend webgpu --config fmnist-small,cifar-proxy,darts-1st --steps "$steps"
fi
