#!/usr/bin/env bash
# Inside nearcoder/near-full, offline: build one generated contract to wasm and test it.
#   rust: /work/lib.rs [+ /work/unit_tests.rs] [+ /work/integration.rs]  -> cargo near build, cargo test
#   js:   /work/contract.ts [+ /work/integration.ava.js]                 -> near-sdk-js build, ava
# Prints the same "@@nearcoder begin/end <stage> rc=N" markers as the offline driver.
set -u
stage() { name=$1; shift; echo "@@nearcoder begin $name"; "$@" > "/tmp/$name.log" 2>&1; rc=$?
  head -c 200000 "/tmp/$name.log"; echo; echo "@@nearcoder end $name rc=$rc"; return $rc; }
lang="${1:-rust}"
if [ "$lang" = rust ]; then
  cp -r /opt/near/template /tmp/contract && cd /tmp/contract
  cp /work/lib.rs src/lib.rs
  [ -f /work/unit_tests.rs ] && { printf '\n#[cfg(test)]\nmod nearcoder_hidden_tests {\n    use super::*;\n'; cat /work/unit_tests.rs; echo '}'; } >> src/lib.rs
  rm -f tests/*.rs; [ -f /work/integration.rs ] && cp /work/integration.rs tests/integration.rs
  stage wasm_build cargo near build non-reproducible-wasm --locked || exit 0
  stage clippy cargo clippy --target wasm32-unknown-unknown --message-format=json
  stage test_run timeout -k 5 600 cargo test --offline -- --test-threads 2
else
  cd /opt/near/js && mkdir -p src build && cp /work/contract.ts src/contract.ts
  stage wasm_build npx near-sdk-js build src/contract.ts build/contract.wasm || exit 0
  [ -f /work/integration.ava.js ] && cp /work/integration.ava.js integration.ava.js \
    && stage test_run timeout -k 5 600 npx ava integration.ava.js
fi
exit 0
