#!/usr/bin/env bash
# Rebuild kg's shipped NER model from ../shared/gold (see training/README.md).
# Single-threaded BLAS and a low priority: the machine is shared. About 15-25 min on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
GOLD="${GOLD:-../shared/gold}"
OUT="${OUT:-training/output}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
nice -n 15 python training/convert.py --gold "$GOLD" --out training/corpus --oversample scierc=4
nice -n 15 python -m spacy train training/ner.cfg --code training/functions.py --output "$OUT" \
    --paths.train training/corpus/train.spacy --paths.dev training/corpus/dev.spacy
nice -n 15 python training/package.py "$OUT/model-best" --corpus training/corpus --gold "$GOLD"
