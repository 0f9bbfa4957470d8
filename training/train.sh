#!/usr/bin/env bash
# Rebuild kg's shipped NER model from ../shared/gold (see training/README.md).
# Single-threaded BLAS and a low priority: the machine is shared. About 15-25 min on one core.
#
# VECTORS=1 trains the static-vectors variant measured in docs/ner.md instead (not the
# shipped model): it builds the ACL word vectors first if training/vectors/spacy is
# missing (training/vectors.py, needs gensim: pip install -e .[train]). SEED=N sets the seed;
# TARGET=DIR packages the model there instead of kg/nlp/resources/ner.
set -euo pipefail
cd "$(dirname "$0")/.."
GOLD="${GOLD:-../shared/gold}"
OUT="${OUT:-training/output}"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
EXTRA=()
if [[ -n "${SEED:-}" ]]; then
    EXTRA+=(--system.seed "$SEED")
fi
if [[ -n "${VECTORS:-}" ]]; then
    [[ -d training/vectors/spacy ]] || nice -n 15 python training/vectors.py
    EXTRA+=(--paths.vectors training/vectors/spacy --components.tok2vec.model.embed.include_static_vectors true)
fi
nice -n 15 python training/convert.py --gold "$GOLD" --out training/corpus --oversample scierc=4
nice -n 15 python -m spacy train training/ner.cfg --code training/functions.py --output "$OUT" \
    --paths.train training/corpus/train.spacy --paths.dev training/corpus/dev.spacy "${EXTRA[@]}"
nice -n 15 python training/package.py "$OUT/model-best" --corpus training/corpus --gold "$GOLD" \
    ${TARGET:+--target "$TARGET"}
