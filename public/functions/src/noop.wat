;; noop.wasm — the smallest useful WASI preview1 command: _start returns
;; immediately (exit code 0). No imports; exports an (empty) memory because
;; WASI commands are expected to export "memory".
(module
  (memory (export "memory") 0)
  (func (export "_start")))
