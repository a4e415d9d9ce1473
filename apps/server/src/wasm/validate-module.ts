import { TabgridError } from '@tabgrid/protocol';

const WASI_MODULE = 'wasi_snapshot_preview1';

/**
 * Checks an uploaded module before it is stored: real wasm, imports only WASI preview1,
 * and a WASI command (exports `_start` and its memory).
 */
export function validateModule(bytes: Uint8Array<ArrayBuffer>, maxBytes: number): void {
  if (bytes.byteLength === 0) throw new TabgridError('invalid_wasm', 'the body is empty: send the .wasm bytes');
  if (bytes.byteLength > maxBytes) {
    throw new TabgridError('payload_too_large', `module is ${bytes.byteLength} bytes; the limit is ${maxBytes}`);
  }
  if (!WebAssembly.validate(bytes)) {
    throw new TabgridError('invalid_wasm', 'the body is not a valid WebAssembly module');
  }
  const module = new WebAssembly.Module(bytes);
  const unknown = WebAssembly.Module.imports(module)
    .filter((imp) => imp.module !== WASI_MODULE)
    .map((imp) => `${imp.module}.${imp.name}`);
  if (unknown.length > 0) {
    throw new TabgridError(
      'invalid_wasm',
      `the module imports outside ${WASI_MODULE}: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}`,
    );
  }
  const exports = WebAssembly.Module.exports(module);
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw new TabgridError('invalid_wasm', 'the module is not a WASI command: it does not export a _start function');
  }
}
