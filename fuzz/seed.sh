#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds: every YAML file of the example fleet and the test
# fixtures for fleet_load, and the hand-written seeds in fuzz/seeds/ for the others. The
# corpus folders are not committed; libFuzzer adds what it finds to them.
set -euo pipefail
cd "$(dirname "$0")"
for target in fleet_load selector value_template yaml_writer; do
  mkdir -p "corpus/$target"
done
find ../fleet ../tests/fixtures -name '*.yaml' -print0 |
  while IFS= read -r -d '' file; do
    cp "$file" "corpus/fleet_load/$(echo "$file" | tr '/.' '__')"
  done
for target in selector value_template yaml_writer; do
  cp seeds/"$target"/* "corpus/$target/"
done
# The example's value templates are seeds too.
grep -rhoE '"[^"]*\{\{[^"]*"' ../fleet | sed 's/^"//; s/"$//' |
  while IFS= read -r template; do
    printf '%s' "$template" > "corpus/value_template/example-$(printf '%s' "$template" | cksum | cut -d' ' -f1)"
  done
echo "seeded: $(for t in corpus/*; do printf '%s=%s ' "${t#corpus/}" "$(ls "$t" | wc -l)"; done)"
