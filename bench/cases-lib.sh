# cases-lib.sh -- sourced by bench/run.sh, bench/store.sh and
# bench/pg-import.sh from the repository's root, with OUT (holding
# kontakt-gen), SEED, JC and now_ns set: the generated inputs, one file per
# count and mix, reused by every script that asks for the same.

# ensure_cases FILE COUNT [MIX]: (re)generates FILE unless it was made with the
# same count, seed, jobcentres, mix and generator source. Written aside and
# renamed, so an interrupted run never leaves a half file that looks reusable.
ensure_cases() {
    local file=$1 count=$2 mix=${3:-default} want have=""
    want="cases=$count seed=$SEED jobcenters=$JC mix=$mix gen=$(cat bench/gen.c store/synth.c store/synth.h | cksum | cut -d' ' -f1)"
    [[ -f $file.params ]] && have=$(cat "$file.params")
    if [[ -f $file && $have == "$want" ]]; then
        echo "reusing $file ($count cases)"
        return
    fi
    local t0 t1
    t0=$(now_ns)
    "$OUT/kontakt-gen" --cases "$count" --seed "$SEED" --jobcenters "$JC" --mix "$mix" >"$file.tmp"
    t1=$(now_ns)
    mv "$file.tmp" "$file"
    echo "$want" >"$file.params"
    awk -v n="$count" -v ns=$((t1 - t0)) -v f="$file" -v b="$(wc -c <"$file")" 'BEGIN {
        printf "generated %s: %d cases, %.0f MB, %.0f cases/s\n", f, n, b / 1e6, n / (ns / 1e9) }'
}
