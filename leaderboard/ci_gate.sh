#!/usr/bin/env bash
# Evaluate a candidate checkpoint (and a baseline checkpoint, unless BASELINE is already an lm-eval output
# directory) on the near_* tasks, then gate the candidate. Exit status is the gate's: 0 pass, 1 regression,
# 2 unusable input. The Markdown report lands in OUT/gate.md.
#
#   leaderboard/ci_gate.sh CANDIDATE_CKPT BASELINE OUT
#   env: TASKS (near_questions), LIMIT (20; empty for full runs), NEARCODER (nearcoder), GATE_ARGS (extra flags)
set -uo pipefail
CANDIDATE=${1:?candidate checkpoint dir}
BASELINE=${2:?baseline checkpoint dir or lm-eval output dir}
OUT=${3:?output dir}
TASKS=${TASKS:-near_questions}
LIMIT=${LIMIT-20}
NEARCODER=${NEARCODER:-nearcoder}
mkdir -p "$OUT"

evaluate() {  # checkpoint -> output dir
    local args=(--model hf --model_args "pretrained=$1,dtype=float32" --device "${DEVICE:-cpu}" --tasks "$TASKS"
                --output_path "$2" --log_samples --confirm_run_unsafe_code)
    [ -n "$LIMIT" ] && args+=(--limit "$LIMIT")
    $NEARCODER eval "${args[@]}" || { echo "evaluation of $1 failed" >&2; exit 2; }
}

evaluate "$CANDIDATE" "$OUT/candidate"
if [ -n "$(find "$BASELINE" -name 'results_*.json' -print -quit 2>/dev/null)" ]; then
    BASE_OUT=$BASELINE
else
    evaluate "$BASELINE" "$OUT/baseline"
    BASE_OUT=$OUT/baseline
fi
# shellcheck disable=SC2086
$NEARCODER gate "$OUT/candidate" --baseline "$BASE_OUT" --report "$OUT/gate.md" ${GATE_ARGS:-}
